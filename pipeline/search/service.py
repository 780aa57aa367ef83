"""Run a search against the archive alias and shape the hits for people and programs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch

from pipeline.search.query import SearchRequest, build_query


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
    snippets: list[str] = field(default_factory=list)  # HTML-escaped, with <mark> around matches

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "authors": self.authors,
            "published_at": self.published_at,
            "updated_at": self.updated_at,
            "section": self.section,
            "snippets": self.snippets,
        }


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    took_ms: int


def search(client: Elasticsearch, index: str, request: SearchRequest) -> SearchResult:
    """Search the alias ``index``; the client is passed in so tests and services share this code."""
    response = client.search(index=index, body=build_query(request))
    hits = [_hit(raw) for raw in response["hits"]["hits"]]
    return SearchResult(
        total=int(response["hits"]["total"]["value"]),
        hits=hits,
        took_ms=int(response.get("took", 0)),
    )


def _hit(raw: dict[str, Any]) -> Hit:
    src = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    return Hit(
        id=raw["_id"],
        score=raw.get("_score"),
        title=src.get("title", ""),
        url=src.get("url", ""),
        source=src.get("source", ""),
        authors=list(src.get("authors") or []),
        published_at=src.get("published_at"),
        updated_at=src.get("updated_at"),
        section=src.get("section"),
        snippets=list(highlight.get("body", [])),
    )
