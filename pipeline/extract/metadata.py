"""Page-level metadata read from the untouched tree, before cleaning removes ``<head>``,
scripts, bylines and ``<time>`` elements: title, authors, date candidates, canonical URL,
section, description, article type and the declared language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.etree
from lxml.html import HtmlElement

from pipeline.extract.authors import find_authors
from pipeline.extract.dates import (
    Candidate,
    jsonld_candidates,
    loose_meta_candidates,
    meta_candidates,
    microdata_candidates,
    time_candidates,
)
from pipeline.extract.jsonld import (
    JsonObject,
    article_objects,
    jsonld_objects,
    text_value,
    type_names,
)
from pipeline.extract.language import declared_language
from pipeline.extract.meta_tags import MetaTags, meta_tags
from pipeline.extract.text import squash
from pipeline.extract.titles import find_title, site_names

_OPINION = re.compile(
    r"opinion|op-?eds?\b|commentary|commentisfree|\bcolumn(?:s|ists?)?\b|\beditorials?\b|"
    r"meinung|kommentar|tribune|chronique|мнени",
    re.IGNORECASE,
)
# A section named "Comment" ("Daily Comment", "Comment is free") is the opinion pages.
_COMMENT_SECTION = re.compile(r"\bcomment\b", re.IGNORECASE)
# Values CMS templates put into section fields when the editor set none.
_PLACEHOLDER_SECTIONS = frozenset(
    {
        "tags",
        "tag",
        "article",
        "articles",
        "post",
        "posts",
        "story",
        "stories",
        "page",
        "uncategorized",
        "default",
        "none",
        "null",
        "undefined",
        "general",
    }
)
# URL path segments that name a kind of page or a language, not a section.
_NOT_SECTIONS = frozenset(
    {
        "article",
        "articles",
        "story",
        "stories",
        "content",
        "amp",
        "a",
        "p",
        "post",
        "posts",
        "news-story",
        "index",
        "www",
        "html",
        "en",
        "de",
        "fr",
        "ru",
        "es",
        "it",
        "uk",
        "us",
        "intl",
        "item",
        "id",
    }
)
_SECTION_SEGMENT = re.compile(r"[a-z][a-z0-9-]{1,30}")
_CANONICAL_XPATH = lxml.etree.XPath(
    '//link[@href][contains(concat(" ", translate(@rel, '
    '"CANONICAL", "canonical"), " "), " canonical ")]'
)
# WordPress marks the post's category links with rel="category tag".
_CATEGORY_XPATH = lxml.etree.XPath(
    '//a[contains(concat(" ", normalize-space(@rel), " "), " category ")]'
)
_JSONLD_PAGE_TYPES = frozenset({"webpage", "itempage", "newsmediaorganization"})


@dataclass(slots=True)
class PageMetadata:
    """Everything read from the raw page except what needs the cleaned body."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    agency: str | None = None  # the news agency the byline credits ("dpa"), not an author
    date_candidates: list[Candidate] = field(default_factory=list)
    canonical_url: str | None = None
    section: str | None = None
    description: str | None = None
    article_type: str = "news"
    declared_language: str | None = None
    jsonld_body: str = ""
    jsonld_types: tuple[str, ...] = ()  # schema.org types of the page's article objects
    # The raw title texts (og:title, <title>): some templates append the day to them.
    title_texts: tuple[str, ...] = ()


def read_metadata(root: HtmlElement, url: str) -> PageMetadata:
    """Collect metadata from structured data, ``<meta>``/``<link>`` tags and bylines."""
    metas = meta_tags(root)
    objects = jsonld_objects(root)
    articles = article_objects(objects)
    pages = [o for o in objects if _JSONLD_PAGE_TYPES.intersection(type_names(o))]
    section = find_section(root, metas, articles, url)
    credits = find_authors(root, articles, site_names(metas, articles, url))
    return PageMetadata(
        title=find_title(root, metas, articles, url),
        authors=credits.authors,
        agency=credits.agency,
        date_candidates=[
            *jsonld_candidates(articles),
            *meta_candidates(metas),
            *microdata_candidates(root),
            *time_candidates(root),
            *jsonld_candidates(pages),
            *loose_meta_candidates(metas),
        ],
        canonical_url=find_canonical(root, metas, url),
        section=section,
        description=find_description(metas, articles),
        article_type=find_article_type(articles, section, url),
        declared_language=declared_language(root, metas),
        jsonld_body=next((b for o in articles if (b := text_value(o.get("articleBody")))), ""),
        jsonld_types=tuple(t for o in articles for t in type_names(o)),
        title_texts=tuple(filter(None, (metas.get("og:title"), _title_text(root)))),
    )


def _title_text(root: HtmlElement) -> str | None:
    title = root.find(".//title")
    return str(title.text_content()) if title is not None else None


def find_canonical(root: HtmlElement, metas: MetaTags, url: str) -> str | None:
    """``<link rel=canonical>``, else ``og:url``, made absolute against the page URL."""
    links = _CANONICAL_XPATH(root)
    href = links[0].get("href") if links else metas.get("og:url")
    if not href or not href.strip():
        return None
    absolute = urljoin(url, href.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def find_section(
    root: HtmlElement, metas: MetaTags, articles: list[JsonObject], url: str
) -> str | None:
    """``article:section``, JSON-LD ``articleSection``, a WordPress category link, else the
    URL's first segment; placeholder values ("tags", "Articles") are skipped."""
    candidates = [
        metas.get("article:section"),
        *(text_value(o.get("articleSection")) for o in articles),
        *(str(a.text_content()) for a in _CATEGORY_XPATH(root)),
    ]
    for candidate in candidates:
        section = squash(candidate or "")
        if section and section.lower() not in _PLACEHOLDER_SECTIONS:
            return section
    return url_section(url)


def url_section(url: str) -> str | None:
    """The first path segment that names a section: "/world/2016/07/x" -> "world"."""
    segments = [s.lower() for s in urlsplit(url).path.split("/") if s]
    for segment in segments[:-1]:  # the last segment is the article's own slug
        if segment in _NOT_SECTIONS or not _SECTION_SEGMENT.fullmatch(segment):
            continue
        return segment
    return None


def find_description(metas: MetaTags, articles: list[JsonObject]) -> str | None:
    """Meta description, ``og:description``, ``twitter:description`` or JSON-LD description."""
    for name in ("description", "og:description", "twitter:description"):
        value = metas.get(name)
        if value:
            return squash(value)
    described = next((d for o in articles if (d := text_value(o.get("description")))), None)
    return squash(described) if described else None


def find_article_type(articles: list[JsonObject], section: str | None, url: str) -> str:
    """ "opinion" when the type, section or URL says opinion/op-ed/commentary/column/editorial."""
    types = [t for o in articles for t in type_names(o)]
    if "opinionnewsarticle" in types:
        return "opinion"
    if section and (_OPINION.search(section) or _COMMENT_SECTION.search(section)):
        return "opinion"
    segments = [s for s in urlsplit(url).path.lower().split("/") if s][:-1]
    if any(_OPINION.search(s) or s == "comment" for s in segments):
        return "opinion"
    return "news"
