"""Flatten a tree into text blocks: the paragraphs a reader would see, in reading order.

Selection and filtering both work on blocks rather than on elements because article text is
not always in ``<p>``: some templates write paragraphs as bare text separated by ``<br><br>``
inside a ``<div>``, or put a sentence between two block elements. A single pass over the tree
(lxml's ``iterwalk``) produces one block per run of inline text between block boundaries and
remembers, per block, which block element owns it and how much of it is link text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import lxml.etree
from lxml.html import HtmlElement

from pipeline.extract.text import squash

# Elements that start a new line in a browser's default stylesheet.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "legend",
        "noscript",
        "listing",
        "plaintext",
        "xmp",
        "option",
        "optgroup",
    }
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Stands for a <br> while text is collected: source newlines are mere spaces in HTML, so they
# are squashed away before the line breaks that <br> asked for are put back. XML text can
# never contain NUL, so the marker cannot clash with page text.
LINE_BREAK = "\x00"
_PARAGRAPH_BREAK = re.compile(r"\x00(?: ?\x00)+")


class TextBlock(Protocol):
    """What filtering needs of a block, whichever tree (lxml or BeautifulSoup) it came from."""

    @property
    def text(self) -> str: ...

    @property
    def tag(self) -> str: ...

    @property
    def link_density(self) -> float: ...

    @property
    def is_heading(self) -> bool: ...


@dataclass(slots=True)
class Block:
    """One visual paragraph: its text, the block element that holds it, and its link text."""

    text: str
    element: HtmlElement
    link_chars: int

    @property
    def tag(self) -> str:
        """Tag of the owning block element ("p", "li", "h2", "div", ...)."""
        return str(self.element.tag)

    @property
    def link_density(self) -> float:
        """Share of the block's characters that are link text (menus and teasers: near 1)."""
        return min(1.0, self.link_chars / len(self.text)) if self.text else 0.0

    @property
    def is_heading(self) -> bool:
        """True for text owned by an ``<h1>``..``<h6>``."""
        return self.tag in HEADING_TAGS


def _emit(blocks: list[Block], parts: list[str], link_chars: int, owner: HtmlElement) -> None:
    """Append the Blocks made of one run of inline text (split at ``<br><br>``)."""
    joined = "".join(parts)
    if joined.isspace():
        return  # indentation between tags, most runs of a page: squash() would give ""
    raw = squash(joined)
    if not raw:
        return
    if LINE_BREAK not in raw:
        blocks.append(Block(raw, owner, min(link_chars, len(raw))))
        return
    pieces = [_lines(piece) for piece in _PARAGRAPH_BREAK.split(raw)]
    pieces = [piece for piece in pieces if piece]
    total = sum(len(piece) for piece in pieces) or 1
    for piece in pieces:
        # Link text of a <br><br>-split paragraph is shared out in proportion to length.
        share = round(link_chars * len(piece) / total)
        blocks.append(Block(piece, owner, min(share, len(piece))))


def _lines(text: str) -> str:
    """Text with each ``<br>`` marker turned into a newline, lines stripped, empty ones gone."""
    return "\n".join(line.strip() for line in text.split(LINE_BREAK) if line.strip())


def text_blocks(root: HtmlElement) -> list[Block]:
    """All text blocks under ``root`` in document order (comments must be stripped first).

    One flat loop over lxml's start/end events: this runs twice per page over every element,
    so it is written for speed rather than elegance.
    """
    blocks: list[Block] = []
    parts: list[str] = []
    link_chars = 0
    owners: list[HtmlElement] = [root]
    link_depth = 0
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag in BLOCK_TAGS:
                if parts:
                    _emit(blocks, parts, link_chars, owners[-1])
                    parts, link_chars = [], 0
                owners.append(element)
            elif tag == "br":
                parts.append(LINE_BREAK)
            elif tag == "a":
                link_depth += 1
            text = element.text
        else:
            if tag in BLOCK_TAGS:
                if parts:
                    _emit(blocks, parts, link_chars, owners[-1])
                    parts, link_chars = [], 0
                if len(owners) > 1:
                    owners.pop()
            elif tag == "a":
                link_depth -= 1
            text = element.tail if element is not root else None
        if text:
            parts.append(text)
            if link_depth:
                link_chars += len(text.strip())
    if parts:
        _emit(blocks, parts, link_chars, owners[-1])
    return blocks
