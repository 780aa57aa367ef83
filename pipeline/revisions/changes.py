"""Tell an edit from noise: is a new capture of a document a new version or the same text?

A re-fetched page often differs from the stored one without anyone having edited the story:
whitespace moves, an "Updated 10:42 a.m." line ticks, a share counter climbs. Counting those as
revisions would bury the real edits (the point of the revision history), so a capture whose
title and body are equal to the stored ones once whitespace, date lines and share or comment
counts are set aside is a *trivial* change: recorded, but not a new revision.

Pure functions of two texts; ``pipeline.revisions.record`` applies them where the bulk writer
finds a changed content hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SUBSTANTIVE", "TRIVIAL", "Change", "classify", "is_date_line"]

TRIVIAL = "trivial"
SUBSTANTIVE = "substantive"

# What a trivial change consisted of, in the order they are tried.
WHITESPACE = "whitespace"
DATE_LINE = "date_line"
SHARE_COUNT = "share_count"

# A date line is short: a stamp, not a sentence that happens to contain a date.
MAX_DATE_LINE_WORDS = 14


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a date stamp is made of besides the numbers ("Last updated on Monday, March 4 at ...").
_STAMP_WORDS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "updated update published posted modified last first as of on at by am pm a.m. p.m. "
    "utc gmt est edt cst cdt mst mdt pst pdt bst cet cest ist et pt ct mt z "
    "today yesterday ago minute minutes hour hours day days week weeks and - | · • : ,"
)
_NUMERIC = re.compile(r"^[\d:./,\-–+T]+(st|nd|rd|th|h|am|pm|z)?$", re.IGNORECASE)
# "1,204 shares", "Shared 87 times", "12 comments", "3.4K likes": counters that tick on their own.
_COUNTER = re.compile(
    r"(\b\d[\d,.]*\s*[kKmM]?\s+(?:shares?|comments?|likes?|reactions?|views?|reads?)\b)"
    r"|(\b(?:shared|viewed|read)\s+\d[\d,.]*\s*[kKmM]?\s+times\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Change:
    """How a new capture differs from the stored text."""

    kind: str  # TRIVIAL | SUBSTANTIVE
    fields: tuple[str, ...]  # which of "title", "body" differ at all
    trivia: tuple[str, ...] = ()  # for a trivial change: what it consisted of

    @property
    def trivial(self) -> bool:
        return self.kind == TRIVIAL


def classify(old_title: str, old_body: str, new_title: str, new_body: str) -> Change:
    """Whether the new title and body are an edit of the old ones or only noise."""
    fields = tuple(
        name
        for name, old, new in (("title", old_title, new_title), ("body", old_body, new_body))
        if old != new
    )
    old, new = _lines(old_title, old_body), _lines(new_title, new_body)
    if old == new:
        return Change(TRIVIAL, fields, (WHITESPACE,))
    if _uncounted(_without_dates(old)) != _uncounted(_without_dates(new)):
        return Change(SUBSTANTIVE, fields)
    trivia = []
    if _uncounted(old) != _uncounted(new):
        trivia.append(DATE_LINE)  # the counters alone do not explain the difference
    if _without_dates(old) != _without_dates(new):
        trivia.append(SHARE_COUNT)  # nor do the date lines alone
    return Change(TRIVIAL, fields, tuple(trivia or [DATE_LINE]))


def is_date_line(line: str) -> bool:
    """A short line made only of a date, a time and stamp words ("Updated March 4, 9:15 a.m.")."""
    words = line.lower().replace(",", " , ").split()
    if not words or len(words) > MAX_DATE_LINE_WORDS:
        return False
    if not any(ch.isdigit() for ch in line):
        return False
    return all(_stamp_word(w.strip("():;")) for w in words)


def _stamp_word(word: str) -> bool:
    return (
        not word
        or word in _STAMP_WORDS
        or word.rstrip(".") in _STAMP_WORDS
        or bool(_NUMERIC.match(word))
    )


def _lines(title: str, body: str) -> list[str]:
    """Title and body as lines with whitespace collapsed, empty lines dropped."""
    lines = [" ".join(title.split())]
    lines += [" ".join(line.split()) for line in body.splitlines() if line.strip()]
    return lines


def _without_dates(lines: list[str]) -> list[str]:
    return [line for line in lines if not is_date_line(line)]


def _uncounted(lines: list[str]) -> list[str]:
    return [" ".join(_COUNTER.sub("#", line).split()) for line in lines]
