"""Page-level metadata read from the untouched tree, before cleaning removes ``<head>``,
scripts, bylines and ``<time>`` elements: title, authors, date candidates, canonical URL,
section, description, article type and the declared language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

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
from pipeline.extract.sections import find_section, url_section
from pipeline.extract.text import squash

__all__ = ["PageMetadata", "read_metadata", "url_section"]
from pipeline.extract.titles import find_title, headline_statements, site_names

_OPINION = re.compile(
    r"opinion|op-?eds?\b|commentary|commentisfree|\bcolumn(?:s|ists?)?\b|\beditorials?\b|"
    r"meinung|kommentar|tribune|chronique|мнени",
    re.IGNORECASE,
)
# A headline opening with an opinion label: "Opinion | ...", "Kommentar: ...", "OP-ED: ...".
_OPINION_LABEL = re.compile(
    r"^\s*(?:opinion|op-?ed|commentary|comment|column|editorial|meinung|kommentar|gastbeitrag"
    r"|leitartikel|tribune|chronique|éditorial|opinión|opinião)\s*[|:–—-]\s*\S",
    re.IGNORECASE,
)
# A section named "Comment" ("Daily Comment", "Comment is free") is the opinion pages.
_COMMENT_SECTION = re.compile(r"\bcomment\b", re.IGNORECASE)
# What XPath's translate(@rel, "CANONICAL", "canonical") did: only these capitals fold.
_REL_CASE = str.maketrans("CANONICAL", "canonical")
_JSONLD_PAGE_TYPES = frozenset({"webpage", "itempage", "newsmediaorganization"})


@dataclass(slots=True)
class PageMetadata:
    """Everything read from the raw page except what needs the cleaned body."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    agency: str | None = None  # the news agency the byline credits ("dpa"), not an author
    date_candidates: list[Candidate] = field(default_factory=list)
    canonical_url: str | None = None
    section: str | None = None  # slug: "opinion", "local-news"
    section_label: str | None = None  # as the page wrote it: "Opinion", "Local News"
    description: str | None = None
    article_type: str = "news"
    declared_language: str | None = None
    jsonld_body: str = ""
    jsonld_types: tuple[str, ...] = ()  # schema.org types of the page's article objects
    # The raw title texts (og:title, <title>): some templates append the day to them.
    title_texts: tuple[str, ...] = ()
    # Every headline statement of the page (og:title, JSON-LD, twitter:title, <h1>).
    headlines: tuple[str, ...] = ()
    # Compact keys of the names the site calls itself (og:site_name, publisher, domain).
    sites: frozenset[str] = frozenset()


def read_metadata(root: HtmlElement, url: str) -> PageMetadata:
    """Collect metadata from structured data, ``<meta>``/``<link>`` tags and bylines."""
    metas = meta_tags(root)
    objects = jsonld_objects(root)
    articles = article_objects(objects)
    pages = [o for o in objects if _JSONLD_PAGE_TYPES.intersection(type_names(o))]
    sites = site_names(metas, articles, url)
    credits = find_authors(root, articles, sites)
    title = find_title(root, metas, articles, url)
    canonical = find_canonical(root, metas, url)
    urls = (url, canonical) if canonical else (url,)
    section = find_section(root, metas, articles, objects, urls, title)
    return PageMetadata(
        title=title,
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
        canonical_url=canonical,
        section=section.slug if section else None,
        section_label=section.label if section else None,
        description=find_description(metas, articles),
        article_type=find_article_type(
            articles,
            section.label if section else None,
            urls,
            title=title,
            columnist=credits.columnist,
        ),
        declared_language=declared_language(root, metas),
        jsonld_body=next((b for o in articles if (b := text_value(o.get("articleBody")))), ""),
        jsonld_types=tuple(t for o in articles for t in type_names(o)),
        title_texts=tuple(filter(None, (metas.get("og:title"), _title_text(root)))),
        headlines=headline_statements(root, metas, articles),
        sites=frozenset(sites),
    )


def _title_text(root: HtmlElement) -> str | None:
    title = root.find(".//title")
    return str(title.text_content()) if title is not None else None


def find_canonical(root: HtmlElement, metas: MetaTags, url: str) -> str | None:
    """``<link rel=canonical>``, else ``og:url``, made absolute against the page URL."""
    href = next(_canonical_hrefs(root), None)
    if href is None:
        href = metas.get("og:url")
    if not href or not href.strip():
        return None
    absolute = urljoin(url, href.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _canonical_hrefs(root: HtmlElement) -> Iterator[str]:
    """``href`` of each ``<link>`` whose rel has the word "canonical" (any case), lazily.

    libxml2 finds the ``<link>`` elements by name; the rel test in Python, stopping at the
    first, costs less than a whole-document XPath that translate()s every rel.
    """
    for link in root.getroottree().iter("link"):
        href = link.get("href")
        if (
            href is not None
            and " canonical " in f" {(link.get('rel') or '').translate(_REL_CASE)} "
        ):
            yield href


def find_description(metas: MetaTags, articles: list[JsonObject]) -> str | None:
    """Meta description, ``og:description``, ``twitter:description`` or JSON-LD description."""
    for name in ("description", "og:description", "twitter:description"):
        value = metas.get(name)
        if value:
            return squash(value)
    described = next((d for o in articles if (d := text_value(o.get("description")))), None)
    return squash(described) if described else None


def find_article_type(
    articles: list[JsonObject],
    section: str | None,
    urls: tuple[str, ...],
    *,
    title: str = "",
    columnist: bool = False,
) -> str:
    """ "opinion" when the type, section, URL, a headline label ("Opinion | ...",
    "Kommentar: ...") or a columnist byline say opinion/op-ed/commentary/column/editorial."""
    types = [t for o in articles for t in type_names(o)]
    if "opinionnewsarticle" in types or columnist:
        return "opinion"
    if section and (_OPINION.search(section) or _COMMENT_SECTION.search(section)):
        return "opinion"
    for url in urls:
        segments = [s for s in urlsplit(url).path.lower().split("/") if s][:-1]
        if any(_OPINION.search(s) or s == "comment" for s in segments):
            return "opinion"
    if _OPINION_LABEL.match(title):
        return "opinion"
    return "news"
