"""``python -m pipeline.local.fixture_site``: ``newsarchive fixture-site`` under its old name."""

import sys

from pipeline.cli import main

raise SystemExit(main(["fixture-site", *sys.argv[1:]]))
