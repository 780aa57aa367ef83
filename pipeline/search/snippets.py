"""Highlighted snippets that are safe to put into a page.

Elasticsearch wraps matches in two private-use marker characters (``HIGHLIGHT_PRE``/``POST``)
instead of tags. Here the whole fragment is HTML-escaped first and only then are the markers
turned into ``<mark>`` tags, so markup that an article's text contains (``<script>`` included)
can only ever show up as text, whatever the highlighter does with its input.
"""

from __future__ import annotations

import html

from pipeline.search.query import HIGHLIGHT_POST, HIGHLIGHT_PRE


def safe_snippet(fragment: str) -> str:
    """An escaped fragment with ``<mark>`` around the matches; balanced even if markers are not."""
    out: list[str] = []
    open_mark = False
    for part in _split(fragment):
        if part == HIGHLIGHT_PRE:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == HIGHLIGHT_POST:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(html.escape(" ".join(part.split("\n")), quote=True))
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def plain_snippet(fragment: str) -> str:
    """The fragment as plain text with the markers removed (for terminals and exports)."""
    return fragment.replace(HIGHLIGHT_PRE, "").replace(HIGHLIGHT_POST, "")


def _split(fragment: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for ch in fragment:
        if ch in (HIGHLIGHT_PRE, HIGHLIGHT_POST):
            if current:
                parts.append("".join(current))
                current = []
            parts.append(ch)
        else:
            current.append(ch)
    if current:
        parts.append("".join(current))
    return parts
