"""The hybrid cleaner: BeautifulSoup strips the boilerplate inside the article container.

A BeautifulSoup tree of a whole page costs about as much as a competitor's whole extraction,
so lxml still parses the page, cleans it coarsely and scores it to find the article
container. Only that container's *uncleaned* HTML is then handed to BeautifulSoup (with the
lxml builder), which does the fine cleaning inside the article -- code and media, hidden
text, a source's drop selectors, share bars, prompts, ad labels, captions, related lists --
and collects the paragraphs. The line library, the per-source patterns and the paragraph
filters are shared with the lxml path, so both variants judge text by the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import lxml.html
from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString
from lxml.html import HtmlElement

from pipeline.extract.blocks import BLOCK_TAGS, HEADING_TAGS, LINE_BREAK, TextBlock
from pipeline.extract.boilerplate import is_recirculation_heading
from pipeline.extract.clean import (
    FURNITURE_TAGS,
    NON_TEXT_TAGS,
    WRAPPER_TAGS,
    drop_non_text,
    hidden_by,
)
from pipeline.extract.content import ContentOptions, filter_blocks
from pipeline.extract.hints import PURPOSE_ATTRIBUTES, Purpose, purpose_of_names
from pipeline.extract.scoring import SHORT_BLOCK, ends_sentence, is_link_list
from pipeline.extract.text import squash

# An element holding at least this share of the container's text is the article itself (or
# its wrapper), whatever its class name says: only certain furniture may remove it.
PROTECTED_SHARE = 0.5
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
    before BeautifulSoup sees them: they are no text at all, often half of a modern page's
    markup, and would both slow the soup down and inflate the guard's idea of the article's
    size. Everything that *looks* like text is BeautifulSoup's to judge.
    """
    if not regions:
        return []
    for region in regions:
        drop_non_text(region)
    markup = "".join(lxml.html.tostring(r, encoding="unicode", with_tail=False) for r in regions)
    soup = BeautifulSoup(markup, "lxml")
    strip_soup(soup, drop_selectors)
    blocks: list[TextBlock] = list(soup_blocks(soup))
    return filter_blocks(blocks, options)


def strip_soup(soup: BeautifulSoup, drop_selectors: tuple[str, ...] = ()) -> None:
    """Remove everything inside the container that is not article text, in place.

    One top-down pass: a removed element's descendants are never visited, so each element is
    looked at once (BeautifulSoup's ``decomposed`` check per element would cost a search).
    """
    for selector in drop_selectors:
        for tag in soup.select(selector):
            tag.decompose()
    guard = _SoupGuard(soup)
    headings: list[tuple[Tag, str]] = []
    _strip_children(soup, guard, headings)
    _drop_recirculation(headings, guard)


def _strip_children(parent: Tag, guard: _SoupGuard, headings: list[tuple[Tag, str]]) -> None:
    """Drop furniture among ``parent``'s children, descend into the rest."""
    for child in list(parent.children):
        if isinstance(child, Comment):
            child.extract()
        elif not isinstance(child, Tag):
            continue
        elif child.name in NON_TEXT_TAGS or _is_furniture(child, guard):
            child.decompose()
        else:
            heading = _heading_text(child)
            if heading:
                headings.append((child, heading))
            else:
                _strip_children(child, guard, headings)


def _heading_text(tag: Tag) -> str:
    """The text of a short, block-free element that reads like a teaser-list heading."""
    if tag.name not in _HEADING_LIKE:
        return ""
    if any(isinstance(c, Tag) and c.name in BLOCK_TAGS for c in tag.children):
        return ""
    text = squash(tag.get_text(" "))
    return text if text and is_recirculation_heading(text) else ""


def _is_furniture(tag: Tag, guard: _SoupGuard) -> bool:
    """True for nav/menu, hidden text, aside/footer/form, and named furniture or comments."""
    if tag.name in FURNITURE_TAGS:
        return True
    purpose = _purpose(tag)
    if purpose is Purpose.COMMENTS:
        return True
    droppable = (
        _is_hidden(tag)
        or purpose is Purpose.BOILERPLATE
        or (tag.name in WRAPPER_TAGS and tag.name != "header")
    )
    return droppable and guard.may_drop(tag)


@dataclass
class _SoupGuard:
    """Refuses to drop an element that holds most of the container's prose.

    Prose, not text: templates name the story's own wrapper "entry-content-read-more" or
    "article-share-wrapper", and a comment thread or a share bar full of labels inside the
    container must not make the story look small next to them.
    """

    soup: BeautifulSoup
    threshold: float = field(init=False)
    # Prose under every block element, from one walk (keyed by id: Tags hash by content).
    _prose: dict[int, float] = field(init=False)

    def __post_init__(self) -> None:
        collector = _Collector(prose={})
        collector.walk(self.soup, "body", 0)
        collector.flush("body")
        self._prose = collector.prose or {}
        self.threshold = PROTECTED_SHARE * self._prose.get(0, 0.0)

    def may_drop(self, tag: Tag) -> bool:
        """False for the article's own wrapper."""
        prose = self._prose.get(id(tag))
        if prose is None:  # an inline element: never a block owner, so walk it
            prose = prose_chars(tag)
        return not 0 < self.threshold <= prose


def prose_chars(tag: Tag) -> float:
    """Characters of sentence-like, link-poor paragraphs under ``tag`` (scoring's notion)."""
    return sum(_prose_weight(b) for b in soup_blocks(tag))


def _prose_weight(block: SoupBlock) -> float:
    """A block's characters if it reads like a paragraph of the story, else nothing."""
    if len(block.text) < SHORT_BLOCK or is_link_list(block) or not ends_sentence(block.text):
        return 0.0
    return len(block.text) * (1.0 - block.link_density)


def _is_hidden(tag: Tag) -> bool:
    """True when the tag's own attributes hide it (hidden, display:none, sr-only)."""
    classes = tag.get("class")
    joined = " ".join(classes) if isinstance(classes, list) else classes
    style, aria = tag.get("style"), tag.get("aria-hidden")
    return hidden_by(
        joined,
        style if isinstance(style, str) else None,
        tag.has_attr("hidden"),
        aria if isinstance(aria, str) else None,
    )


def _purpose(tag: Tag) -> Purpose:
    """What the tag's class, id, role and aria-label say it is."""
    values: list[str | None] = []
    for name in PURPOSE_ATTRIBUTES:
        value = tag.get(name)
        values.append(" ".join(value) if isinstance(value, list) else value)
    return purpose_of_names(tuple(values))


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
                if name in BLOCK_TAGS:
                    self.flush(owner)
                    self._open.append(id(child))
                    self.walk(child, name, link_depth)
                    self.flush(name)
                    self._open.pop()
                elif name == "br":
                    self.parts.append(LINE_BREAK)
                else:
                    self.walk(child, owner, link_depth + (name == "a"))
            elif isinstance(child, NavigableString) and type(child) is NavigableString:
                self.parts.append(str(child))
                if link_depth:
                    self.link_chars += len(child.strip())

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
        weight = _prose_weight(block)
        if not weight or self.prose is None:
            return
        for key in (0, *self._open):
            self.prose[key] = self.prose.get(key, 0.0) + weight


def _lines(text: str) -> str:
    """Text with each ``<br>`` marker turned into a newline, lines stripped."""
    return "\n".join(line.strip() for line in text.split(LINE_BREAK) if line.strip())
