"""The hybrid cleaner: BeautifulSoup cleans the article container and collects its paragraphs.

A BeautifulSoup tree of a whole page costs about as much as a competitor's whole extraction,
so lxml still parses the page, cleans it coarsely and scores it to find the article
container. Only that container's *uncleaned* elements become a BeautifulSoup tree, built
straight from lxml (``souptree.py``) without what their own markup marks as furniture --
share bars, ad slots, hidden text, comment threads -- which lxml judges on the way
(``prune.py``). BeautifulSoup then does the cleaning that reads the text and the page's
CSS: a source's drop selectors, sections headed "Related" or "More from ...", and the
paragraph filters (prompts, ad labels, link lists, teasers). The line library, the
per-source patterns and the paragraph filters are shared with the lxml path, so both
variants judge text by the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, RubyParenthesisString, RubyTextString
from lxml.html import HtmlElement

from pipeline.extract.blocks import BLOCK_TAGS, HEADING_TAGS, LINE_BREAK, TextBlock
from pipeline.extract.clean import drop_non_text
from pipeline.extract.content import ContentOptions, filter_blocks
from pipeline.extract.junk import is_recirculation_heading
from pipeline.extract.prune import PROTECTED_SHARE
from pipeline.extract.scoring import prose_weight
from pipeline.extract.souptree import container_soup
from pipeline.extract.text import squash

_HEADING_LIKE = frozenset({"div", "p", "span", "dt", "li", *HEADING_TAGS})
# Two or more <br> markers (squashing may leave a space between them) end a paragraph.
_PARAGRAPH_BREAK = re.compile(LINE_BREAK + "(?: ?" + LINE_BREAK + ")+")


@dataclass(slots=True)
class SoupBlock:
    """One visual paragraph collected from a BeautifulSoup tree."""

    text: str
    tag: str
    link_chars: int

    @property
    def link_density(self) -> float:
        """Share of the block's characters that are link text."""
        return min(1.0, self.link_chars / len(self.text)) if self.text else 0.0

    @property
    def is_heading(self) -> bool:
        """True for text owned by an ``<h1>``..``<h6>``."""
        return self.tag in HEADING_TAGS


def soup_paragraphs(
    regions: Sequence[HtmlElement], options: ContentOptions, drop_selectors: tuple[str, ...] = ()
) -> list[str]:
    """The article's paragraphs from the (uncleaned) container elements, via BeautifulSoup.

    Code and media (scripts, styles, SVG icons) are cut from the given elements, in place,
    first: they are no text at all, often half of a modern page's markup, and would inflate
    the guard's idea of the article's size. Then, in this order: the guard measures the
    container's prose, the soup is built, a source's drop selectors run on it, the markup's
    furniture goes (with no selectors to run, it was never built), and so do sections headed
    "Related ...".
    """
    regions = _outermost(regions)
    if not regions:
        return []
    for region in regions:
        drop_non_text(region)
    built = container_soup(regions, for_selectors=bool(drop_selectors))
    guard = _SoupGuard(built.threshold, built.protected)
    strip_soup(built.soup, drop_selectors, guard, built.furniture)
    blocks: list[TextBlock] = list(soup_blocks(built.soup))
    return filter_blocks(blocks, options)


def strip_soup(
    soup: BeautifulSoup,
    drop_selectors: tuple[str, ...] = (),
    guard: _SoupGuard | None = None,
    furniture: Sequence[Tag] = (),
) -> None:
    """Remove what a source's CSS selectors name, ``furniture``, and sections headed
    "Related", in place.

    Furniture that its own markup gives away is judged in lxml when the soup is built from
    it (``souptree.py``); for a soup parsed from markup, the guard is measured on the soup.
    One top-down pass finds the headings: the descendants of a heading are never visited.
    """
    for selector in drop_selectors:
        for tag in soup.select(selector):
            tag.decompose()
    for tag in furniture:
        if not tag.decomposed:  # unless a selector took it already
            tag.decompose()
    if guard is None:
        guard = _SoupGuard.measure(soup)
    headings: list[tuple[Tag, str]] = []
    _find_headings(soup, headings)
    _drop_recirculation(headings, guard)


