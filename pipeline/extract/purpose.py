"""What an element's own markup says about its purpose: class, id, role and aria-label words.

Templates name their non-article furniture ("share-bar", "relatedArticles", "cookie-consent",
role="navigation"); reading those names removes most boilerplate before any text statistics are
needed. Names are split into words (also at camelCase humps) and compared word by word, so
that ``ad`` matches "ad-slot" but not "header" or "shadow".
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from lxml.html import HtmlElement

# Attributes whose values name an element's purpose.
PURPOSE_ATTRIBUTES = ("class", "id", "role", "aria-label", "data-component", "data-module")

# Words after a name that say its state: "comments-enabled", "ads-off", "sharing-disabled".
_STATE_SUFFIXES = frozenset({"enabled", "disabled", "on", "off", "allowed"})
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Words that describe the element's state rather than what it is: "has-comments" is an article
# that has comments, "no-ads" a page without ads; the word after them is ignored.
_MODIFIERS = frozenset(
    {
        "has",
        "with",
        "no",
        "without",
        "show",
        "enable",
        "enabled",
        "is",
        "allow",
        "can",
        "hide",
        "supports",
    }
)

_LAYOUT = frozenset(
    {
        "nav",
        "navbar",
        "navigation",
        "menu",
        "menubar",
        "submenu",
        "breadcrumb",
        "breadcrumbs",
        "footer",
        "masthead",
        "sidebar",
        "rail",
        "toolbar",
        "banner",
        "search",
        "searchbar",
        "skip",
        "skiplink",
        "pagination",
        "pager",
        "modal",
        "popup",
        "overlay",
        "lightbox",
        "carousel",
    }
)
# ARIA roles of page furniture. Read as roles only: as class words "dialog" or "banner" also
# name main wrappers (Drupal's "dialog-off-canvas-main-canvas").
_FURNITURE_ROLES = frozenset(
    {
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "search",
        "dialog",
        "alertdialog",
        "menu",
        "menubar",
        "toolbar",
        "tablist",
    }
)
_SOCIAL = frozenset(
    {
        "share",
        "shares",
        "sharing",
        "sharebar",
        "sharetools",
        "social",
        "socials",
        "sociallinks",
        "follow",
        "print",
        "tools",
    }
)
_RECIRCULATION = frozenset(
    {
        "related",
        "recommended",
        "recommendation",
        "recommendations",
        "recirc",
        "recirculation",
        "morestories",
        "readmore",
        "trending",
        "popular",
        "mostread",
        "mostpopular",
        "outbrain",
        "taboola",
        "tags",
        "topics",
        "keywords",
    }
)
_COMMERCIAL = frozenset(
    {
        "newsletter",
        "newsletters",
        "signup",
        "subscribe",
        "subscription",
        "subscriptions",
        "promo",
        "promos",
        "promotion",
        "promotions",
        "promotional",
        "promobox",
        "sponsored",
        "sponsor",
        "ad",
        "ads",
        "advert",
        "adverts",
        "advertisement",
        "advertisements",
        "advertising",
        "adslot",
        "adunit",
        "adbox",
        "adwrapper",
        "adcontainer",
        "dfp",
        "login",
        "signin",
        "register",
    }
)
_NOTICES = frozenset(
    {
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "dsgvo",
        "privacy",
        "push",
        "notification",
        "notifications",
        "alert",
        "alerts",
    }
)
_ARTICLE_FURNITURE = frozenset(
    {
        "byline",
        "timestamp",
        "meta",
        "caption",
        "credit",
        "credits",
        "bio",
        "disclaimer",
        "author",
        "authors",
        "authorbox",
        "authorbio",
        "authorinfo",
        "authorprofile",
        "authorcard",
        "autor",
        "autoren",
        "auteur",
        "donation",
        "donate",
        # the standfirst: a summary kept as the description, not body
        "standfirst",
        "dek",
        "strapline",
        "subheadline",
        "subhed",
    }
)
# Widgets of other services embedded in the story (video players, Instagram and TikTok cards
# with their captions and "View this post" chrome). Quoted tweets are kept: articles quote
# them as statements, and their markup is a plain blockquote.
_EMBEDS = frozenset({"instagram", "tiktok", "youtube", "embed", "embedded", "oembed"})
_COMMENTS = frozenset({"comment", "comments", "commentlist", "commenting", "disqus", "replies"})
# Two-word names that mean furniture although neither word does alone.
_PHRASES = (
    "sub headline",
    "most read",
    "most popular",
    "more from",
    "read more",
    "see also",
    "also read",
    "you may like",
    "more stories",
    "read next",
    "up next",
    "further reading",
    "about the author",
    "about author",
)
# Word stems whose longer forms ("advertorial", "sharethis", "socialicons") mean the same.
_STEMS = (
    "advert",
    "sponsor",
    "newsletter",
    "social",
    "share",
    "breadcrumb",
    "cookie",
    "related",
    "recommend",
    "outbrain",
    "taboola",
)
# Reader polls and surveys inside the story: a question, answer buttons and a results bar.
_POLLS = frozenset({"poll", "polls", "survey", "surveys", "umfrage", "voting"})
_BOILERPLATE_WORDS = _LAYOUT | _SOCIAL | _RECIRCULATION | _COMMERCIAL | _NOTICES | _EMBEDS | _POLLS
# Consent managers and cookie banners: legal dialogs whose long paragraphs read like prose
# (and so pass the prose guard), but which never hold an article.
_DIALOGS = frozenset(
    {
        "consent",
        "gdpr",
        "ccpa",
        "dsgvo",
        "onetrust",
        "cookiebanner",
        "cookielaw",
        "usercentrics",
        "didomi",
        "sourcepoint",
        "quantcast",
        "truste",
        "cookiebot",
    }
)
_ALL_WORDS = _BOILERPLATE_WORDS | _ARTICLE_FURNITURE | _COMMENTS | _DIALOGS

# Cheap pre-filter: an attribute string that contains none of these substrings cannot match.
_PREFIXES = {w[:4] for w in _ALL_WORDS | set(_STEMS) | {p.split()[0] for p in _PHRASES}}


def _prefix_pattern(prefixes: set[str]) -> re.Pattern[str]:
    """A regex matching any of the (lower-case) prefixes, alternatives grouped by first letter.

    Python's regex engine tries a flat alternation of ninety words one by one at every
    position, and ``re.IGNORECASE`` slows each try again; grouped, and matched against
    lower-cased text, a position is rejected after one character test (ten times faster).
    """
    groups: dict[str, list[str]] = {}
    for prefix in prefixes:
        groups.setdefault(prefix[0], []).append(re.escape(prefix[1:]))
    alternatives = (
        re.escape(first) + "(?:" + "|".join(sorted(rests, key=len, reverse=True)) + ")"
        for first, rests in sorted(groups.items())
    )
    return re.compile("|".join(alternatives))


_PREFILTER = _prefix_pattern(_PREFIXES)


class Purpose(Enum):
    """What the element's names say it is."""

    CONTENT = "content"  # nothing says otherwise
    BOILERPLATE = "boilerplate"  # page furniture: navigation, ads, share bars, related links
    COMMENTS = "comments"  # reader comments: prose-like, so text statistics cannot tell
    DIALOG = "dialog"  # consent and cookie dialogs: legal prose, never the article


