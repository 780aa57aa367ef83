"""Stream a whole result set as CSV or JSON Lines, in bounded memory.

A point in time keeps the view of the index fixed while ``search_after`` walks it page by page in
``_shard_doc`` order (the cheapest sort there is); each page is turned into text and handed on
before the next is fetched, so 100,000 hits cost one page of memory, not 100,000 documents.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch

from pipeline.search.query import SearchRequest, build_export_query

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
COLUMNS = [
    "id",
    "url",
    "title",
    "source",
    "section",
    "authors",
    "published_at",
    "language",
    "word_count",
    "group",
    "body",
]
PAGE_SIZE = 1000
KEEP_ALIVE = "2m"


def export_rows(
    client: Elasticsearch, alias: str, request: SearchRequest, *, page_size: int = PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Every matching article as a flat row, fetched page by page under one point in time."""
    query = build_export_query(request)
    pit = client.open_point_in_time(index=alias, keep_alive=KEEP_ALIVE)["id"]
    try:
        after: list[Any] | None = None
        while True:
            extra: dict[str, Any] = {"search_after": after} if after is not None else {}
            response = client.search(
                query=query,
                size=page_size,
                pit={"id": pit, "keep_alive": KEEP_ALIVE},
                sort=[{"_shard_doc": "asc"}],
                source_excludes=["neardup.bands", "neardup.signature"],
                track_total_hits=False,
                **extra,
            )
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            for hit in hits:
                yield _row(hit)
            if len(hits) < page_size:
                return
            after = hits[-1]["sort"]
    finally:
        client.close_point_in_time(id=pit)


def stream_export(
    client: Elasticsearch, alias: str, request: SearchRequest, fmt: str
) -> Iterator[str]:
    """The export as text chunks, one chunk per row (CSV with a header line)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    rows = export_rows(client, alias, request)
    if fmt == "jsonl":
        for row in rows:
            yield json.dumps(row, ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "authors": "; ".join(row["authors"])})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _row(hit: dict[str, Any]) -> dict[str, Any]:
    src = hit.get("_source", {})
    return {
        "id": hit["_id"],
        "url": src.get("url", ""),
        "title": src.get("title", ""),
        "source": src.get("source", ""),
        "section": src.get("section"),
        "authors": list(src.get("authors") or []),
        "published_at": src.get("published_at"),
        "language": src.get("language"),
        "word_count": src.get("word_count"),
        "group": (src.get("neardup") or {}).get("group"),
        "body": src.get("body", ""),
    }
