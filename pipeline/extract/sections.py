"""The section a page belongs to, as the page names it, normalised to a slug for faceting.

The URL's first path segment is a guess (``/2024/``, ``/news/``, ``/a/``); the page itself
usually says: ``article:section``, JSON-LD ``articleSection``, a breadcrumb trail (JSON-LD
``BreadcrumbList`` or an element named "breadcrumb"), a WordPress category link. Those are
tried first, the URL (the page's own canonical address when it was read from a file) last.

Search facets need one value per section, so the label is normalised to a lowercase slug
("Opinion", "opinion", "OPINION " -> ``opinion``; "Local News" -> ``local-news``); the label
as the page wrote it is kept next to it for display.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.etree
from lxml.html import HtmlElement

from pipeline.extract.jsonld import JsonObject, text_value, type_names
from pipeline.extract.meta_tags import MetaTags
from pipeline.extract.text import compact_key, squash

# Values CMS templates put into section fields when the editor set none.
PLACEHOLDER_SECTIONS = frozenset(
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
# First breadcrumb entries that name the site's front page, not a section.
_HOME_WORDS = frozenset(
    {"home", "homepage", "start", "startseite", "accueil", "inicio", "portada", "news", "index"}
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
# WordPress marks the post's category links with rel="category tag".
# XPath's whitespace, which normalize-space() squashes (not Python's wider str.split()).
_XML_SPACE = re.compile(r"[ \t\r\n]+")
# What XPath's translate(@class, "BREADCUMB", "breadcumb") does: only those capitals fold.
_BREADCRUMB_CASE = str.maketrans("BREADCUMB", "breadcumb")
# A section label is a few words; longer "breadcrumb" entries are headlines.
_MAX_LABEL_CHARS = 40
_NOT_SLUG = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class Section:
    """A section: its slug (for facets) and the label the page showed (for display)."""

    slug: str
    label: str
    source: str  # "meta" | "json-ld" | "breadcrumb" | "category" | "url"


def find_section(
    root: HtmlElement,
    metas: MetaTags,
    articles: list[JsonObject],
    objects: list[JsonObject],
    urls: tuple[str, ...],
    title: str = "",
) -> Section | None:
    """The first usable section statement, most explicit first; None when nothing says."""
    title_key = compact_key(title)
    for label, source in _statements(root, metas, articles, objects):
        label = squash(label)
        key = compact_key(label)
        if (
            label
            and len(label) <= _MAX_LABEL_CHARS
            and label.lower() not in PLACEHOLDER_SECTIONS
            and key != title_key
            and (slug := slugify(label))
        ):
            return Section(slug, label, source)
    for url in urls:
        segment = url_section(url)
        if segment:
            return Section(segment, segment, "url")
    return None


def slugify(label: str) -> str:
    """ "Local News" -> "local-news", "Économie" -> "economie", "国際" -> "国際"."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_SLUG.sub("-", plain).strip("-_")


def url_section(url: str) -> str | None:
    """The first path segment that names a section: "/world/2016/07/x" -> "world"."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    segments = [s.lower() for s in urlsplit(url).path.split("/") if s]
    for segment in segments[:-1]:  # the last segment is the article's own slug
        if segment in _NOT_SECTIONS or not _SECTION_SEGMENT.fullmatch(segment):
            continue
        return segment
    return None


def _statements(
    root: HtmlElement, metas: MetaTags, articles: list[JsonObject], objects: list[JsonObject]
) -> Iterator[tuple[str, str]]:
    """Section labels the page states, in order of trust, lazily."""
    yield metas.get("article:section") or "", "meta"
    for obj in articles:
        yield text_value(obj.get("articleSection")) or "", "json-ld"
    for obj in objects:
        if "breadcrumblist" in type_names(obj):
            yield _jsonld_crumb(obj), "breadcrumb"
    for trail in breadcrumb_trails(root):
        yield _html_crumb(trail), "breadcrumb"
        break
    for link in category_links(root):
        yield str(link.text_content()), "category"


def breadcrumb_trails(root: HtmlElement) -> Iterator[HtmlElement]:
    """Elements of the page whose class or id says "breadcrumb" (any case), in document order.

    Lazily, in Python: the first one is all that is read, and XPath's translate() over every
    element's attributes cost more than this walk does to the end.
    """
    for element in root.getroottree().iter(lxml.etree.Element):
        for name in ("class", "id"):
            value = element.get(name)
            if value and "breadcrumb" in value.translate(_BREADCRUMB_CASE):
                yield element
                break


def category_links(root: HtmlElement) -> Iterator[HtmlElement]:
    """Links whose rel has the word "category", in document order, lazily (libxml2 finds
    the ``<a>`` elements by name; a whole-document XPath normalising every rel cost more)."""
    for link in root.getroottree().iter("a"):
        rel = link.get("rel")
        if rel is not None and "category" in _XML_SPACE.split(rel):
            yield link


def _jsonld_crumb(obj: JsonObject) -> str:
    """The first entry of a BreadcrumbList after the front page."""
    items = obj.get("itemListElement")
    if not isinstance(items, list):
        return ""
    entries = [i for i in items if isinstance(i, dict)]
    entries.sort(key=_position)
    names = [text_value(e.get("name")) or text_value(e.get("item")) or "" for e in entries]
    return _first_section(names)


def _position(entry: JsonObject) -> int:
    """A ListItem's position (0 when missing or not a number)."""
    value = entry.get("position")
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _html_crumb(trail: HtmlElement) -> str:
    """The first link of a breadcrumb trail after the front page."""
    names = [squash(a.text_content()) for a in trail.iter("a")]
    return _first_section(names)


def _first_section(names: list[str]) -> str:
    """The entry after the front page: [Home, Politics, <headline>] -> "Politics".

    A leading front-page entry is a home word or, in a trail of three or more, the site's
    name; a trail of one entry is the page itself.
    """
    names = [n for n in names if n and not n.startswith("http")]
    if len(names) < 2:
        return ""
    if names[0].casefold() in _HOME_WORDS or len(names) >= 3:
        names = names[1:]
    return names[0]
