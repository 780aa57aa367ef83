"""Offline extraction of saved pages: one JSON record per file, in input order (JSON Lines).

So that saved pages can be inspected, compared with other extractors and scored by the
evaluation harness through the crawl's own code path (``newsarchive extract``). A file that
fails gets an ``error`` field (the ``ExtractionError`` reason, ``failed`` for a crash inside the
extractor, with ``detail``) and the run goes on: a page that yields no article is an outcome of
the run, and a harness reading the JSON Lines must not lose a whole batch over one page.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from pipeline.exceptions import ExtractionError
from pipeline.extract.api import ExtractedPage, ExtractOptions
from pipeline.extract.api import extract as extract  # re-exported: tests spy on it here

__all__ = ["all_paths", "extract_file", "extract_files", "page_record"]

# A tiny article extracted once, untimed, before timing starts: it loads the language model
# so that the first page's "seconds" measure extraction, not one-off set-up.
_WARM_UP_HTML = (
    "<html><head><title>Warm-up</title></head><body><article><p>This paragraph only exists "
    "to load lazily initialised models before any page is timed.</p></article></body></html>"
)


def extract_files(
    paths: Iterable[str],
    url: str | None,
    out: TextIO,
    *,
    timings: bool = False,
    options: ExtractOptions | None = None,
) -> int:
    """Write one record per path to ``out`` as each is done; returns how many failed."""
    if timings:
        extract(_WARM_UP_HTML, "https://example.invalid/warm-up", options)
    failures = 0
    for path in paths:
        record = extract_file(Path(path), url, timings=timings, options=options)
        failures += "error" in record
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return failures


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


def all_paths(paths: Sequence[str], paths_from: str | None) -> Iterator[str]:
    """Positional paths first, then those listed in ``paths_from`` (``-``: stdin; blank lines
    skipped)."""
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
