"""Offline extraction: ``python -m pipeline.extract [--url URL] [--timings] PATH...``.

Prints one JSON object per input file, in input order (JSON Lines), so that saved pages can be
inspected, compared with other extractors and scored by the evaluation harness. A file that
fails gets an ``error`` field (the ``ExtractionError`` reason, ``failed`` for a crash inside
the extractor, with ``detail``) and the run goes on. The exit status is 0 once every input has
its record: a page that yields no article is an outcome of the run, not a failure of it, and a
harness that reads the JSON Lines must not discard a whole batch over one page.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from pipeline.exceptions import ExtractionError
from pipeline.extract.api import ExtractedPage, ExtractOptions, extract

# A tiny article extracted once, untimed, before timing starts: it loads the language model
# so that the first page's "seconds" measure extraction, not one-off set-up.
_WARM_UP_HTML = (
    "<html><head><title>Warm-up</title></head><body><article><p>This paragraph only exists "
    "to load lazily initialised models before any page is timed.</p></article></body></html>"
)


def build_parser() -> argparse.ArgumentParser:
    """Command-line arguments of the offline extraction command."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.extract",
        description="Extract article text and metadata from saved HTML pages (JSON Lines out).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="HTML files to extract")
    parser.add_argument("--url", help="page URL for every input (default: the file's URI)")
    parser.add_argument(
        "--paths-from",
        metavar="FILE|-",
        help="read more paths, one per line, from FILE or standard input",
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help="add 'seconds': time spent in extract() for each page",
    )
    parser.add_argument(
        "--cleaner",
        choices=("lxml", "soup"),
        default="soup",
        help="who strips boilerplate inside the article: lxml, or "
        "BeautifulSoup on the container (the hybrid)",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="accepted for compatibility; output is always JSON Lines",
    )
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run the command; returns the exit status (0: every input got its record)."""
    args = build_parser().parse_args(argv)
    out = stdout or sys.stdout
    paths = list(_all_paths(args.paths, args.paths_from))
    options = ExtractOptions(cleaner=args.cleaner)
    if args.timings:
        extract(_WARM_UP_HTML, "https://example.invalid/warm-up", options)
    for path in paths:
        record = extract_file(Path(path), args.url, timings=args.timings, options=options)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def extract_file(
    path: Path, url: str | None, *, timings: bool = False, options: ExtractOptions | None = None
) -> dict[str, Any]:
    """One output record: the page's fields, or an ``error`` describing why it failed."""
    page_url = url or path.resolve().as_uri()
    record: dict[str, Any] = {"path": str(path), "url": page_url}
    try:
        data = path.read_bytes()
    except OSError as error:
        record["error"] = f"unreadable: {error}"
        return record
    started = time.perf_counter()
    try:
        page = extract(data, page_url, options)
    except ExtractionError as error:
        record["error"] = error.reason
        record["detail"] = error.detail
    else:
        record.update(page_record(page))
    if timings:
        record["seconds"] = round(time.perf_counter() - started, 6)
    return record


def page_record(page: ExtractedPage) -> dict[str, Any]:
    """The JSON fields of an extracted page (dates as ISO 8601)."""
    return {
        "title": page.title,
        "authors": page.authors,
        "published_at": _iso(page.published_at),
        "updated_at": _iso(page.updated_at),
        "date_source": page.date_source,
        "section": page.section,
        "section_label": page.section_label,
        "article_type": page.article_type,
        "opinion_kind": page.opinion_kind,
        "author_role": page.author_role,
        "original_publication": page.original_publication,
        "agency": page.agency,
        "language": page.language,
        "description": page.description,
        "canonical_url": page.canonical_url,
        "body": page.body,
    }


def _all_paths(paths: Sequence[str], paths_from: str | None) -> Iterator[str]:
    """Positional paths first, then those listed in ``--paths-from`` (blank lines skipped)."""
    yield from paths
    if paths_from is None:
        return
    if paths_from == "-":
        lines = sys.stdin.read().splitlines()
    else:
        lines = Path(paths_from).read_text(encoding="utf-8").splitlines()
    yield from (line.strip() for line in lines if line.strip())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


if __name__ == "__main__":
    sys.exit(main())
