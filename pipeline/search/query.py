"""Build Elasticsearch request bodies from what an analyst asked for: pure, so it is easy to test.

The search text is parsed by ``pipeline.search.syntax`` into a tree and translated here clause by
clause into typed queries (``multi_match``, ``prefix``, ``term``, ``bool``): no user string is ever
handed to ``query_string``, to a script or to the JSON DSL. Facet filters go into ``post_filter``
and each facet is counted with every filter except its own, so a chosen facet keeps showing its
alternatives ("multi-select" facets, as in a shop's sidebar).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pipeline.search.syntax import (
    MAX_QUERY_LENGTH,
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    parse,
)

__all__ = [
    "FACETS",
    "HIGHLIGHT_POST",
    "HIGHLIGHT_PRE",
    "INTERVALS",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_LENGTH",
    "MAX_WINDOW",
    "SORTS",
    "SearchRequest",
    "build_export_query",
    "build_query",
    "build_similar_query",
    "build_span_query",
    "resolve_interval",
    "translate",
]

SEARCH_FIELDS = ["title^3", "description^2", "authors.text^2", "body"]
EXACT_FIELDS = ["title.exact^3", "description.exact^2", "authors.text^2", "body.exact"]
PREFIX_FIELDS = ["title.exact", "description.exact", "authors.text", "body.exact"]
GROUP_FIELD = "neardup.group"

# Private-use characters cannot come from a news page in practice; the snippet module escapes the
# whole fragment and only then turns these two into <mark> tags (see pipeline.search.snippets).
HIGHLIGHT_PRE = "\ue000"
HIGHLIGHT_POST = "\ue001"

# facet name (API parameter and query field) -> keyword field
FACETS: dict[str, str] = {
    "source": "source",
    "section": "section",
    "author": "authors",
    "language": "language",
}
INTERVALS = ("auto", "day", "week", "month", "year")
SORTS = ("relevance", "date", "date_asc", "changed")
MAX_PAGE_SIZE = 100
# Elasticsearch's index.max_result_window: deeper pages are what export is for.
MAX_WINDOW = 10_000
FACET_SIZE = 15
COPIES_SHOWN = 20


@dataclass(frozen=True)
class SearchRequest:
    """Everything one search asks for; the same object serves the CLI, the page and the API."""

    text: str = ""
    sources: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    size: int = 10
    offset: int = 0
    sort: str = "relevance"  # relevance | date (newest first) | date_asc | changed (last change)
    # Only articles edited after publication: a later capture changed them (revision > 1; trivial
    # changes do not count, see pipeline.revisions.changes).
    edited: bool = False
    collapse: bool = False  # one hit per near-duplicate group, copies listed
    interval: str = "auto"  # timeline buckets: auto | day | week | month | year
    facets: bool = True  # facet counts and timeline (the CLI does not need them)

    def facet_values(self) -> dict[str, tuple[str, ...]]:
        return {
            "source": self.sources,
            "section": self.sections,
            "author": self.authors,
            "language": self.languages,
        }


def translate(node: Node) -> dict[str, Any]:
    """One syntax-tree node as a typed Elasticsearch query."""
    if isinstance(node, Word):
        return {
            "multi_match": {
                "query": node.text,
                "fields": SEARCH_FIELDS,
                "type": "best_fields",
                "operator": "and",
            }
        }
    if isinstance(node, Phrase):
        return {"multi_match": {"query": node.text, "fields": EXACT_FIELDS, "type": "phrase"}}
    if isinstance(node, Prefix):
        return _any([{"prefix": {f: {"value": node.text.lower()}}} for f in PREFIX_FIELDS])
    if isinstance(node, Field):
        return _field(node)
    if isinstance(node, Not):
        return {"bool": {"must_not": [translate(node.node)]}}
    if isinstance(node, Or):
        return _any([translate(n) for n in node.nodes])
    return _all(node)


def _all(node: And) -> dict[str, Any]:
    must = [translate(n) for n in node.nodes if not isinstance(n, Not)]
    must_not = [translate(n.node) for n in node.nodes if isinstance(n, Not)]
    if not must:
        must = [{"match_all": {}}]
    if len(must) == 1 and not must_not:
        return must[0]
    clause: dict[str, Any] = {"must": must}
    if must_not:
        clause["must_not"] = must_not
    return {"bool": clause}


def _any(queries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _field(node: Field) -> dict[str, Any]:
    value = node.value
    if node.name == "author":
        if isinstance(value, Prefix):
            return {"prefix": {"authors.text": {"value": value.text.lower()}}}
        return {"match_phrase": {"authors.text": value.text}}
    if node.name == "title":
        if isinstance(value, Prefix):
            return {"prefix": {"title.exact": {"value": value.text.lower()}}}
        if isinstance(value, Phrase):
            return {"match_phrase": {"title.exact": value.text}}
        return {"match": {"title": {"query": value.text, "operator": "and"}}}
    field = FACETS[node.name]
    if isinstance(value, Prefix):
        return {"prefix": {field: {"value": value.text}}}
    return {"term": {field: value.text}}


def _facet_filters(request: SearchRequest) -> dict[str, dict[str, Any]]:
    return {
        name: {"terms": {FACETS[name]: list(values)}}
        for name, values in request.facet_values().items()
        if values
    }


def _range_filters(request: SearchRequest) -> list[dict[str, Any]]:
    """The publication-date range and the "edited after publication" filter."""
    edited = [{"range": {"revision": {"gte": 2}}}] if request.edited else []
    if not (request.date_from or request.date_to):
        return edited
    bounds: dict[str, str] = {}
    if request.date_from:
        bounds["gte"] = request.date_from.isoformat()
    if request.date_to:
        # "to 2016-12-31" includes that whole day.
        bounds["lt"] = (request.date_to + timedelta(days=1)).isoformat()
    return [{"range": {"published_at": bounds}}, *edited]


def _main_query(request: SearchRequest) -> dict[str, Any]:
    tree = parse(request.text.strip())
    return {"bool": {"must": [translate(tree)], "filter": _range_filters(request)}}


def _filtered(filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"filter": filters}}


def resolve_interval(first: date | None, last: date | None) -> str:
    """The timeline bucket for ``auto``: about 10 to 120 bars whatever the span of the matches.

    (``auto_date_histogram`` would do this in one request, but it lives in Elasticsearch's
    aggregations module, which the project's server-core node does not have.)
    """
    if first is None or last is None:
        return "month"
    days = (last - first).days
    if days <= 62:
        return "day"
    if days <= 366:
        return "week"
    if days <= 10 * 366:
        return "month"
    return "year"


def build_span_query(request: SearchRequest) -> dict[str, Any]:
    """First and last publication date among the matches: what ``auto`` needs to pick a bucket."""
    _check(request, paging=False)
    return {
        "query": build_export_query(request),
        "size": 0,
        "aggs": {
            "first": {"min": {"field": "published_at", "format": "yyyy-MM-dd"}},
            "last": {"max": {"field": "published_at", "format": "yyyy-MM-dd"}},
        },
    }


def _timeline(request: SearchRequest) -> dict[str, Any]:
    interval = request.interval
    if interval == "auto":
        # The service resolves "auto" from the matches' dates first; pure callers get this.
        interval = resolve_interval(request.date_from, request.date_to)
    return {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": interval,
            "format": "yyyy-MM-dd",
            "min_doc_count": 0,
        }
    }


def build_query(request: SearchRequest) -> dict[str, Any]:
    """The ``_search`` body: ranked typed query, facet post-filters, aggregations, snippets.

    Raises ``QuerySyntaxError`` for a query the analyst must fix and ``ValueError`` for
    parameters outside their range (the API maps both to a 400 answer).
    """
    _check(request)
    facet_filters = _facet_filters(request)
    body: dict[str, Any] = {
        "query": _main_query(request),
        "from": request.offset,
        "size": request.size,
        "_source": {"excludes": ["body", "neardup.bands", "neardup.signature"]},
        "highlight": {
            "pre_tags": [HIGHLIGHT_PRE],
            "post_tags": [HIGHLIGHT_POST],
            "fields": {
                "body": {
                    "matched_fields": ["body", "body.exact"],
                    "fragment_size": 180,
                    "number_of_fragments": 2,
                    "no_match_size": 180,
                },
                "title": {"matched_fields": ["title", "title.exact"], "number_of_fragments": 0},
            },
        },
        "track_total_hits": True,
    }
    if facet_filters:
        body["post_filter"] = _filtered(list(facet_filters.values()))
    if request.sort == "date":
        body["sort"] = [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    elif request.sort == "date_asc":
        body["sort"] = [{"published_at": {"order": "asc", "missing": "_last"}}, "_score"]
    elif request.sort == "changed":
        # Latest change first; documents indexed before ``changed_at`` existed come last.
        body["sort"] = [
            {"changed_at": {"order": "desc", "missing": "_last", "unmapped_type": "date"}},
            "_score",
        ]
    if request.collapse:
        body["collapse"] = {
            "field": GROUP_FIELD,
            "inner_hits": {
                "name": "copies",
                "size": COPIES_SHOWN,
                "sort": [{"published_at": {"order": "asc", "missing": "_last"}}],
                "_source": ["title", "url", "source", "published_at", "authors"],
            },
        }
    if request.facets:
        aggs: dict[str, Any] = {}
        for name, field in FACETS.items():
            others = [f for other, f in facet_filters.items() if other != name]
            aggs[f"facet_{name}"] = {
                "filter": _filtered(others),
                "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZE}}},
            }
        every = list(facet_filters.values())
        aggs["timeline"] = {
            "filter": _filtered(every),
            "aggs": {"histogram": _timeline(request)},
        }
        aggs["groups"] = {
            "filter": _filtered(every),
            "aggs": {"count": {"cardinality": {"field": GROUP_FIELD}}},
        }
        body["aggs"] = aggs
    return body


def build_export_query(request: SearchRequest) -> dict[str, Any]:
    """The query of an export: the same matches as the search, every filter applied, no ranking."""
    _check(request, paging=False)
    query = _main_query(request)
    query["bool"]["filter"] = query["bool"]["filter"] + list(_facet_filters(request).values())
    return query


def build_similar_query(
    index: str, doc_id: str, group: str | None, size: int = 5
) -> dict[str, Any]:
    """ "More like this" for one stored article, leaving out its own near-duplicate copies."""
    must_not: list[dict[str, Any]] = [{"ids": {"values": [doc_id]}}]
    if group:
        must_not.append({"term": {GROUP_FIELD: group}})
    return {
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["title", "body"],
                            "like": [{"_index": index, "_id": doc_id}],
                            "min_term_freq": 1,
                            "min_doc_freq": 1,
                            # Tuned on the fixture archive: a reply on the same topic is
                            # found, unrelated city news mostly is not.
                            "max_query_terms": 25,
                            "minimum_should_match": "10%",
                        }
                    }
                ],
                "must_not": must_not,
            }
        },
        # One entry per story: syndicated copies of a similar article are listed once.
        "collapse": {"field": GROUP_FIELD},
        "size": size,
        "_source": ["title", "url", "source", "published_at", "authors"],
    }


def _check(request: SearchRequest, *, paging: bool = True) -> None:
    if request.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {request.sort!r}")
    if request.interval not in INTERVALS:
        raise ValueError(
            f"interval must be one of {', '.join(INTERVALS)}, not {request.interval!r}"
        )
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise ValueError(
            f"the date range is empty: from {request.date_from} is after to {request.date_to}"
        )
    if not paging:
        return
    if not 0 <= request.size <= MAX_PAGE_SIZE:
        raise ValueError(f"size must be between 0 and {MAX_PAGE_SIZE}, not {request.size}")
    if request.offset < 0:
        raise ValueError(f"offset must not be negative, not {request.offset}")
    if request.offset + request.size > MAX_WINDOW:
        raise ValueError(
            f"pages beyond the first {MAX_WINDOW:,} hits are not served; "
            "narrow the search or export the whole result set"
        )
