"""What counts as learned site boilerplate: pure rules over per-source line statistics.

A source's template leaks the same short lines into many article bodies (a push prompt, a
newsletter pitch, a standard disclaimer). The crawl records, for every page, the normalised
short lines of the extracted body and where each stood (how many paragraphs from the start
or the end). A line becomes a *candidate* when it is seen on enough distinct pages, on a
large enough share of the source's pages, and nearly always at the same edge position.

Three rules keep the article's own text:

* position: a template inserts its prompt at a fixed place (second paragraph, last line),
  while a quote that many articles repeat lands wherever each writer put it;
* quotes and attributions are never observed: lines opening with a quotation mark, and lines
  naming one of the page's authors or shaped like an op-ed trailer ("X, the foreign
  minister, contributed this comment to ...");
* only short lines are observed; long prose is never template text.

A trailer that names its author varies by name from writer to writer; the author rule also
covers a columnist whose identical trailer ends every one of their columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Longer lines are prose; template prompts and disclaimers are one or two sentences.
MAX_LINE_CHARS = 300
MIN_LINE_CHARS = 12
# Positions closer than this to the start or the end of the body count as "at the edge".
EDGE_DEPTH = 3
# A candidate: seen on at least MIN_PAGES distinct pages making up at least MIN_SHARE of the
# pages observed for the source, at the same edge position in at least MIN_SAME_POSITION of
# its sightings.
MIN_PAGES = 5
MIN_SHARE = 0.3
MIN_SAME_POSITION = 0.8
# A pending candidate is applied without review once it is this well established.
CONFIDENT_PAGES = 8
CONFIDENT_SHARE = 0.5

MIDDLE = "middle"
_QUOTE_OPENERS = ('"', "“", "„", "«", "»", "‘", "'", "‹", "›", "「")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
# "Igor Ivanov, the foreign minister, contributed this comment to ...", "Jane Roe is a
# columnist for ...": a person describing themselves, which belongs to the article.
_SELF_DESCRIPTION = re.compile(
    r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3},?\s+(?:.{0,120}?\s)?"
    r"(?:contributed|wrote|writes|is (?:a|an|the)\b|was (?:a|an|the)\b|teaches|directs|heads)",
)


@dataclass(frozen=True, slots=True)
class Sighting:
    """One short body line of one page: its normalised key, its text and its position."""

    key: str
    text: str
    position: str  # "start:0".."start:2", "end:0".."end:2" or MIDDLE


@dataclass(frozen=True, slots=True)
class LineStats:
    """What the store knows of one key for one source."""

    key: str
    example: str
    pages: int  # distinct pages the line was seen on
    same_position: int  # sightings at the line's most common position
    position: str  # that most common position


def line_key(text: str) -> str:
    """Normalised text: case, spacing and numbers do not make a prompt a different prompt."""
    return _DIGITS.sub("0", _SPACE.sub(" ", text.strip().lower()))


def sightings(paragraphs: Sequence[str], authors: Iterable[str] = ()) -> list[Sighting]:
    """The observable lines of one extracted body, each with its edge position."""
    names = [a.lower() for a in authors if len(a.strip()) > 3]
    found: list[Sighting] = []
    last = len(paragraphs) - 1
    for index, paragraph in enumerate(paragraphs):
        position = _position(index, last)
        for line in paragraph.split("\n"):
            line = line.strip()
            if _observable(line, names):
                found.append(Sighting(line_key(line), line, position))
    return found


def _position(index: int, last: int) -> str:
    """Where a paragraph stands: near the start, near the end, or in the middle."""
    if last - index < EDGE_DEPTH:
        return f"end:{last - index}"
    if index < EDGE_DEPTH:
        return f"start:{index}"
    return MIDDLE


def _observable(line: str, author_names: Sequence[str]) -> bool:
    """True for a short line that could be template text (not a quote, not about an author)."""
    if not MIN_LINE_CHARS <= len(line) <= MAX_LINE_CHARS:
        return False
    if line.startswith(_QUOTE_OPENERS) or _SELF_DESCRIPTION.match(line):
        return False
    lowered = line.lower()
    return not any(name in lowered for name in author_names)


def is_candidate(stats: LineStats, source_pages: int) -> bool:
    """True when the line recurs on enough of the source's pages, always at one edge."""
    if stats.position == MIDDLE or stats.pages < MIN_PAGES or source_pages <= 0:
        return False
    return (
        stats.pages / source_pages >= MIN_SHARE
        and stats.same_position / stats.pages >= MIN_SAME_POSITION
    )


def candidate_floor(source_pages: int) -> float:
    """The fewest pages a line of a source with ``source_pages`` pages needs to be a candidate.

    Lets the store read only lines at or above it: a cheap, index-bounded refresh.
    """
    return max(float(MIN_PAGES), MIN_SHARE * source_pages - 1e-9)  # below any rounding


def is_confident(stats: LineStats, source_pages: int) -> bool:
    """True for a candidate established well enough to apply before anyone reviews it."""
    return (
        is_candidate(stats, source_pages)
        and stats.pages >= CONFIDENT_PAGES
        and stats.pages / source_pages >= CONFIDENT_SHARE
    )


def line_pattern(key: str) -> re.Pattern[str]:
    """A whole-line pattern for a learned key: any case, spacing and numbers."""
    parts = [re.escape(part) for part in key.split("0")]
    body = r"\d+".join(parts).replace(r"\ ", r"\s+")
    return re.compile(rf"^\s*{body}\s*$", re.IGNORECASE)
