"""Author names: from structured data when present, else from the visible byline.

Sources are tried from most to least structured (JSON-LD, ``<meta name=author>``, microdata,
``rel=author`` links, byline blocks) and the first that yields names wins. Raw credits read like
"By JANE DOE and John Roe, Staff Writers | Reuters", so every value is cleaned: the "By" prefix,
roles, e-mail addresses and dates are removed, and lists are split at commas and "and".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import lxml.etree
from lxml.html import HtmlElement

from pipeline.extract.jsonld import JsonObject, type_names
from pipeline.extract.junk import DATE_TEXT
from pipeline.extract.purpose import names_other_content, words
from pipeline.extract.text import compact_key, squash

_META_NAMES = frozenset(
    {
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "dcterms.creator",
        "byl",
        "cxenseparse:author",
    }
)
_BY_PREFIX = re.compile(
    r"^\s*(?:(?:written|words|text|story|reporting|posted|published)\s+by|by|von|par|por)\b"
    r"\s*:?\s*",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(
    r"\s*(?:,|;|\||\band\b|&|\bund\b|\bet\b|\by\b|\s[-–—]\s)\s*", re.IGNORECASE
)
_DATES = re.compile(DATE_TEXT, re.IGNORECASE)
_ROLE_WORDS = frozenset(
    {
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "writer",
        "writers",
        "staff",
        "contributor",
        "contributors",
        "columnist",
        "columnists",
        "author",
        "producer",
        "analyst",
        "photographer",
        "updated",
        "published",
        "posted",
        "minutes",
        "read",
        "more",
        "follow",
        "email",
        "twitter",
        "bio",
        "view",
        "profile",
        "opinion",
    }
)
_BYLINE_NAMES = frozenset(
    {"byline", "bylines", "author", "authors", "byl", "writer", "contributor", "contributors"}
)
_BYLINE_XPATH = lxml.etree.XPath("//*[@class or @id][not(self::meta)][not(self::script)]")
_REL_AUTHOR_XPATH = lxml.etree.XPath('//a[contains(concat(" ", @rel, " "), " author ")]')
_ITEMPROP_AUTHOR_XPATH = lxml.etree.XPath('//*[@itemprop="author" or @itemprop="creator"]')
_MAX_NAME_WORDS = 5
_MAX_BYLINE_CHARS = 200


def find_authors(root: HtmlElement, articles: Iterable[JsonObject]) -> list[str]:
    """Author names for the page, from the most structured source that has any."""
    sources: tuple[Callable[[], list[str]], ...] = (
        lambda: jsonld_authors(articles),
        lambda: meta_authors(root),
        lambda: microdata_authors(root),
        lambda: rel_authors(root),
        lambda: byline_authors(root),
    )
    for source in sources:
        names = clean_names(source())
        if names:
            return names
    return []


def jsonld_authors(articles: Iterable[JsonObject]) -> list[str]:
    """``author`` of the Article objects; people first, organisations only if no person."""
    people: list[str] = []
    organisations: list[str] = []
    for obj in articles:
        value = obj.get("author") or obj.get("creator")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                people.append(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                target = organisations if "organization" in type_names(item) else people
                target.append(item["name"])
    return people or organisations


def meta_authors(root: HtmlElement) -> list[str]:
    """``<meta name="author">`` and friends, skipping profile URLs."""
    found = []
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        content = meta.get("content") or ""
        if name in _META_NAMES and content and "://" not in content:
            found.append(content)
    return found


def microdata_authors(root: HtmlElement) -> list[str]:
    """``itemprop="author"`` elements: their ``itemprop="name"`` part, or their text."""
    found = []
    for element in _ITEMPROP_AUTHOR_XPATH(root):
        if element.tag == "meta":
            found.append(element.get("content") or "")
            continue
        named = element.xpath('.//*[@itemprop="name"]')
        if named:
            found.extend(n.get("content") or n.text_content() for n in named)
        else:
            found.append(element.get("content") or element.text_content())
    return found


def rel_authors(root: HtmlElement) -> list[str]:
    """Text of ``<a rel="author">`` links."""
    return [str(a.text_content()) for a in _REL_AUTHOR_XPATH(root)]


def byline_authors(root: HtmlElement) -> list[str]:
    """Text of the first short element named "byline"/"author" outside teasers and comments."""
    for element in _BYLINE_XPATH(root):
        names = words(" ".join(filter(None, (element.get("class"), element.get("id")))))
        if _BYLINE_NAMES.isdisjoint(names):
            continue
        text = squash(element.text_content())
        if not text or len(text) > _MAX_BYLINE_CHARS:
            continue
        if any(names_other_content(a) for a in element.iterancestors()):
            continue
        return [text]
    return []


def clean_names(raw_values: Iterable[str]) -> list[str]:
    """Split credits into names and drop what is not a name; order kept, duplicates removed."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in raw_values:
        for name in split_credit(raw):
            key = compact_key(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return names


def split_credit(raw: str) -> list[str]:
    """ "By Jane Doe and JOHN ROE, Staff Writer" -> ["Jane Doe", "John Roe"]."""
    text = _DATES.sub(" ", squash(raw))
    text = _BY_PREFIX.sub("", text)
    names = []
    for part in _SEPARATORS.split(text):
        name = _BY_PREFIX.sub("", part).strip(" .:-–—·•")
        if _looks_like_name(name):
            names.append(name.title() if name.isupper() else name)
    return names


def _looks_like_name(text: str) -> bool:
    """A person's or organisation's name: a few capitalised words, no digits, no role."""
    if not text or any(ch.isdigit() for ch in text) or "@" in text or "://" in text:
        return False
    tokens = text.split()
    if len(tokens) > _MAX_NAME_WORDS or not text[0].isupper():
        return False
    return not any(token.lower().strip(".,") in _ROLE_WORDS for token in tokens)
