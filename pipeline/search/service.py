"""Run searches against the archive alias and shape the answers for people and programs.

Every function takes the Elasticsearch client as its first argument, so the CLI, the web
service and the tests share this code and no test has to patch anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from pipeline.exceptions import IndexOutdatedError
from pipeline.search.query import (
    FACETS,
    GROUP_FIELD,
    SearchRequest,
    build_query,
    build_similar_query,
    build_span_query,
    resolve_interval,
    translate,
)
from pipeline.search.snippets import safe_snippet
from pipeline.search.syntax import describe, parse, positive_terms

SUMMARY_FIELDS = ["title", "url", "source", "published_at", "authors"]


@dataclass(frozen=True)
class Copy:
    """A near-duplicate copy of a hit (a syndicated version in another outlet)."""

    id: str
    title: str
    url: str
    source: str
    published_at: str | None


@dataclass(frozen=True)
class Hit:
    id: str
    score: float | None
    title: str
    url: str
    source: str
    authors: list[str]
    published_at: str | None
    updated_at: str | None
    section: str | None
    language: str | None = None
    group: str | None = None
    title_html: str = ""  # escaped, with <mark> around matches
    snippets: list[str] = field(default_factory=list)  # escaped, with <mark> around matches
    copies: list[Copy] = field(default_factory=list)  # the whole group, when collapsed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Bucket:
    date: str  # yyyy-MM-dd, the start of the bucket
    count: int


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    took_ms: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    timeline: list[Bucket] = field(default_factory=list)
    interval: str = ""  # e.g. "1d", "7d", "1M": what one timeline bucket spans
    groups: int | None = None  # distinct near-duplicate groups among the matches
    explanation: list[str] = field(default_factory=list)  # why nothing matched
    notices: list[str] = field(default_factory=list)  # how the answer differs from the request

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """One stored article with its copies and similar articles, for the document view."""

    id: str
    title: str
    url: str
    source: str
    body: str
    authors: list[str]
    published_at: str | None
    updated_at: str | None
    section: str | None
    language: str | None
    description: str | None
    word_count: int | None
    group: str | None
    copies: list[Copy]
    similar: list[Copy]

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(client: Elasticsearch, alias: str, request: SearchRequest) -> SearchResult:
    """Search the alias ``alias``; an empty answer carries sentences that say why."""
    try:
        if request.facets and request.interval == "auto":
            request = replace(request, interval=_auto_interval(client, alias, request))
        response = client.search(index=alias, body=build_query(request))
    except BadRequestError as exc:
        if request.collapse and GROUP_FIELD in str(exc):
            raise IndexOutdatedError(
                f"the index {alias!r} was created before near-duplicate grouping existed, so "
                "its articles cannot be grouped: search without grouping (collapse=0, or no "
                "--collapse), or re-index the archive into a new alias"
            ) from exc
        raise
    except NotFoundError:
        return SearchResult(
            total=0,
            hits=[],
            took_ms=0,
            explanation=[
                f"The archive index {alias!r} does not exist yet: run `newsarchive crawl` "
                "to collect articles into it (or set NEWSARCHIVE_INDEX to another alias)."
            ],
        )
    if request.collapse and any(
        "neardup" not in raw.get("_source", {}) for raw in response["hits"]["hits"]
    ):
        # Articles indexed before grouping existed have no group; collapsing would fold all of
        # them into one hit. Show every copy instead, and say why.
        result = search(client, alias, replace(request, collapse=False))
        notice = (
            "Some articles were indexed before near-duplicate grouping existed, so copies are "
            "not grouped for this search; re-process the archive to group them."
        )
        return replace(result, notices=[*result.notices, notice])
    total = int(response["hits"]["total"]["value"])
    aggs = response.get("aggregations", {})
    result = SearchResult(
        total=total,
        hits=[_hit(raw, collapsed=request.collapse) for raw in response["hits"]["hits"]],
        took_ms=int(response.get("took", 0)),
        facets=_facets(aggs, request),
        timeline=_timeline(aggs),
        interval=_interval(aggs, request.interval),
        groups=int(aggs["groups"]["count"]["value"]) if "groups" in aggs else None,
    )
    if total == 0:
        return SearchResult(
            **{**result.__dict__, "explanation": explain_empty(client, alias, request)}
        )
    return result


def _auto_interval(client: Elasticsearch, alias: str, request: SearchRequest) -> str:
    if request.date_from and request.date_to:
        return resolve_interval(request.date_from, request.date_to)
    aggs = client.search(index=alias, body=build_span_query(request)).get("aggregations", {})
    first = request.date_from or _day(aggs.get("first", {}).get("value_as_string"))
    last = request.date_to or _day(aggs.get("last", {}).get("value_as_string"))
    return resolve_interval(first, last)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def explain_empty(client: Elasticsearch, alias: str, request: SearchRequest) -> list[str]:
    """Sentences that tell an analyst why a search found nothing and what to change."""
    if _count(client, alias, {"match_all": {}}) == 0:
        return [f"The archive {alias!r} holds no articles yet: run `newsarchive crawl` first."]
    reasons: list[str] = []
    tree = parse(request.text.strip())
    for term in positive_terms(tree)[:10]:
        if _count(client, alias, translate(term)) == 0:
            reasons.append(f"No article in the archive contains {describe(term)}.")
    filters = _describe_filters(request)
    if filters:
        unfiltered = _count(client, alias, translate(tree))
        if unfiltered:
            reasons.append(
                f"{unfiltered:,} article(s) match the words, but not with the filters "
                f"({'; '.join(filters)}): widen or remove them."
            )
    if not reasons:
        reasons.append(
            "Each word matches some articles, but no article matches all of them together: "
            "try fewer words, or OR between alternatives."
        )
    return reasons


def get_document(client: Elasticsearch, alias: str, doc_id: str) -> Document | None:
    """The stored article with this id, its near-duplicate copies and similar articles."""
    response = client.search(
        index=alias,
        query={"ids": {"values": [doc_id]}},
        size=1,
        source_excludes=["neardup.bands", "neardup.signature"],
    )
    hits = response["hits"]["hits"]
    if not hits:
        return None
    raw = hits[0]
    src = raw["_source"]
    group = (src.get("neardup") or {}).get("group")
    copies: list[Copy] = []
    if group:
        copies_response = client.search(
            index=alias,
            query={"term": {"neardup.group": group}},
            size=50,
            sort=[{"published_at": {"order": "asc", "missing": "_last"}}],
            source_includes=SUMMARY_FIELDS,
        )
        copies = [_copy(c) for c in copies_response["hits"]["hits"] if c["_id"] != doc_id]
    similar_response = client.search(
        index=alias, body=build_similar_query(raw["_index"], doc_id, group)
    )
    return Document(
        id=raw["_id"],
        title=src.get("title", ""),
        url=src.get("url", ""),
        source=src.get("source", ""),
        body=src.get("body", ""),
        authors=list(src.get("authors") or []),
        published_at=src.get("published_at"),
        updated_at=src.get("updated_at"),
        section=src.get("section"),
        language=src.get("language"),
        description=src.get("description"),
        word_count=src.get("word_count"),
        group=group,
        copies=copies,
        similar=[_copy(s) for s in similar_response["hits"]["hits"]],
    )


def _count(client: Elasticsearch, alias: str, query: dict[str, Any]) -> int:
    return int(client.count(index=alias, query=query)["count"])


def _describe_filters(request: SearchRequest) -> list[str]:
    parts: list[str] = []
    if request.date_from or request.date_to:
        parts.append(f"published {request.date_from or '…'} to {request.date_to or '…'}")
    for name, values in request.facet_values().items():
        if values:
            parts.append(f"{name}: {', '.join(values)}")
    return parts


def _hit(raw: dict[str, Any], *, collapsed: bool) -> Hit:
    src = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    title = src.get("title", "")
    titles = highlight.get("title") or [title]
    copies: list[Copy] = []
    if collapsed:
        inner = raw.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("hits", [])
        copies = [_copy(c) for c in inner]
    return Hit(
        id=raw["_id"],
        score=raw.get("_score"),
        title=title,
        url=src.get("url", ""),
        source=src.get("source", ""),
        authors=list(src.get("authors") or []),
        published_at=src.get("published_at"),
        updated_at=src.get("updated_at"),
        section=src.get("section"),
        language=src.get("language"),
        group=(src.get("neardup") or {}).get("group"),
        title_html=safe_snippet(titles[0]),
        snippets=[safe_snippet(s) for s in highlight.get("body", [])],
        copies=copies,
    )


def _copy(raw: dict[str, Any]) -> Copy:
    src = raw.get("_source", {})
    return Copy(
        id=raw["_id"],
        title=src.get("title", ""),
        url=src.get("url", ""),
        source=src.get("source", ""),
        published_at=src.get("published_at"),
    )


def _facets(aggs: dict[str, Any], request: SearchRequest) -> dict[str, list[FacetValue]]:
    chosen = request.facet_values()
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        agg = aggs.get(f"facet_{name}")
        if agg is None:
            continue
        values = [
            FacetValue(str(b["key"]), int(b["doc_count"]), str(b["key"]) in chosen[name])
            for b in agg["values"]["buckets"]
        ]
        listed = {v.value for v in values}
        # A chosen value stays visible (with 0) so it can be un-chosen.
        values += [FacetValue(v, 0, True) for v in chosen[name] if v not in listed]
        facets[name] = values
    return facets


def _timeline(aggs: dict[str, Any]) -> list[Bucket]:
    histogram = aggs.get("timeline", {}).get("histogram")
    if not histogram:
        return []
    return [Bucket(str(b["key_as_string"]), int(b["doc_count"])) for b in histogram["buckets"]]


def _interval(aggs: dict[str, Any], requested: str) -> str:
    histogram = aggs.get("timeline", {}).get("histogram") or {}
    if "interval" in histogram:
        return str(histogram["interval"])
    return {"day": "1d", "week": "1w", "month": "1M", "year": "1y"}.get(requested, "")