# Purposes that remove an element whatever share of the page's prose it holds.
_CERTAIN = frozenset({Purpose.COMMENTS, Purpose.DIALOG})


def is_certain(purpose: Purpose) -> bool:
    """True for comment threads and consent dialogs: prose-like, never the article."""
    return purpose in _CERTAIN


def words(value: str) -> list[str]:
    """Lower-case words of a class/id value, split at punctuation and camelCase humps."""
    return list(_words(value))


@lru_cache(maxsize=16384)
def _words(value: str) -> tuple[str, ...]:
    """``words``, memoised: a page repeats its class names on hundreds of elements, and the
    two regexes per value were a tenth of cleaning (the tuple keeps the cache immutable)."""
    return tuple(w for w in _NON_WORD.split(_CAMEL_HUMP.sub(" ", value).lower()) if w)


def purpose_of_words(tokens: list[str]) -> Purpose:
    """Classify a list of name words; modifiers such as "has-" cancel the word after them,
    state words such as "-enabled" the word before them ("comments-enabled" is an article
    whose comments are switched on, not the comment thread)."""
    meaningful = [
        w
        for i, w in enumerate(tokens)
        if (i == 0 or tokens[i - 1] not in _MODIFIERS)
        and (i + 1 == len(tokens) or tokens[i + 1] not in _STATE_SUFFIXES)
    ]
    meaningful = [w for w in meaningful if w not in _MODIFIERS and w not in _STATE_SUFFIXES]
    if any(w in _COMMENTS for w in meaningful):
        return Purpose.COMMENTS
    if any(w in _DIALOGS for w in meaningful):
        return Purpose.DIALOG
    for word in meaningful:
        if word in _BOILERPLATE_WORDS or word in _ARTICLE_FURNITURE:
            return Purpose.BOILERPLATE
        if len(word) > 4 and word.startswith(_STEMS):
            return Purpose.BOILERPLATE
    joined = " ".join(meaningful)
    if any(phrase in joined for phrase in _PHRASES):
        return Purpose.BOILERPLATE
    return Purpose.CONTENT


