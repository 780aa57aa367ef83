"""Per-source extraction health: what each run produced, and alerts when it shifts.

``measures`` defines the counts and shares of one run, ``extension`` tallies them during a crawl,
``store`` keeps them in the run history (the scheduler's SQLite), ``alerts`` is the rule,
``watch`` applies it after a run and for the command, ``notify`` logs and posts alerts,
``chart`` draws the small multiples of the health page, ``cli`` is ``newsarchive health``.
Nothing is imported here, so that building the command tree stays cheap.
"""
