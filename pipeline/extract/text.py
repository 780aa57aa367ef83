"""Whitespace and character normalisation shared by every extraction step.

HTML text carries layout whitespace, non-breaking spaces and invisible characters that mean
nothing to a reader; comparing, filtering and storing text only works once they are gone.
"""

from __future__ import annotations

import html
import re

# Characters a browser does not show: zero-width space, BOM, soft hyphen, word joiner, and
# control characters (NUL is left alone: lxml never yields it, so it can serve as a marker).
_INVISIBLE = str.maketrans(
    "",
    "",
    "\u200b\u2060\ufeff\u00ad\x7f"
    + "".join(chr(code) for code in range(1, 32) if not chr(code).isspace()),
)
# The same characters as a pattern: ``str.translate`` is fast on ASCII text only, and news
# text is rarely ASCII (typographic quotes and dashes), where a regex is many times faster.
_INVISIBLE_CHARS = re.compile("[" + "".join(chr(c) for c in _INVISIBLE) + "]")
_NOT_ALNUM = re.compile(r"[\W_]+")
# An entity reference left in the *text* after parsing: the CMS escaped its HTML twice
# ("&amp;nbsp;", "&amp;#8217;"), so the reader would see "&nbsp;" and "&#8217;" literally.
_LEFTOVER_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,9}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")


def squash(text: str) -> str:
    """One line of text: every whitespace run, newlines included, becomes a single space."""
    visible = text.translate(_INVISIBLE) if text.isascii() else _INVISIBLE_CHARS.sub("", text)
    return " ".join(visible.split())


def compact_key(text: str) -> str:
    """Lower-case letters and digits only: for "is this the same title/name?" comparisons."""
    return _NOT_ALNUM.sub("", text.lower())


def unescape_leftovers(text: str) -> str:
    """Decode entity references that survived parsing (double-escaped markup), spaces squashed."""
    if "&" not in text or not _LEFTOVER_ENTITY.search(text):
        return text
    decoded = _LEFTOVER_ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return "\n".join(" ".join(line.split()) for line in decoded.split("\n"))
