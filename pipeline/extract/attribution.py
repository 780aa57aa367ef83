"""Op-ed attribution: the trailer in which a guest writer names themselves and the outlet.

Syndicated and guest op-eds end with a line such as "Igor Ivanov, the foreign minister,
contributed this comment to The Washington Post." It is the most reliable byline such a page
has (the page's own byline often names the syndicating desk), and it carries two facts no
markup does: the writer's role and the publication the piece was written for. The line stays
in the body (readers and annotators count it as part of the article); it is *also* read here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Only the last few paragraphs are searched: the trailer closes the piece.
TRAILER_DEPTH = 2
_NAME = r"(?P<name>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|der|al|bin|da|di)){1,4})"
_ROLE = r"(?:the\s+|a\s+|an\s+)?(?P<role>[^,.;]{3,100}?)"
_PIECE = r"(?:comment|commentary|article|column|op-ed|essay|piece|opinion piece|analysis)"
_OUTLET = r"(?P<outlet>(?:[Tt]he\s+)?[A-Z][\w&.'’-]*(?:\s+[A-Z&][\w&.'’-]*){0,6})"
_TRAILERS = (
    # "Igor Ivanov, the foreign minister, contributed this comment to The Washington Post."
    re.compile(
        rf"^{_NAME},\s+{_ROLE},\s+(?:contributed|wrote)\s+(?:this|the\s+following)\s+"
        rf"{_PIECE}\s+(?:to|for)\s+{_OUTLET}\.?$"
    ),
    # "Jane Roe, a former ambassador, is the author of ..." -> role only
    # (a bare "Jane Roe is a fellow." is left alone: news text says such things of anyone)
    re.compile(rf"^{_NAME},\s+{_ROLE},\s+(?:is|was)\s+the\s+author\s+of\b.{{3,200}}$"),
)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who wrote the piece, in what capacity, and for which publication (if the text says)."""

    author: str
    role: str | None = None
    publication: str | None = None


def find_attribution(paragraphs: Sequence[str], *, opinion: bool) -> Attribution | None:
    """The attribution trailer among the last paragraphs of a body, read from the end.

    Only the "contributed this comment to" form is trusted on any page; a biography line
    ("X, a former ambassador, is the author of ...") ends op-eds but may also end a news
    story about that person, so it counts on opinion pages only.
    """
    for paragraph in reversed(paragraphs[-TRAILER_DEPTH:]):
        found = parse_trailer(paragraph.strip())
        if found is not None and (opinion or found.publication is not None):
            return found
    return None


def parse_trailer(line: str) -> Attribution | None:
    """Read one line as an attribution trailer; None when it is not one."""
    if len(line) > 300:
        return None
    for pattern in _TRAILERS:
        match = pattern.match(line)
        if match is None:
            continue
        groups = match.groupdict()
        role = _clean(groups.get("role"))
        outlet = _clean(groups.get("outlet"))
        return Attribution(" ".join(match["name"].split()), role, outlet)
    return None


def _clean(value: str | None) -> str | None:
    """Squashed text without trailing punctuation; None for nothing."""
    if not value:
        return None
    return " ".join(value.split()).strip(" .,;") or None
