"""The two things that flow through the pipeline: a fetched page and the article made from it.

Plain dataclasses rather than ``scrapy.Item`` so that extraction, indexing and tests can use them
without Scrapy; Scrapy's item pipelines accept any dataclass through itemadapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.index.neardup import Fingerprint


@dataclass(slots=True)
class RawArticle:
    """A response the spider believes is an article page, before any cleaning."""

    url: str
    source: str
    body: bytes
    status: int
    headers: dict[str, str]  # lower-cased header names
    fetched_at: datetime  # timezone-aware, UTC
    discovered_via: str  # "feed" | "sitemap" | "page"
    # Dates or titles announced by a feed or sitemap entry, used when the page itself lacks them.
    hints: dict[str, str] = field(default_factory=dict)
    # Where the raw response was archived ({"file": ..., "offset": ...}, see pipeline.archive).
    warc: dict[str, str | int] | None = None
    # Whether the crawl follows this page's links, and how many links deep the page is: the
    # extraction worker, which parses the page anyway, returns its links, and the extract stage
    # requests them (pipeline.crawl.outlinks), so the spider never parses an article page.
    follow_links: bool = False
    depth: int = 0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(slots=True)
class Article:
    """One clean document as it is stored in Elasticsearch (see ``pipeline.index.schema``)."""

    id: str
    url: str
    canonical_url: str
    source: str
    title: str
    body: str  # paragraphs separated by a blank line
    authors: list[str]
    published_at: datetime | None
    updated_at: datetime | None
    section: str | None
    language: str | None
    fetched_at: datetime
    content_hash: str
    description: str | None = None
    article_type: str | None = None
    date_source: dict[str, str] = field(default_factory=dict)
    # An op-ed writer's role and the publication the piece was written for (attribution trailer).
    author_role: str | None = None
    original_publication: str | None = None
    opinion_kind: str | None = None  # op-ed, column, editorial, letter (opinion pieces only)
    # The page's own section label (``section`` is its lowercase slug) and the news agency it
    # credits (an agency is not an author: pipeline/extract/credits.py).
    section_label: str | None = None
    agency: str | None = None
    # 1 when first indexed, bumped by the bulk writer each time the content changes.
    revision: int = 1
    # When the current revision was captured (None: at ``fetched_at``, the first capture); what
    # "sort by last change" orders by. Trivial changes (pipeline.revisions) leave it alone.
    changed_at: datetime | None = None
    warc: dict[str, str | int] | None = None
    # Near-duplicate group, LSH band keys and MinHash signature (filled by pipeline.index.neardup).
    neardup: dict[str, Any] = field(default_factory=dict)
    # The MinHash of ``body`` when it was computed where the body was extracted (a worker
    # process); not stored. None: pipeline.index.neardup computes it from the body.
    body_fingerprint: Fingerprint | None = field(default=None, repr=False, compare=False)
    # Lines of the source's learned boilerplate stripped from this page (pipeline.boilerplate);
    # not stored, counted per run by pipeline.health.
    learned_lines_removed: int = field(default=0, repr=False, compare=False)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def to_document(self) -> dict[str, Any]:
        """The JSON body sent to Elasticsearch: dates as ISO 8601, no ``id`` (it is ``_id``)."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "source": self.source,
            "title": self.title,
            "body": self.body,
            "authors": self.authors,
            "published_at": _iso(self.published_at),
            "updated_at": _iso(self.updated_at),
            "section": self.section,
            "language": self.language,
            "fetched_at": _iso(self.fetched_at),
            "content_hash": self.content_hash,
            "word_count": self.word_count,
            "description": self.description,
            "article_type": self.article_type,
            "date_source": self.date_source,
            "author_role": self.author_role,
            "original_publication": self.original_publication,
            "opinion_kind": self.opinion_kind,
            "section_label": self.section_label,
            "agency": self.agency,
            "revision": self.revision,
            "changed_at": _iso(self.changed_at or self.fetched_at),
            "warc": self.warc,
            **({"neardup": self.neardup} if self.neardup else {}),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(slots=True)
class FetchFailure:
    """A URL that could not be fetched or parsed; it flows to the pipelines to be counted once."""

    url: str
    source: str
    reason: str  # stable short code: "http_404", "robots_denied", "timeout", "bad_feed", ...
    kind: str  # what the request was for: "article" | "feed" | "sitemap" | "page"
    detail: str = ""
