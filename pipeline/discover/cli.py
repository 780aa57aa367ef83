"""``newsarchive sources discover URL`` and ``newsarchive sources try NAME``: argument handling.

Registered on the ``sources`` command group by ``register_sources_actions``; module-level
imports are standard library only so that building the parser stays cheap, the handlers import
what they use.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.discover.fetch import Fetcher
    from pipeline.discover.site import Discovery

__all__ = ["register_sources_actions"]

_NAME = re.compile(r"[a-z0-9_-]+")


def register_sources_actions(actions: Any) -> None:
    """Add ``discover`` and ``try`` to the ``sources`` group (its ``add_subparsers()`` action)."""
    from pipeline.cli.flags import add_json, add_sources_file

    p = actions.add_parser(
        "discover",
        help="find a site's feeds and sitemaps and propose a sources.yaml stanza",
        description="From a home or section page, find RSS/Atom/JSON feeds and sitemaps "
        "(page links, robots.txt, a few common paths), propose article_patterns and "
        "follow_patterns from the URLs they and the page contain, and print a sources file "
        "with comments saying what was found, refused and guessed. Polite: robots.txt "
        "obeyed, the crawl's SSRF and size limits, a small request budget. See docs/sources.md.",
    )
    p.add_argument("url", help="the site's home page or a section page")
    p.add_argument("--name", help="the source's name (default: from the host name)")
    p.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="request budget, robots.txt and redirects included (default: "
        "NEWSARCHIVE_DISCOVER_MAX_REQUESTS, 30)",
    )
    add_json(p, "what was found and proposed")
    p.set_defaults(handler=_discover)

    p = actions.add_parser(
        "try",
        help="preview what a source's article pages extract to",
        description="Fetch a few article URLs of a configured source (from its feeds, sitemaps "
        "or start pages) and show per page the title, date and where it came from, authors, "
        "section, type and first lines, with warnings (no date, no author, short body, "
        "boilerplate suspects). Nothing is indexed.",
    )
    p.add_argument("name", help="the source, as named in the sources file")
    p.add_argument("--pages", type=int, default=5, metavar="N", help="article pages (default 5)")
    add_sources_file(p)
    add_json(p, "the previews")
    p.set_defaults(handler=_try)


def make_fetcher(max_requests: int | None = None) -> Fetcher:
    """The polite client configured from ``pipeline.settings``."""
    from pipeline import settings
    from pipeline.crawl.safety.netpolicy import AddressPolicy
    from pipeline.discover.fetch import Fetcher, FetchLimits

    limits = FetchLimits(
        max_requests=max_requests or settings.NEWSARCHIVE_DISCOVER_MAX_REQUESTS,
        max_bytes=settings.DOWNLOAD_MAXSIZE,
        timeout=settings.NEWSARCHIVE_DISCOVER_TIMEOUT,
        max_redirects=settings.REDIRECT_MAX_TIMES,
        delay=settings.NEWSARCHIVE_DISCOVER_DELAY,
        max_crawl_delay=settings.NEWSARCHIVE_MAX_CRAWL_DELAY,
        user_agent=settings.USER_AGENT,
    )
    policy = AddressPolicy.from_settings(
        settings.NEWSARCHIVE_ALLOWED_NETWORKS, settings.NEWSARCHIVE_MAX_URL_LENGTH
    )
    return Fetcher(limits, policy)


def _discover(args: argparse.Namespace) -> int:
    from pipeline import settings
    from pipeline.discover.site import discover
    from pipeline.discover.stanza import render_stanza
    from pipeline.exceptions import NewsArchiveError

    if args.name is not None and not _NAME.fullmatch(args.name):
        raise NewsArchiveError(f"invalid name {args.name!r}: use a-z, 0-9, '_' and '-'")
    if args.max_requests is not None and args.max_requests < 2:
        raise NewsArchiveError("--max-requests must be at least 2 (robots.txt and the page)")
    fetcher = make_fetcher(args.max_requests)
    found = discover(args.url, fetcher, name=args.name, max_size=settings.DOWNLOAD_MAXSIZE)
    if args.json:
        print(json.dumps(_discovery_json(found), indent=2))
    else:
        sys.stdout.write(render_stanza(found))
    return 0


def _discovery_json(found: Discovery) -> dict[str, Any]:
    return {
        "start_url": found.start_url,
        "name": found.name,
        "requests": found.requests_made,
        "max_requests": found.max_requests,
        "feeds": [{"url": p.url, "how": p.how, "detail": p.detail} for p in found.feeds],
        "sitemaps": [{"url": p.url, "how": p.how, "detail": p.detail} for p in found.sitemaps],
        "refused": [{"url": r.url, "reason": r.reason, "detail": r.detail} for r in found.refusals],
        "notes": found.notes,
        "article_patterns": [g.regex for g in found.proposal.article_patterns],
        "follow_patterns": [g.regex for g in found.proposal.follow_patterns],
        "left_out": found.proposal.left_out,
    }


def _try(args: argparse.Namespace) -> int:
    from pipeline.cli.flags import sources_file
    from pipeline.discover.preview import preview_source, render_previews
    from pipeline.sources import get_source, load_sources

    source = get_source(load_sources(sources_file(args)), args.name)
    report = preview_source(source, make_fetcher(), pages=args.pages)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        sys.stdout.write(render_previews(report))
    return 0 if report.pages else 1
