"""``newsarchive extract``: extract articles from saved HTML files, one JSON line per file.

Also ``python -m pipeline.extract`` (the evaluation harness and benchmarks call it by that
name). Registered by ``pipeline.cli.build_parser``; lxml and the extractor are imported by the
handler (``pipeline.extract.files``).
"""

from __future__ import annotations

import argparse
import sys

from pipeline.cli import flags

__all__ = ["register"]


def register(commands: flags.Commands) -> None:
    """Add ``extract`` to the ``newsarchive`` commands."""
    p = commands.add_parser(
        "extract",
        help="extract articles from saved HTML files (JSON Lines)",
        description="Offline extraction of saved pages with the crawl's code path: "
        "one JSON object per file, in input order. A file that fails gets an 'error' field and "
        "the run goes on; the exit status is 0 once every file has its record (see --strict).",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="HTML files to extract")
    p.add_argument(
        "--strict", action="store_true", help="exit 1 if any file gave no article (default: 0)"
    )
    p.add_argument(
        "--url",
        help="the URL every input came from (helps dates and sections; default: the file's URI)",
    )
    p.add_argument(
        "--paths-from",
        metavar="FILE",
        help="read more paths, one a line, from FILE (- = standard input)",
    )
    p.add_argument(
        "--timings", action="store_true", help="add 'seconds' spent extracting each page"
    )
    p.add_argument(
        "--cleaner",
        choices=("lxml", "soup"),
        default="soup",
        help="who strips boilerplate inside the article: lxml, or "
        "BeautifulSoup on the container (the hybrid; default)",
    )
    p.add_argument(
        "--jsonl",
        action="store_true",
        help="accepted for compatibility; output is always JSON Lines",
    )
    p.set_defaults(handler=_extract)


def _extract(args: argparse.Namespace) -> int:
    from pipeline.extract import ExtractOptions
    from pipeline.extract.files import all_paths, extract_files

    paths = list(all_paths(args.paths, args.paths_from))
    failures = extract_files(
        paths,
        args.url,
        sys.stdout,
        timings=args.timings,
        options=ExtractOptions(cleaner=args.cleaner),
    )
    return 1 if failures and args.strict else 0
