"""Every article's revisions: what changed between captures, kept with a word-level diff.

``changes`` tells an edit from noise, ``diff`` shows the words that changed, ``store`` keeps the
versions in ``<alias>-revisions``, ``record`` is the bulk writer's hook, ``history`` what the
command and the document page show, ``cli`` the ``newsarchive revisions`` command. Nothing is
imported here, so that building the command tree stays cheap.
"""
