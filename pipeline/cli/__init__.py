"""The ``newsarchive`` command: one argparse tree, each command registered by the package that
owns it.

``build_parser`` creates the only ``ArgumentParser`` of the project and hands its sub-commands to
``register(commands)`` of each module in ``OWNERS``, in help order; a new command is one line
there. Every handler only turns its arguments into a call of the library. To keep ``newsarchive``
quick to start (``crawl`` is timed) and ``newsarchive es install`` runnable before the
Elasticsearch client is installed, this package and every owner import only the standard
library at module level, and their packages import their modules on first use
(``pipeline/lazy.py``); heavy imports happen inside handlers.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pipeline import __version__
from pipeline.exceptions import NewsArchiveError

__all__ = ["OWNERS", "build_parser", "main"]

#: The modules whose ``register(commands)`` adds commands, in the order ``--help`` lists them.
OWNERS: tuple[str, ...] = (
    "pipeline.crawl.cli",  # crawl, replay
    "pipeline.schedule.cli",  # schedule, runs
    "pipeline.index.cli",  # reprocess, index
    "pipeline.backfill.cli",  # import: WARC files and CC-NEWS months
    "pipeline.boilerplate.cli",  # boilerplate show|accept|reject
    "pipeline.revisions.cli",  # revisions ID
    "pipeline.health.cli",  # health [--source] [--runs] [--check]
    "pipeline.search.cli",  # search, serve
    "pipeline.cli.sources",  # sources list|check
    "pipeline.extract.cli",  # extract
    "pipeline.local.cli",  # es [cluster], fixture-site, redis, demo
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status (2 for a project error, 130 for Ctrl+C)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except NewsArchiveError as exc:
        from pipeline.index.secrets import redact

        print(f"newsarchive: error: {redact(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree: the top-level parser and every owner's commands."""
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Crawl news sources, strip boilerplate, index clean articles into "
        "Elasticsearch, and search them.",
        epilog="Elasticsearch: set ELASTICSEARCH_URL (and ELASTICSEARCH_API_KEY or "
        "ELASTICSEARCH_USERNAME/PASSWORD, ELASTICSEARCH_CA_FILE) for your cluster; without it the "
        "project starts its own local node. Sources: config/sources.yaml or $NEWSARCHIVE_SOURCES.",
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for owner in OWNERS:
        importlib.import_module(owner).register(commands)
    return parser
