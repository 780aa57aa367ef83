"""Author names: from structured data when present, else from the visible byline.

Sources are tried from most to least structured (JSON-LD, ``<meta name=author>``, microdata,
``rel=author`` links, byline blocks) and the first that yields names wins. Raw credits read like
"By JANE DOE and John Roe, Staff Writers | Reuters", so every value is cleaned: the "By" prefix,
roles, e-mail addresses and dates are removed, and lists are split at commas and "and".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

import lxml.etree
from lxml.html import HtmlElement

from pipeline.extract.credits import (
    DESK_CODE,
    SOURCE_LABEL,
    Credit,
    classify_credit,
    is_agency,
)
from pipeline.extract.jsonld import JsonObject, type_names
from pipeline.extract.junk import DATE_TEXT
from pipeline.extract.purpose import inside_other_content, words
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
    r"\s*(?:,|;|\||\band\b|&|\bund\b|\bet\b|\by\b|\s[-–—]\s|(?<=\w)/(?=\w{2,}))\s*|、",
    re.IGNORECASE,
)
# Labels of an author field in info boxes: "Autorin/Autor", "Author:", "Auteur".
_AUTHOR_LABEL = re.compile(
    r"(?:autor(?:in)?(?:/autor(?:in)?)?|autoren|author|authors|auteur|auteurs|autore|written by)"
    r"\s*:?",
    re.IGNORECASE,
)
# Short label elements only: the tags a label may have, found by name in C.
_LABEL_TAGS = ("strong", "b", "dt", "span", "th")
_MAX_LABEL_CHARS = 16
# What XPath's translate(., "AUTHORE", "authore") does for "aut": only those capitals fold.
_AUT_CASE = str.maketrans("AUT", "aut")
# XPath's whitespace, which normalize-space() squashes (not Python's wider str.split()).
_XML_SPACE = re.compile(r"[ \t\r\n]+")
# A visible editor credit: "Editor : Jane Doe", "Editing by John Roe", "Redaktur: X".
_EDITOR_CREDIT = re.compile(
    r"(?:^|[;|•·]\s*)(?:(?:sub-?)?editors?|edited\s+by|editing\s+by|redaktur|penyunting|editado\s+por"
    r"|édité\s+par|a\s+cura\s+di|redigiert\s+von|bearbeitet\s+von)\s*:?\s+(?P<names>[^;|•·]+)",
    re.IGNORECASE,
)
# Words that may start one, looked for in short text nodes only.
_EDITOR_WORD = re.compile(r"edit|redaktur|penyunting|cura di|igiert von|eitet von", re.I)
_MAX_EDITOR_CREDIT = 80
_ELEMENTS_WITH_TEXT = lxml.etree.Element  # elements only: no comments or processing instructions
_NOT_TEXT_PARENTS = frozenset({"script", "style", "noscript", "template", "title", "head"})
# Paths of author pages: /author/jane-doe, /autoren/name/max-doe, /journalists/x, /profil/x.
_AUTHOR_PATH = re.compile(
    r"/(?:authors?|autor(?:en)?|auteurs?|autore|journalists?|journalisten|reporters?|staff"
    r"|redakteur(?:e|in)?|columnists?)/[^/?#]+",
    re.IGNORECASE,
)
_DATES = re.compile(DATE_TEXT, re.IGNORECASE)
_COLUMNIST = re.compile(
    r"\b(?:columnist|kolumnist(?:in)?|chroniqueur|chroniqueuse|columnista)\b", re.I
)
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
        "stand",
        "aktualisiert",
    }
)
_BYLINE_NAMES = frozenset(
    {"byline", "bylines", "author", "authors", "byl", "writer", "contributor", "contributors"}
)
_NOT_BYLINES = frozenset({"meta", "script"})
_AUTHOR_ITEMPROPS = frozenset({"author", "creator"})
_MAX_NAME_WORDS = 5
_MAX_BYLINE_CHARS = 200


@dataclass(slots=True)
class Credits:
    """The page's authors (people) and the news agency its byline credits, if any."""

    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    columnist: bool = False  # a credit calls the writer a columnist: an opinion piece


