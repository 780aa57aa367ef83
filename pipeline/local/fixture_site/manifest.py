"""What a correct crawl of the fixture site must produce, for tests to compare against exactly.

Everything is derived from the same catalog that renders the pages, so the expectations cannot
drift from the site. Paths are root-relative (the port changes per run); use
``ExpectedArticle.url(base_url)`` for absolute URLs.

Date expectations: ``published`` is the local calendar date of publication (the date in the
URL). ``published_at`` is the exact instant, given only when the page states one in
machine-readable form (JSON-LD, meta tag or ``<time datetime>``); the seed op-ed states no
instant at all, only the visible stamp ". Last Updated: 07/27/2016". ``updated``/``updated_at``
describe a real revision; pages without one may still declare a modification time equal to the
publication time, so an extractor returning either that or nothing is correct for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipeline.local.fixture_site import catalog, feeds
from pipeline.local.fixture_site.content_opinion import SEED, SEED_PUSH_PROMPT, SEED_STAMP
from pipeline.local.fixture_site.model import (
    SITE_NAME,
    Discovery,
    FixtureArticle,
    Template,
    inline_links,
)

__all__ = [
    "SEED_PUSH_PROMPT",
    "SEED_STAMP",
    "SITE_NAME",
    "ExpectedArticle",
    "asset_paths",
    "disallowed_paths",
    "discovered_by",
    "duplicate_variants",
    "expected_articles",
    "expected_by_path",
    "feed_paths",
    "navigation_paths",
    "non_html_paths",
    "not_found_paths",
    "only_discovered_by",
    "pagination_only_paths",
    "redirects",
    "seed_article",
    "sitemap_paths",
]

# Where each template states the publication date, strongest evidence first.
_DATE_EVIDENCE: dict[Template, tuple[str, ...]] = {
    Template.MODERN: ("json-ld", "meta", "time", "url"),
    Template.STORY_BODY: ("json-ld", "meta", "text", "url"),
    Template.COLUMN: ("json-ld", "meta", "time", "url"),
    Template.WORDPRESS: ("time", "url"),
    Template.ARCHIVE: ("text", "url"),
}


@dataclass(frozen=True, slots=True)
class ExpectedArticle:
    """One document the crawl must index, with the values extraction should arrive at."""

    path: str  # canonical, root-relative, e.g. "/news/2024/03/14/<slug>/"
    title: str
    paragraphs: tuple[str, ...]  # the article body, plain text, one string per paragraph
    body_source: str  # "seed-op-ed" (verbatim from the seed file) or "original"
    description: str
    authors: tuple[str, ...]
    language: str  # ISO 639-1
    encoding: str  # charset of the page bytes
    section: str  # as in article:section / the breadcrumb, e.g. "Opinion"
    article_type: str  # "news" or "opinion"
    kind: str  # news | analysis | column | editorial | letter
    published: date
    published_at: datetime | None
    updated: date | None
    updated_at: datetime | None
    template: str
    has_json_ld: bool
    date_evidence: tuple[str, ...]  # "json-ld", "meta", "time", "text", "url"
    discovery: frozenset[str]  # subset of {"feed", "sitemap", "links"}

    @property
    def body(self) -> str:
        """The body the way ``pipeline.items.Article.body`` holds it: blank-line separated."""
        return "\n\n".join(self.paragraphs)

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}{self.path}"


def _expected(a: FixtureArticle) -> ExpectedArticle:
    stamp_only = a.template is Template.ARCHIVE
    has_json_ld = a.json_ld and a.template not in {Template.ARCHIVE, Template.WORDPRESS}
    return ExpectedArticle(
        path=a.path,
        title=a.title,
        paragraphs=a.paragraphs,
        body_source="seed-op-ed" if a is SEED else "original",
        description=a.description,
        authors=a.authors,
        language=a.language,
        encoding=a.encoding,
        section=a.section_name,
        article_type="opinion" if a.is_opinion else "news",
        kind=a.kind,
        published=a.published.date(),
        published_at=None if stamp_only else a.published,
        updated=a.updated.date() if a.updated else None,
        updated_at=None if stamp_only else a.updated,
        template=a.template.value,
        has_json_ld=has_json_ld,
        date_evidence=tuple(e for e in _DATE_EVIDENCE[a.template] if e != "json-ld" or has_json_ld),
        discovery=frozenset(d.value for d in a.discovery),
    )


def expected_articles() -> list[ExpectedArticle]:
    """Every page that must become a document, newest first (31 articles)."""
    return [_expected(a) for a in catalog.ARTICLES]


def expected_by_path() -> dict[str, ExpectedArticle]:
    return {e.path: e for e in expected_articles()}


def seed_article() -> ExpectedArticle:
    """The seed op-ed: its title, its six verbatim paragraphs, updated 2016-07-27."""
    return _expected(SEED)


def disallowed_paths() -> list[str]:
    """HTML pages that exist and are linked, but robots.txt forbids: never in the index."""
    return [catalog.PRIVATE_INDEX_PATH, catalog.PRIVATE_DRAFT.path]


def not_found_paths() -> list[str]:
    """Linked from a page on purpose and answering 404."""
    return [catalog.MISSING_STORY.path]


def non_html_paths() -> dict[str, str]:
    """Files at article-like URLs that are not HTML: path -> media type (no parameters)."""
    return {path: kind.split(";")[0] for path, kind in catalog.attachments()}


def redirects() -> dict[str, str]:
    """Old path -> canonical path it answers 301 for (the Location header is absolute)."""
    return dict(catalog.REDIRECTS)


def duplicate_variants() -> dict[str, str]:
    """URLs (path plus query) that serve an article again, linked or advertised somewhere:
    AMP pages, print pages and links with tracking parameters -> the canonical path."""
    variants: dict[str, str] = {}
    for a in catalog.ARTICLES:
        if a.amp:
            variants[f"{a.path}amp/"] = a.path
        if a.printable:
            variants[f"{a.path}?print=1"] = a.path
        if Discovery.FEED in a.discovery and a.feed_tracking:
            variants[catalog.feed_link(a)] = a.path
    for href, a in catalog.TRENDING:
        variants[href] = a.path
    return variants


def navigation_paths() -> list[str]:
    """HTML pages that are not articles: home, section listings (all pages), static pages."""
    paths = ["/"]
    for section in catalog.SECTIONS:
        pages = catalog.section_pages(section)
        paths += [catalog.section_page_path(section, n) for n in range(1, len(pages) + 1)]
    return [*paths, "/about/", "/privacy/", "/newsletter/"]


def feed_paths() -> list[str]:
    return ["/rss.xml", "/atom.xml"]


def sitemap_paths() -> list[str]:
    """The sitemap index first, then its children (one of them gzip-compressed)."""
    return [feeds.SITEMAP_INDEX_PATH, *catalog.SITEMAP_SECTIONS]


def asset_paths() -> list[str]:
    """Stylesheet, script and images referenced by pages; never documents."""
    return ["/static/site.css", "/static/site.js", "/static/logo.svg", *catalog.image_paths()]


def discovered_by(way: str) -> set[str]:
    """Canonical paths of articles a crawler finds via ``way``: "feed", "sitemap" or "links"."""
    return {e.path for e in expected_articles() if way in e.discovery}


def only_discovered_by(way: str) -> set[str]:
    """Articles that ``way`` alone can find: a crawler skipping it must miss exactly these."""
    return {e.path for e in expected_articles() if e.discovery == {way}}


def pagination_only_paths() -> set[str]:
    """Articles reachable solely through page 2 or later of a section listing.

    No feed, no sitemap, no home-page or sidebar link: a crawler that does not follow "Next"
    links past the first listing page cannot find them.
    """
    result: set[str] = set()
    for section in catalog.SECTIONS:
        for later_page in catalog.section_pages(section)[1:]:
            result |= {t.path for t in later_page}
    linked_elsewhere = set(catalog.REDIRECTS.values())
    for a in catalog.ARTICLES:
        linked_elsewhere.update(href for p in a.body for href in inline_links(p))
    for section in catalog.SECTIONS:
        linked_elsewhere |= {t.path for t in catalog.section_pages(section)[0]}
    by_path = expected_by_path()
    return {
        path
        for path in result - linked_elsewhere
        if path in by_path
        and by_path[path].discovery == {"links"}
        and not any(a.promoted and a.path == path for a in catalog.ARTICLES)
    }
