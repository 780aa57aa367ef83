"""``newsarchive sources list|check``: the configured sources, offline.

Here rather than in ``pipeline/sources.py``, which stays a plain module of the loader and its
checks (imported by the crawl, the scheduler and re-processing, none of which need argparse);
its YAML parser is imported by the handlers.
"""

from __future__ import annotations

import argparse

from pipeline.cli import flags
from pipeline.discover.cli import register_sources_actions

__all__ = ["register"]


def register(commands: flags.Commands) -> None:
    """Add ``sources list`` and ``sources check`` to the ``newsarchive`` commands."""
    p = commands.add_parser("sources", help="list or check configured sources")
    actions = p.add_subparsers(title="actions", metavar="ACTION")
    q = actions.add_parser("list", help="list sources with their entry points")
    flags.add_sources_file(q)
    q.set_defaults(handler=_list)
    q = actions.add_parser("check", help="validate the sources file offline")
    flags.add_sources_file(q)
    q.set_defaults(handler=_check)
    register_sources_actions(actions)  # discover URL, try NAME: pipeline/discover/ owns them


def _list(args: argparse.Namespace) -> int:
    from pipeline.sources import load_sources

    for s in load_sources(flags.sources_file(args)):
        state = "enabled" if s.enabled else "disabled"
        print(
            f"{s.name} ({state}): {len(s.feeds)} feed(s), {len(s.sitemaps)} sitemap(s), "
            f"{len(s.start_urls)} start page(s)"
        )
        for url in (*s.feeds, *s.sitemaps, *s.start_urls):
            print(f"    {url}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from pipeline.sources import check_sources, default_sources_path, load_sources

    path = flags.sources_file(args) or default_sources_path()
    sources = load_sources(path)
    warnings = check_sources(sources)
    for w in warnings:
        print(f"warning: {w}")
    print(
        f"{path}: {len(sources)} source(s) valid"
        + (f", {len(warnings)} warning(s)" if warnings else "")
    )
    return 0