def find_authors(
    root: HtmlElement, articles: Iterable[JsonObject], sites: Collection[str] = ()
) -> Credits:
    """Author names for the page, from the most structured source that names a person.

    Every source's credits are sorted into people, agencies and the outlet's own name
    (``credits.py``); a source that names only the outlet ("LTO", "VnExpress") or only an
    agency does not end the search, because a later one (a byline, an author link) often
    names the writer. The first agency seen is kept either way.
    """
    sources: tuple[Callable[[], list[str]], ...] = (
        lambda: jsonld_authors(articles),
        lambda: meta_authors(root),
        lambda: microdata_authors(root),
        lambda: rel_authors(root),
        lambda: byline_authors(root),
        lambda: labelled_authors(root),
        lambda: author_link_authors(root),
    )
    found = Credits()
    editors: set[str] | None = None
    for source in sources:
        raw = source()
        found.columnist = found.columnist or any(_COLUMNIST.search(r) for r in raw)
        people, agencies = sort_credits(raw, sites)
        if people:
            editors = visible_editors(root) if editors is None else editors
            # Structured data often names the desk editor as "author"; the page itself
            # labels that person "Editor:", and a later byline names the writer.
            people = [p for p in people if compact_key(p) not in editors]
        if found.agency is None and agencies:
            found.agency = agencies[0]
        if people:
            found.authors = people
            break
    return found


def sort_credits(raw_values: Iterable[str], sites: Collection[str]) -> tuple[list[str], list[str]]:
    """People and agencies named by raw credits; the outlet's own name is dropped."""
    people: list[str] = []
    agencies: list[str] = []
    for raw in raw_values:
        from_source_label = bool(SOURCE_LABEL.match(raw))
        for name in clean_names([SOURCE_LABEL.sub("", raw)]):
            kind = classify_credit(name, sites)
            if kind is Credit.AGENCY:
                agencies.append(name)
            elif kind is Credit.PERSON and not from_source_label:
                people.append(name)  # "Quelle: X" names a source, never a writer
    return people, agencies


def visible_editors(root: HtmlElement) -> set[str]:
    """Compact keys of the names the page credits as editors ("Editor : Jane Doe").

    An editor who checked the text is no author of it, even when the page's structured data
    or meta tags list that person as ``author``.
    """
    editors: set[str] = set()
    for element in root.iter(_ELEMENTS_WITH_TEXT):
        if element.tag in _NOT_TEXT_PARENTS:
            continue
        text = element.text
        if text and len(text) <= _MAX_EDITOR_CREDIT and _EDITOR_WORD.search(text):
            _add_editors(element, editors)
        tail = element.tail  # its holder (the parent) is looked up only for a candidate
        if tail and len(tail) <= _MAX_EDITOR_CREDIT and _EDITOR_WORD.search(tail):
            _add_editors(element.getparent(), editors)
    return editors


def _add_editors(holder: HtmlElement | None, editors: set[str]) -> None:
    """Add the editor credits of the element holding an editor word, or of its parent."""
    # The label and the name are often apart: "Editor : <a>Jane Doe</a>".
    for outer in (holder, holder.getparent() if holder is not None else None):
        if outer is None:
            continue
        line = squash(outer.text_content())
        if len(line) > _MAX_EDITOR_CREDIT:
            continue
        for credit in _EDITOR_CREDIT.finditer(line):
            editors.update(compact_key(n) for n in split_credit(credit.group("names")))


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
    for element in root.getroottree().iter(_ELEMENTS_WITH_TEXT):
        if element.get("itemprop") not in _AUTHOR_ITEMPROPS or _in_other_content(element):
            continue
        if element.tag == "meta":
            found.append(element.get("content") or "")
            continue
        named = [
            n for n in element.iterdescendants(_ELEMENTS_WITH_TEXT) if n.get("itemprop") == "name"
        ]
        if named:
            found.extend(n.get("content") or n.text_content() for n in named)
        else:
            found.append(element.get("content") or element.text_content())
    return found


def rel_authors(root: HtmlElement) -> list[str]:
    """Text of ``<a rel="author">`` links outside teasers and comments."""
    return [
        str(a.text_content())
        for a in root.getroottree().iter("a")
        if " author " in f" {a.get('rel') or ''} " and not _in_other_content(a)
    ]


