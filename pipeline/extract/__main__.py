"""``python -m pipeline.extract``: ``newsarchive extract`` under the name benchmarks call."""

import sys

from pipeline.cli import main

raise SystemExit(main(["extract", *sys.argv[1:]]))
