"""Build Elasticsearch search bodies from what an analyst typed: pure, so it is easy to test.

User text only ever goes into ``simple_query_string``, which never raises on bad syntax and has no
access to scripts or to Elasticsearch's JSON DSL; filters are built from typed values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

SEARCH_FIELDS = ["title^3", "description^2", "authors.text^2", "body"]
HIGHLIGHT_PRE = "<mark>"
HIGHLIGHT_POST = "</mark>"
MAX_QUERY_LENGTH = 1000


@dataclass(frozen=True)
class SearchRequest:
    text: str
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    size: int = 10
    offset: int = 0
    sort: str = "relevance"  # or "date"


def build_query(request: SearchRequest) -> dict[str, Any]:
    """The request body for ``_search``: ranked full text, typed filters, highlighted snippets."""
    text = request.text.strip()[:MAX_QUERY_LENGTH]
    must: list[dict[str, Any]] = []
    if text:
        must.append(
            {
                "simple_query_string": {
                    "query": text,
                    "fields": SEARCH_FIELDS,
                    "default_operator": "and",
                    # Exact phrases match unstemmed words: "inspection" in quotes means that word.
                    "quote_field_suffix": ".exact",
                    "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE",
                }
            }
        )
    else:
        must.append({"match_all": {}})
    filters: list[dict[str, Any]] = []
    if request.sources:
        filters.append({"terms": {"source": list(request.sources)}})
    if request.authors:
        filters.append({"terms": {"authors": list(request.authors)}})
    if request.date_from or request.date_to:
        bounds: dict[str, str] = {}
        if request.date_from:
            bounds["gte"] = request.date_from.isoformat()
        if request.date_to:
            bounds["lte"] = request.date_to.isoformat()
        filters.append({"range": {"published_at": bounds}})
    body: dict[str, Any] = {
        "query": {"bool": {"must": must, "filter": filters}},
        "from": max(0, request.offset),
        "size": max(0, min(request.size, 100)),
        "_source": {"excludes": ["body"]},
        "highlight": {
            "encoder": "html",
            "pre_tags": [HIGHLIGHT_PRE],
            "post_tags": [HIGHLIGHT_POST],
            "fields": {
                "body": {"fragment_size": 180, "number_of_fragments": 2, "no_match_size": 180},
                "title": {"number_of_fragments": 0},
            },
        },
        "track_total_hits": True,
    }
    if request.sort == "date":
        body["sort"] = [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    return body
