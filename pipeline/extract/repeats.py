"""Body lines that only repeat the page's metadata: the headline and the byline.

Templates print the headline block (often with a kicker: "Angebliche Dekolonisierung: Warum
Putin ... warnt") and the byline ("MDR (Jane Doe, John Roe)", "AFP, MANILA", "Jane Doe")
inside the article container. Both are read as metadata already; in the body they are
furniture. Each test compares the line with what the page itself states (its headline
statements, its credited names and its own site names), never with fixed wording.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from pipeline.extract.credits import WIRE_AGENCIES, is_agency
from pipeline.extract.text import compact_key

# A headline key must be this long for "kicker + headline" to count (short keys such as
# "Live" end too many sentences).
_MIN_HEADLINE_KEY = 12
# At most this many letters and digits of kicker before a repeated headline.
_MAX_KICKER_KEY = 40
# What ends a kicker before the headline: "Kicker: Headline", "Kicker | Headline".
_KICKER_MARK = re.compile(r"[:|–—•·]")
# A credit line is short: a byline, not a sentence that mentions the writer.
_MAX_CREDIT_LINE = 100
_TOKEN = re.compile(r"\w+")
# Words a byline puts between names: "By Jane Doe and John Roe", "Von X und Y", "Text: X".
_CREDIT_JOINERS = frozenset(
    {"by", "von", "and", "und", "et", "y", "e", "with", "mit", "par", "por", "text", "texte"}
)
# Desk codes in brackets after a name or outlet: "MDR (dst)", "(obe)".
_DESK_CODE = re.compile(r"\(\s*[a-zäöü]{2,5}\.?\s*\)")
_AGENCY_TOKENS = frozenset(
    t.lower() for t in _TOKEN.findall(WIRE_AGENCIES.replace("|", " ")) if len(t) >= 2
)


def headline_keys(statements: Iterable[str]) -> set[str]:
    """Compact keys of the page's headline statements."""
    return {k for s in statements if (k := compact_key(s))}


def repeats_headline(text: str, keys: Collection[str], statements: Iterable[str] = ()) -> bool:
    """True for a line that is one of the page's headlines, alone or after a short kicker.

    "Angebliche Dekolonisierung :Warum Putin warnt" is the headline block (kicker, then the
    h1) printed in the container; it states nothing the title does not.
    """
    key = compact_key(text)
    if not key:
        return False
    if key in keys:
        return True
    for statement in statements:
        # A kicker element glued to the headline without a space: "Europäische
        # KommissionVerfahren: Brüssel prüft ..." (two inline elements, no whitespace).
        if len(compact_key(statement)) < _MIN_HEADLINE_KEY:
            continue
        if text.endswith(statement) and len(text) > len(statement):
            before = text[: len(text) - len(statement)]
            if before[-1].isalpha() and len(compact_key(before)) <= _MAX_KICKER_KEY:
                return True
    for mark in _KICKER_MARK.finditer(text):
        rest = compact_key(text[mark.end() :])
        if len(rest) < _MIN_HEADLINE_KEY or rest not in keys:
            continue
        if len(compact_key(text[: mark.start()])) <= _MAX_KICKER_KEY:
            return True
    return False


def is_credit_line(text: str, credits: Collection[str], sites: Collection[str]) -> bool:
    """True for a short line made only of the page's credits: its authors, its agency, its
    own name, desk codes and byline joiners ("MDR (Jane Doe, John Roe)", "AFP, MANILA").

    An agency's dateline may add the place in capitals ("AFP, MANILA"). At least one credited
    person or agency must be named: a line naming only the outlet is a label of its own.
    """
    if len(text) > _MAX_CREDIT_LINE:
        return False
    if is_agency_dateline(text):
        return True
    if not credits:
        return False
    credited = {t.lower() for c in credits for t in _TOKEN.findall(c)}
    tokens = _TOKEN.findall(_DESK_CODE.sub(" ", text))
    if not tokens:
        return False
    named = False
    agency = False
    leftovers: list[str] = []
    for token in tokens:
        low = token.lower()
        if low in credited:
            named = True
            agency = agency or low in _AGENCY_TOKENS
        elif low in _CREDIT_JOINERS or compact_key(token) in sites:
            continue
        else:
            leftovers.append(token)
    if not named:
        # "MDR (dst)": the outlet's name with a desk code is the desk's credit.
        return (
            not leftovers
            and bool(_DESK_CODE.search(text))
            and len(tokens) < len(_TOKEN.findall(text))
        )
    # "AFP, MANILA": a wire credit's dateline place, written in capitals.
    return not leftovers or (agency and len(leftovers) <= 2 and all(t.isupper() for t in leftovers))


def is_agency_dateline(text: str) -> bool:
    """True for a wire credit standing alone, with the dateline place in capitals:
    "AFP, MANILA", "Reuters", "The Associated Press, WASHINGTON"."""
    agency, _, place = text.partition(",")
    if not is_agency(agency.strip()):
        return False
    place = place.strip()
    return not place or (place.isupper() and len(place.split()) <= 3)