def purpose_of(element: HtmlElement) -> Purpose:
    """Classify an element by the words in its class, id, role and aria-label."""
    return purpose_of_names(tuple(element.get(name) for name in PURPOSE_ATTRIBUTES))


@lru_cache(maxsize=8192)
def purpose_of_names(values: tuple[str | None, ...]) -> Purpose:
    """Classify the values of PURPOSE_ATTRIBUTES; cached, as templates repeat class names."""
    joined = " ".join(v for v in values if v)
    if not joined or not _PREFILTER.search(joined.lower()):
        return Purpose.CONTENT
    # Each attribute value separately, so "most" in one class and "read" in the id don't
    # combine; class lists are split at spaces for the same reason.
    verdict = Purpose.CONTENT
    for name, value in zip(PURPOSE_ATTRIBUTES, values, strict=True):
        if not value:
            continue
        if name == "role":
            if value.strip().lower() in _FURNITURE_ROLES:
                verdict = Purpose.BOILERPLATE
            continue
        for part in value.split() if name == "class" else (value,):
            found = _purpose_of_part(part)
            if found in _CERTAIN:
                return found
            if found is Purpose.BOILERPLATE:
                verdict = found
    return verdict


@lru_cache(maxsize=16384)
def _purpose_of_part(part: str) -> Purpose:
    """The verdict on one class name or attribute value, memoised.

    The cache of ``purpose_of_names`` is keyed on an element's whole attribute tuple, which
    is often unique (ids, class lists in another order); its single class names repeat.
    A name holding none of the prefixes is content without being split into words: every
    word, stem and phrase that gives a verdict starts with one of them.
    """
    if not _PREFILTER.search(part.lower()):
        return Purpose.CONTENT
    return purpose_of_words(list(_words(part)))


# Names of blocks that hold other pages' content (teasers, comments, menus): dates and
# bylines found inside them belong to those pages, not to this article.
_OTHER_CONTENT = (
    _RECIRCULATION
    | _COMMENTS
    | {"nav", "navbar", "navigation", "menu", "footer", "sidebar", "rail", "carousel"}
)


def names_other_content(element: HtmlElement) -> bool:
    """True when the element's class/id say it lists other articles, comments or menus."""
    if element.tag in ("nav", "footer", "aside"):
        return True
    for name in ("class", "id"):
        value = element.get(name)
        if value and any(w in _OTHER_CONTENT for part in value.split() for w in _words(part)):
            return True
    return False


def inside_other_content(element: HtmlElement) -> bool:
    """True when an ancestor below ``<body>`` lists other articles, comments or menus.

    ``<body>`` and ``<html>`` are not regions: templates put the page's whole template list
    into their classes ("single-post footer-template recommended-on"), which says nothing
    about where on the page an element sits.
    """
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html"):
            return False
        if names_other_content(ancestor):
            return True
    return False