def _outermost(regions: Sequence[HtmlElement]) -> list[HtmlElement]:
    """The regions that are not inside another one: the text of each goes in once."""
    chosen = set(regions)
    kept: list[HtmlElement] = []
    for region in regions:
        if region not in kept and not any(a in chosen for a in region.iterancestors()):
            kept.append(region)
    return kept


def _find_headings(parent: Tag, headings: list[tuple[Tag, str]]) -> None:
    """Collect the teaser-list headings among ``parent``'s descendants, in document order."""
    for child in parent.children:
        if isinstance(child, Tag):
            heading = _heading_text(child)
            if heading:
                headings.append((child, heading))
            else:
                _find_headings(child, headings)


def _heading_text(tag: Tag) -> str:
    """The text of a short, block-free element that reads like a teaser-list heading."""
    if tag.name not in _HEADING_LIKE:
        return ""
    if any(isinstance(c, Tag) and c.name in BLOCK_TAGS for c in tag.children):
        return ""
    text = squash(tag.get_text(" "))
    return text if text and is_recirculation_heading(text) else ""


@dataclass
class _SoupGuard:
    """Refuses to drop an element that holds most of the container's prose.

    Block tags are judged by the prose measured before any cleaning (by lxml when the soup
    was built from it: ``protected`` holds the ids of the story's wrappers); an inline tag,
    which owns no paragraph of its own, is measured when asked.
    """

    threshold: float
    protected: set[int] = field(default_factory=set)

    @classmethod
    def measure(cls, soup: BeautifulSoup) -> _SoupGuard:
        """The guard of a soup parsed from markup: prose per block tag from one walk."""
        collector = _Collector(prose={})
        collector.walk(soup, "body", 0)
        collector.flush("body")
        prose = collector.prose or {}
        threshold = PROTECTED_SHARE * prose.get(0, 0.0)
        wrappers = {key for key, chars in prose.items() if key and 0 < threshold <= chars}
        return cls(threshold, wrappers)

    def may_drop(self, tag: Tag) -> bool:
        """False for the article's own wrapper."""
        if tag.name in BLOCK_TAGS:
            return id(tag) not in self.protected
        return not 0 < self.threshold <= prose_chars(tag)


def prose_chars(tag: Tag) -> float:
    """Characters of sentence-like, link-poor paragraphs under ``tag`` (scoring's notion)."""
    return sum(prose_weight(b) for b in soup_blocks(tag))


def _drop_recirculation(headings: list[tuple[Tag, str]], guard: _SoupGuard) -> None:
    """Remove sections headed "Related", "More from ...", "Comments" inside the article."""
    for heading, text in headings:
        if heading.parent is None:
            continue  # went with an earlier section
        section = _headed_section(heading, text)
        if section is not None and guard.may_drop(section):
            section.decompose()
        elif guard.may_drop(heading):
            heading.decompose()


def _headed_section(heading: Tag, heading_text: str) -> Tag | None:
    """The nearest ancestor with more text than ``heading`` whose text starts with it."""
    for ancestor in heading.parents:
        if ancestor.name in ("[document]", "html", "body"):
            return None
        text = squash(ancestor.get_text(" "))
        if len(text) > len(heading_text) + 1:
            return ancestor if text.startswith(heading_text) else None
    return None


def soup_blocks(soup: Tag) -> Iterator[SoupBlock]:
    """Text blocks in reading order: one per run of inline text between block boundaries."""
    collector = _Collector()
    owner = soup.name if soup.name in BLOCK_TAGS else "body"
    collector.walk(soup, owner, 0)
    collector.flush(owner)
    return iter(collector.blocks)


