"""Whitespace and character normalisation shared by every extraction step.

HTML text carries layout whitespace, non-breaking spaces and invisible characters that mean
nothing to a reader; comparing, filtering and storing text only works once they are gone.
"""

from __future__ import annotations

import re

# Characters a browser does not show: zero-width space, BOM, soft hyphen, word joiner, and
# control characters (NUL is left alone: lxml never yields it, so it can serve as a marker).
_INVISIBLE = str.maketrans("", "", "\u200b\u2060\ufeff\u00ad\x7f" + "".join(
    chr(code) for code in range(1, 32) if not chr(code).isspace()
))
_NOT_ALNUM = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """One line of text: every whitespace run, newlines included, becomes a single space."""
    return " ".join(text.translate(_INVISIBLE).split())


def compact_key(text: str) -> str:
    """Lower-case letters and digits only: for "is this the same title/name?" comparisons."""
    return _NOT_ALNUM.sub("", text.lower())
