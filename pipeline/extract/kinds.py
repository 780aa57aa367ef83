"""What kind of article a page is: news, opinion (and which kind), live blog or wire copy.

Analysts filter by kind ("only op-eds", "no agency copy"), and markup rarely says it outright,
so the kind is read from several weak cues in order of trust: schema.org types, the section
and URL, the headline's label ("Editorial:", "Letters:"), bylines, and the text's own shape
(an agency dateline such as "LONDON (Reuters) -" opens wire copy).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

NEWS, OPINION, LIVE, WIRE = "news", "opinion", "live", "wire"
OP_ED, COLUMN, EDITORIAL, LETTER = "op-ed", "column", "editorial", "letter"

_WIRE_AGENCIES = (
    r"Reuters|AP|Associated Press|AFP|Agence France-Presse|dpa|Bloomberg|UPI"
    r"|ANSA|EFE|Xinhua|PA|APA|KNA|epd|Kyodo|Yonhap|Interfax|TASS|Anadolu"
)
# "LONDON (Reuters) -", "BERLIN (dpa) –", "(AP) —" at the very start of the text.
_DATELINE = re.compile(rf"^(?:[A-ZÀ-Ý][\w .,/'’-]{{0,60}}\s*)?\((?:{_WIRE_AGENCIES})\)\s*[-–—:]")
_WIRE_CREDIT = re.compile(rf"^(?:the\s+)?(?:{_WIRE_AGENCIES})(?:\s+staff)?$", re.IGNORECASE)
# A /live/ path segment, or a slug that says so ("...-live-updates"); a slug merely starting
# with the word ("live-music-returns") is an ordinary story.
_LIVE_SEGMENT = re.compile(
    r"^(?:live|liveblog|live-blog|live-updates?|live-news|ticker|newsblog|minute-by-minute)$"
    r"|^(?:live-updates?|liveblog|live-blog)-|-(?:live-updates?|liveblog|live-blog)$"
)
# "Live: ...", "Live updates: ...", "... – live", "... as it happened"; not "Live music ...".
_LIVE_TITLE = re.compile(
    r"^\s*live(?:\s+updates?|\s+blog)?\s*[:|–—-]|[-–—|:]\s*live(?:\s+updates?)?\s*$"
    r"|\bas it happened\s*$",
    re.IGNORECASE,
)
# Cues of each kind of opinion piece in section names, URL segments and headline labels.
_OPINION_KINDS = (
    (LETTER, re.compile(r"\bletters?\b|leserbrief|courrier des lecteurs", re.IGNORECASE)),
    (
        EDITORIAL,
        re.compile(
            r"\beditorials?\b|editorial board|the board|leitartikel|éditorial", re.IGNORECASE
        ),
    ),
    (COLUMN, re.compile(r"\bcolumns?\b|\bcolumnists?\b|kolumne|chronique", re.IGNORECASE)),
    (
        OP_ED,
        re.compile(
            r"\bop-?eds?\b|guest (?:essay|column|commentary)|gastbeitrag|tribune", re.IGNORECASE
        ),
    ),
)


def is_live(types: Sequence[str], url: str, title: str) -> bool:
    """True for a live blog: LiveBlogPosting, a /live/ URL, or a "Live:" headline."""
    if "liveblogposting" in types:
        return True
    segments = [s for s in urlsplit(url).path.lower().split("/") if s]
    return any(_LIVE_SEGMENT.search(s) for s in segments) or bool(_LIVE_TITLE.search(title))


def is_wire(first_paragraph: str, authors: Sequence[str]) -> bool:
    """True for agency copy: an agency dateline opens the text, or an agency is the byline."""
    if _DATELINE.match(first_paragraph.strip()):
        return True
    return bool(authors) and all(_WIRE_CREDIT.match(a.strip()) for a in authors)


def opinion_kind(section: str | None, url: str, title: str, *, has_trailer: bool) -> str | None:
    """op-ed, column, editorial or letter for an opinion piece; None when nothing says."""
    label = title.split(":", 1)[0] if ":" in title[:40] else ""
    path = urlsplit(url).path.replace("_", "-")
    for kind, cue in _OPINION_KINDS:
        if any(cue.search(text) for text in (section or "", path, label)):
            return kind
    return OP_ED if has_trailer else None


def classify(
    declared: str,
    *,
    types: Sequence[str],
    url: str,
    title: str,
    paragraphs: Sequence[str],
    authors: Sequence[str],
) -> str:
    """The article type: the metadata's news/opinion, refined to live blog or wire copy."""
    if is_live(types, url, title):
        return LIVE
    if declared == NEWS and paragraphs and is_wire(paragraphs[0], authors):
        return WIRE
    return declared