@dataclass
class _Collector:
    """Gathers inline text runs and cuts them into blocks at block-element boundaries."""

    blocks: list[SoupBlock] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    # When given, prose per open block element (by id), for the guard; the root is id 0 slot.
    prose: dict[int, float] | None = None
    _open: list[int] = field(default_factory=list)

    def walk(self, tag: Tag, owner: str, link_depth: int) -> None:
        """Visit the tag's children depth first (containers are shallow enough to recurse)."""
        for child in tag.children:
            if isinstance(child, Tag):
                name = child.name
                if name == "tr" and _is_data_row(child):
                    self.flush(owner)
                    self._row(child)
                elif name in BLOCK_TAGS:
                    self.flush(owner)
                    self._open.append(id(child))
                    self.walk(child, name, link_depth)
                    self.flush(name)
                    self._open.pop()
                elif name == "br":
                    self.parts.append(LINE_BREAK)
                else:
                    self.walk(child, owner, link_depth + (name == "a"))
            elif isinstance(child, NavigableString) and (
                type(child) is NavigableString or _is_ruby_fallback(child)
            ):
                self.parts.append(str(child))
                if link_depth:
                    self.link_chars += len(child.strip())

    def _row(self, row: Tag) -> None:
        """A table row of data as one line, cells joined by " | ": a standings or results
        table stays readable (team and points together) instead of a column of fragments."""
        cells = [squash(c.get_text(" ")) for c in row.find_all(("td", "th"), recursive=False)]
        text = " | ".join(c for c in cells if c)
        if not text:
            return
        links = sum(len(a.get_text(strip=True)) for a in row.find_all("a"))
        block = SoupBlock(text, "tr", min(links, len(text)))
        self.blocks.append(block)
        if self.prose is not None:
            self._credit(block)

    def flush(self, owner: str) -> None:
        """Turn the pending text run into blocks, split at double line breaks."""
        if not self.parts:
            return
        raw = squash("".join(self.parts))
        self.parts, links = [], self.link_chars
        self.link_chars = 0
        pieces = [_lines(p) for p in _PARAGRAPH_BREAK.split(raw)]
        pieces = [p for p in pieces if p]
        total = sum(len(p) for p in pieces) or 1
        for piece in pieces:
            share = round(links * len(piece) / total)
            block = SoupBlock(piece, owner, min(share, len(piece)))
            self.blocks.append(block)
            if self.prose is not None:
                self._credit(block)

    def _credit(self, block: SoupBlock) -> None:
        """Add the block's prose to every open block element and to the root."""
        weight = prose_weight(block)
        if not weight or self.prose is None:
            return
        for key in (0, *self._open):
            self.prose[key] = self.prose.get(key, 0.0) + weight


# Markup inside a cell that makes the table a layout grid (old templates put the whole story
# into one <td>), not a table of data.
_LAYOUT_IN_CELL = ("p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote", "br")


def _is_data_row(row: Tag) -> bool:
    """True for a row of short data cells, False for a row of a layout table."""
    return row.find(_LAYOUT_IN_CELL) is None


def _is_ruby_fallback(string: NavigableString) -> bool:
    """True for ruby text a page wants shown in brackets: 尹錫悦<rp>（</rp><rt>reading</rt><rp>）.

    ``<rp>`` holds the brackets a browser without ruby shows around the ``<rt>`` reading; in
    plain text, that is how the reading reads. A reading without ``<rp>`` brackets would run
    into the base text, so it is left out.
    """
    if type(string) is RubyParenthesisString:
        return True
    if type(string) is not RubyTextString:
        return False
    ruby = string.parent.parent if string.parent is not None else None
    return ruby is not None and ruby.find("rp", recursive=False) is not None


def _lines(text: str) -> str:
    """Text with each ``<br>`` marker turned into a newline, lines stripped."""
    return "\n".join(line.strip() for line in text.split(LINE_BREAK) if line.strip())
