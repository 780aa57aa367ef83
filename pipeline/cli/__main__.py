"""``python -m pipeline.cli``: the ``newsarchive`` command without its console script."""

from pipeline.cli import main

raise SystemExit(main())