def labelled_authors(root: HtmlElement) -> list[str]:
    """Credits after a label of their own: "<strong>Autorin/Autor</strong> Roman Doe".

    Info boxes and fact lists name the writer under a label instead of a "By" line; the
    label is a short element whose whole text is an author word, and the credit is the rest
    of its parent's text.
    """
    for label in _label_elements(root):
        if not _AUTHOR_LABEL.fullmatch(squash(label.text_content())):
            continue
        parent = label.getparent()
        if parent is None or _in_other_content(parent):
            continue
        text = squash(parent.text_content())
        rest = _AUTHOR_LABEL.sub("", text, count=1).strip(" :")
        if rest and len(rest) <= _MAX_BYLINE_CHARS:
            return [rest]
    return []


def _label_elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """Short leaf elements whose text has "aut" (any case of those letters), in document
    order, lazily: what ``//*[self::strong or self::b or self::dt or self::span or self::th]
    [string-length(normalize-space(.)) <= 16][not(*)][contains(translate(., 'AUTHORE',
    'authore'), 'aut')]`` selects, with the tags found by name in C and the text tested in
    Python (the XPath normalised the string value of every such element of the page)."""
    for element in root.getroottree().iter(*_LABEL_TAGS):
        if len(element):  # children: elements, or only comments and processing instructions
            if next(element.iterchildren(_ELEMENTS_WITH_TEXT), None) is not None:
                continue
            text = str(element.xpath("string()"))  # the text nodes around the comments
        else:
            text = element.text or ""
        if "aut" not in text.translate(_AUT_CASE):
            continue
        if len(_XML_SPACE.sub(" ", text).strip(" \t\r\n")) > _MAX_LABEL_CHARS:
            continue
        yield element


def author_link_authors(root: HtmlElement) -> list[str]:
    """Names linked to the site's author pages (``/autoren/name/max-doe``, ``/author/x``).

    The first such link outside teasers and comments is the byline; links beside it in the
    same element are co-authors.
    """
    for link in root.getroottree().iter("a"):
        href = link.get("href")
        if not href or not _AUTHOR_PATH.search(href) or _in_other_content(link):
            continue
        parent = link.getparent()
        siblings = (
            [a for a in parent.iter("a") if _AUTHOR_PATH.search(a.get("href") or "")]
            if parent is not None
            else [link]
        )
        return [str(a.text_content()) for a in siblings]
    return []


def _in_other_content(element: HtmlElement) -> bool:
    """True inside a teaser list, a comment thread or a menu."""
    return inside_other_content(element)


def byline_authors(root: HtmlElement) -> list[str]:
    """Text of the first short element named "byline"/"author" outside teasers and comments."""
    for element in root.getroottree().iter(_ELEMENTS_WITH_TEXT):
        class_name, id_name = element.get("class"), element.get("id")
        if (class_name is None and id_name is None) or element.tag in _NOT_BYLINES:
            continue
        names = words(" ".join(filter(None, (class_name, id_name))))
        if _BYLINE_NAMES.isdisjoint(names):
            continue
        text = squash(element.text_content())
        if not text or len(text) > _MAX_BYLINE_CHARS:
            continue
        if inside_other_content(element):
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
        name = DESK_CODE.sub("", _BY_PREFIX.sub("", part)).strip(" .:-–—·•")
        if is_agency(name):
            names.append(name)  # agencies write themselves in lower case: "dpa", "sid"
        elif _looks_like_name(name):
            names.append(name.title() if name.isupper() else name)
    return names


def _looks_like_name(text: str) -> bool:
    """A person's or organisation's name: a few capitalised words, no digits, no role."""
    if not text or any(ch.isdigit() for ch in text) or "@" in text or "://" in text:
        return False
    tokens = text.split()
    # Names open with a capital, except in scripts without case (大渡 美咲, 배윤경).
    caseless = text[0].isalpha() and text[0].lower() == text[0].upper()
    if len(tokens) > _MAX_NAME_WORDS or not (text[0].isupper() or caseless):
        return False
    return not any(token.lower().strip(".,") in _ROLE_WORDS for token in tokens)
