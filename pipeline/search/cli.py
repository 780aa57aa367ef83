"""``newsarchive search`` (in the terminal) and ``newsarchive serve`` (the page and JSON API).

Registered by ``pipeline.cli.build_parser``; the query layer, the Elasticsearch client and
uvicorn are imported by the handlers. ``print_search`` is also the end of ``newsarchive demo``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from pipeline.cli import flags

if TYPE_CHECKING:
    from pipeline.search import SearchRequest

__all__ = ["print_search", "register"]


def register(commands: flags.Commands) -> None:
    """Add ``search`` and ``serve`` to the ``newsarchive`` commands."""
    p = commands.add_parser(
        "search",
        help="full-text search of the archive",
        description='Search the archive: words, "exact phrases", OR, -exclusion, '
        "prefix*. Results are ranked, with highlighted snippets.",
    )
    p.add_argument("query", nargs="+", help="what to look for")
    p.add_argument("--source", action="append", default=[], help="only this source (repeatable)")
    p.add_argument("--author", action="append", default=[], help="only this author (repeatable)")
    p.add_argument("--section", action="append", default=[], help="only this section (repeatable)")
    p.add_argument(
        "--language", action="append", default=[], help="only this language code (repeatable)"
    )
    p.add_argument(
        "--from",
        dest="date_from",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="published on or after",
    )
    p.add_argument(
        "--to",
        dest="date_to",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="published on or before",
    )
    p.add_argument(
        "--sort",
        choices=["relevance", "date", "date_asc"],
        default="relevance",
        help="relevance (default), date (newest first) or date_asc (oldest first)",
    )
    p.add_argument("--limit", "-n", type=int, default=10, help="number of hits (default 10)")
    p.add_argument(
        "--collapse",
        action="store_true",
        help="one hit per group of near-duplicate copies (syndicated op-eds), copies listed",
    )
    flags.add_alias(p, "search")
    flags.add_json(p, "hits")
    p.set_defaults(handler=_search)

    p = commands.add_parser(
        "serve",
        help="serve the search page and JSON API",
        description="Serve the analysts' search page (/), document pages (/doc/ID), the JSON "
        "API (/api/search, /api/documents/ID, /api/export?format=csv|jsonl) and its "
        "documentation (/api/docs). Binds to loopback unless told otherwise.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    flags.add_alias(p, "search")
    p.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="server log level (default info)",
    )
    p.set_defaults(handler=_serve)


def _search(args: argparse.Namespace) -> int:
    from pipeline.search import SearchRequest

    request = SearchRequest(
        text=" ".join(args.query),
        sources=tuple(args.source),
        sections=tuple(args.section),
        authors=tuple(args.author),
        languages=tuple(args.language),
        date_from=args.date_from,
        date_to=args.date_to,
        size=args.limit,
        sort=args.sort,
        collapse=args.collapse,
        facets=False,
    )
    return print_search(request, flags.alias(args), as_json=args.json)


def print_search(request: SearchRequest, alias: str, *, as_json: bool = False) -> int:
    """Run ``request`` on ``alias`` and print the hits; 2 for a query that does not parse."""
    from pipeline.index import ClusterSettings, make_client
    from pipeline.search import search

    settings = ClusterSettings.for_search()  # read-only credentials when set
    with make_client(settings) as client:
        try:
            result = search(client, alias, request)
        except ValueError as exc:
            print(f"newsarchive: error: {exc}", file=sys.stderr)
            return 2
    if as_json:
        print(
            json.dumps(
                {"total": result.total, "hits": [h.to_dict() for h in result.hits]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(f"{result.total} hit(s) for {request.text!r} in {result.took_ms} ms")
    for reason in result.explanation:
        print(f"  {reason}")
    for n, hit in enumerate(result.hits, 1):
        published = (hit.published_at or "undated")[:10]
        authors = ", ".join(hit.authors) or "unknown author"
        print(f"\n{n}. {hit.title}\n   {hit.source} | {published} | {authors}\n   {hit.url}")
        for snippet in hit.snippets:
            print(f"   ... {_terminal_snippet(snippet)} ...")
        if len(hit.copies) > 1:
            print(f"   published {len(hit.copies)} times:")
            for copy in hit.copies:
                day = (copy.published_at or "undated")[:10]
                print(f"     - {copy.source} | {day} | {copy.url}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from pipeline.index import ClusterSettings, make_client
    from pipeline.search.web import create_app

    settings = ClusterSettings.for_search()  # read-only credentials when set
    index = flags.alias(args)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    with make_client(settings) as client:
        app = create_app(client, index)
        url = f"http://{args.host}:{args.port}/"
        print(f"newsarchive search on {url} (index {index!r}), API docs at {url}api/docs")
        sys.stdout.flush()
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _terminal_snippet(snippet: str) -> str:
    import html

    bold = sys.stdout.isatty()
    text = snippet.replace("<mark>", "\x1b[1m" if bold else "[").replace(
        "</mark>", "\x1b[0m" if bold else "]"
    )
    return html.unescape(" ".join(text.split()))
