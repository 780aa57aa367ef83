"""The headline: the page's own title, without the site name templates append to it.

``og:title`` and the JSON-LD ``headline`` are written for sharing and are usually the clean
headline; ``<h1>`` is what readers see; ``<title>`` nearly always carries " | Site Name". The
first available one is used, and a trailing or leading segment that names the site (as given by
``og:site_name``, the publisher, or the domain) is cut off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pipeline.extract.jsonld import JsonObject, text_value
from pipeline.extract.junk import DATE_TEXT
from pipeline.extract.meta_tags import MetaTags
from pipeline.extract.text import compact_key, squash

# "»" also closes French quotations: at the very end of a title it is a quote, not a separator.
_SEPARATOR = re.compile(r"\s+[|\-–—:·•»/：]\s+|\s*[|·•：]\s*|\s*»\s*(?=\S)")
# A longer statement holding a shorter one supports it by half a vote: "Kicker: Headline"
# backs "Headline" less than an equal statement would, since the kicker may be the headline's.
CONTAINED_VOTE = 0.5
# A key this long held in a longer statement counts as support for the shorter one.
_MIN_CONTAINED_KEY = 12
# A segment that is nothing but a date ("| DW | 28.04.2023") is template, never headline.
_WHOLE_DATE = re.compile(DATE_TEXT, re.IGNORECASE)
# A segment longer than this is part of the headline even if it mentions the site.
_MAX_SITE_WORDS = 4
_GENERIC_HOST_PARTS = frozenset(
    {
        "www",
        "m",
        "amp",
        "edition",
        "news",
        "com",
        "org",
        "net",
        "co",
        "uk",
        "de",
        "fr",
        "ru",
        "online",
    }
)


def find_title(root: HtmlElement, metas: MetaTags, articles: Iterable[JsonObject], url: str) -> str:
    """The article headline, site name removed; empty when the page has none.

    Pages state their headline up to five times (og:title, the JSON-LD headline,
    twitter:title, the visible ``<h1>``, ``<title>``) and editors rewrite some of them for
    sharing or search ("Kicker: teaser headline", an SEO variant). The headline most of these
    statements agree on wins; a statement that is contained in a longer one ("Headline" in
    "Headline - Section | Site") supports it too. Ties go to the first in that order. When
    the visible ``<h1>`` and og:title carry different kickers before one shared headline,
    the shared part is the headline (``shared_headline``).
    """
    articles = list(articles)
    sites = site_names(metas, articles, url)

    def clean(text: str | None) -> str:
        return strip_site_name(squash(text), sites) if text and squash(text) else ""

    og_title = clean(metas.get("og:title"))
    headline = clean(
        next((text_value(o.get("headline")) for o in articles if o.get("headline")), None)
    )
    twitter = clean(metas.get("twitter:title"))
    h1 = clean(_first_h1(root))
    shared = shared_headline(h1, og_title)
    if shared:
        return shared
    candidates = [c for c in (og_title, headline, twitter, h1, clean(_title_element(root))) if c]
    return most_supported(candidates)


def headline_statements(
    root: HtmlElement, metas: MetaTags, articles: Iterable[JsonObject]
) -> tuple[str, ...]:
    """Every statement of the headline the page makes (og:title, JSON-LD headline,
    twitter:title, ``<h1>``), squashed: the body must not repeat any of them."""
    raw = [
        metas.get("og:title"),
        *(text_value(o.get("headline")) for o in articles),
        metas.get("twitter:title"),
        _first_h1(root),
    ]
    return tuple(dict.fromkeys(squash(r) for r in raw if r and squash(r)))


# The headline part two statements share must be this long to be a headline, not a word.
_MIN_SHARED_WORDS = 3
# What ends a kicker: the site-name separators and a colon followed by a space ("Kicker: ").
_KICKER_END = re.compile(r"\s*[:：]\s+|\s+[|\-–—·•/]\s+")


def shared_headline(first: str, second: str) -> str:
    """The common tail of two statements that differ only in their leading kicker.

    Sites put a kicker before the headline ("Eskalation im Nahen Osten - «Quote»") and
    often a different one, or none, in the sharing title ("Iranischer Angriff: «Quote»",
    "Section : Headline" against "Headline"): the part both end with, after a separator, is
    the headline; the kickers are labels. Empty when the statements do not have that shape
    (same kicker, no separator, or different headlines).
    """
    if not first or not second:
        return ""
    a, b = _KICKER_END.split(first), _KICKER_END.split(second)
    if len(a) < 2 or len(b) < 2 or compact_key(a[0]) == compact_key(b[0]):
        return ""
    tail: list[str] = []
    while len(tail) < min(len(a), len(b)):
        i = len(tail) + 1
        if compact_key(a[-i]) != compact_key(b[-i]):
            break
        tail.insert(0, a[-i])
    shared_words = len(" ".join(tail).split())
    kicker_words = max(len(" ".join(x[: len(x) - len(tail)]).split()) for x in (a, b))
    # The shared part must be the headline, longer than either kicker: two headlines that
    # merely end alike ("... – then came the twist") are no kicker variants.
    if not tail or shared_words < _MIN_SHARED_WORDS or shared_words <= kicker_words:
        return ""
    start = first.find(tail[0])
    return first[start:].strip() if start >= 0 else " ".join(tail)


def most_supported(candidates: list[str]) -> str:
    """The first candidate with the most support: equal statements, or longer ones holding it."""
    keys = [compact_key(c) for c in candidates]
    best, best_votes = "", 0.0
    for candidate, key in zip(candidates, keys, strict=True):
        votes = sum(
            1.0
            if other == key
            else CONTAINED_VOTE
            if len(key) >= _MIN_CONTAINED_KEY and key in other
            else 0.0
            for other in keys
        )
        if votes > best_votes:
            best, best_votes = candidate, votes
    return best


def site_names(metas: MetaTags, articles: Iterable[JsonObject], url: str) -> set[str]:
    """Compact forms of the names the site calls itself (og:site_name, publisher, domain)."""
    names = {
        metas.get("og:site_name"),
        metas.get("application-name"),
        metas.get("twitter:site"),
    }
    for obj in articles:
        names.add(text_value(obj.get("publisher")))
    # The page's own address names the site too: a saved page read from a file has no URL.
    for address in (url, metas.get("og:url") or ""):
        host = urlsplit(address).hostname or ""
        names.update(p for p in host.split(".") if p not in _GENERIC_HOST_PARTS)
    return {compact_key(n) for n in names if n and compact_key(n)}


def strip_site_name(title: str, sites: set[str]) -> str:
    """Drop leading/trailing separator-delimited segments that name the site."""
    segments = _SEPARATOR.split(title)
    if len(segments) < 2:
        return title
    while len(segments) > 1 and _names_site(segments[-1], sites):
        segments.pop()
    while len(segments) > 1 and _names_site(segments[0], sites):
        segments.pop(0)
    if len(segments) == len(_SEPARATOR.split(title)):
        return title
    # Re-cut the original text so separators inside the kept part survive untouched.
    start = title.find(segments[0])
    end = title.rfind(segments[-1]) + len(segments[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(segments)


def _names_site(segment: str, sites: set[str]) -> bool:
    """True when the segment is, contains, or is contained in a site name."""
    key = compact_key(segment)
    if not key or key in sites or _WHOLE_DATE.fullmatch(segment.strip()):
        return True
    if len(segment.split()) > _MAX_SITE_WORDS:
        return False
    return any((len(s) >= 3 and s in key) or (len(key) >= 4 and key in s) for s in sites)


def _first_h1(root: HtmlElement) -> str | None:
    """The text of the first non-empty ``<h1>``."""
    for h1 in root.iter("h1"):
        text = squash(h1.text_content())
        if text:
            return text
    return None


def _title_element(root: HtmlElement) -> str | None:
    """The text of ``<title>``."""
    title = root.find(".//title")
    return squash(title.text_content()) if title is not None else None
