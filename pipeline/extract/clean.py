"""Remove everything from a page tree that cannot be article text.

Cleaning runs before main-content selection so that the scorer never sees navigation, share
bars, related-article lists, cookie banners or comment threads: many of those look like prose
(teasers, comments) and would otherwise pull the selection away from the article.

Each step is a small function of (tree, options). Every removal by markup name goes through a
:class:`Guard` that refuses to delete the article itself: templates do put names like
"live-alert-ad" or "off-canvas" on the wrapper of the whole story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.etree
from lxml.html import HtmlElement

from pipeline.extract.blocks import Block, text_blocks
from pipeline.extract.junk import is_recirculation_heading
from pipeline.extract.purpose import PURPOSE_ATTRIBUTES, Purpose, is_certain, purpose_of_names
from pipeline.extract.scoring import subtree_scores
from pipeline.extract.text import squash

# Elements that never hold readable article text (code, media, widgets, form controls).
NON_TEXT_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "svg",
    "math",
    "canvas",
    "object",
    "embed",
    "video",
    "audio",
    "picture",
    "map",
    "button",
    "select",
    "textarea",
    "input",
    "option",
    "dialog",
    "figure",
    "figcaption",
    "head",
)
# HTML5 elements that hold page furniture rather than the story; the first kind never wraps
# the story, the second sometimes does (an ASP.NET page is one big <form>, and some templates
# put the whole article into an <aside>).
FURNITURE_TAGS = ("nav", "menu")
WRAPPER_TAGS = ("header", "footer", "aside", "form")

# Inline styles that hide an element, including the "visually hidden" clip technique used
# for screen-reader-only text such as ", opens new tab".
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|clip\s*:\s*rect\(\s*0"
    r"|clip-path\s*:\s*inset\(\s*50%",
    re.IGNORECASE,
)
_HIDDEN_CLASSES = frozenset(
    {
        "hidden",
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "screenreader-only",
        "offscreen",
        "d-none",
    }
)
# Elements with an itemprop, whatever its value: libxml2 tests an attribute's presence
# cheaply, but comparing its value in XPath turns it into a string first, on every element.
_ITEMPROP_XPATH = lxml.etree.XPath("descendant::*[@itemprop]")
ARTICLE_BODY_ITEMPROPS = ("articleBody", "articlebody")
# An element holding at least this share of the page's prose is the story (or its wrapper)
# whatever its name says.
_PROTECTED_SHARE = 0.5
# An <h1> this long is a headline, not a logo, so its <header> is the story's header.
_MIN_HEADLINE = 25
# Short block elements that templates use as section headings instead of <h2>..<h6>.
_HEADING_LIKE = frozenset({"div", "p", "span", "header", "dt", "li"})


class Guard:
    """Decides whether an element may be removed without losing the article body."""

    def __init__(self, body: HtmlElement, anchors: Iterable[HtmlElement]) -> None:
        self._keep: set[HtmlElement] = set()
        for anchor in anchors:
            self._keep.add(anchor)
            self._keep.update(anchor.iterancestors())
        self.blocks = text_blocks(body)
        self._prose = subtree_scores(self.blocks, prose_only=True)
        self._threshold = _PROTECTED_SHARE * self._prose.get(body, 0.0)

    def may_drop(self, element: HtmlElement, *, certain: bool = False) -> bool:
        """False for the article's wrappers and (unless ``certain``) for most of the prose."""
        if element in self._keep or element.getparent() is None:
            return False
        return certain or not 0 < self._threshold <= self._prose.get(element, 0.0)


# How a cleaning step takes an element out of the tree (its tail text stays in place).
Drop = Callable[[HtmlElement], None]


def drop_tree(element: HtmlElement) -> None:
    """Remove the element for good (lxml's ``drop_tree``)."""
    element.drop_tree()


@dataclass(slots=True)
class Removals:
    """Removes elements like ``drop_tree`` and can put every one of them back.

    The hybrid cleaner needs the chosen container as it was before cleaning. Copying the
    whole page up front, and pairing every element with its copy, cost more than all the
    cleaning; logging the few hundred removals and undoing them in reverse order restores
    the same tree for a fraction of that.
    """

    # (element, parent, position, previous sibling, that sibling's tail or parent's text)
    _log: list[tuple[HtmlElement, HtmlElement, int, HtmlElement | None, str | None]] = field(
        default_factory=list
    )

    def drop(self, element: HtmlElement) -> None:
        """Remove the element, keeping its tail text where it was, and log how to undo it."""
        parent = element.getparent()
        if parent is None:
            return
        previous = element.getprevious()
        before = parent.text if previous is None else previous.tail
        self._log.append((element, parent, parent.index(element), previous, before))
        element.drop_tree()

    def undo(self) -> None:
        """Put every removed element back, newest first, with the texts it had around it."""
        for element, parent, position, previous, before in reversed(self._log):
            if previous is None:
                parent.text = before
            else:
                previous.tail = before
            parent.insert(position, element)
        self._log.clear()


@dataclass(frozen=True, slots=True)
class CleanedPage:
    """The cleaned ``<body>``, and the text blocks the page showed before furniture removal
    (date stamps and bylines live in headers that cleaning removes)."""

    body: HtmlElement
    page_blocks: list[Block]


def clean_tree(
    root: HtmlElement,
    body_selector: str | None = None,
    drop_selectors: tuple[str, ...] = (),
    removals: Removals | None = None,
) -> CleanedPage:
    """Strip non-text elements, hidden and furniture blocks from the tree, in place.

    With ``removals``, every furniture element removed is logged there so that the caller
    can restore the tree (code, media and comments stay removed).
    """
    drop_non_text(root)
    body = root.find("body")
    if body is None:
        body = root
    guard = Guard(body, article_anchors(body, body_selector))
    found = survey(body)
    drop = removals.drop if removals is not None else drop_tree
    drop_hidden(found, guard, drop)
    drop_selected(body, drop_selectors, drop)
    drop_layout(body, guard, drop)
    drop_named_furniture(found, guard, drop)
    drop_recirculation_sections(guard, drop)
    return CleanedPage(body, guard.blocks)


def article_anchors(body: HtmlElement, body_selector: str | None) -> list[HtmlElement]:
    """Elements known to hold the story: the per-source selector's, or itemprop=articleBody."""
    if body_selector:
        found: list[HtmlElement] = body.cssselect(body_selector)
        if found:
            return found
    return article_body_anchors(body)


def article_body_anchors(element: HtmlElement) -> list[HtmlElement]:
    """The descendants marked itemprop="articleBody", in document order."""
    found: list[HtmlElement] = _ITEMPROP_XPATH(element)
    return [e for e in found if e.get("itemprop") in ARTICLE_BODY_ITEMPROPS]


def drop_non_text(root: HtmlElement) -> None:
    """Remove code, media and form controls, and HTML comments, keeping the text after them."""
    # One walk for both kinds (removing an element or a comment keeps the text after it).
    lxml.etree.strip_elements(
        root,
        *NON_TEXT_TAGS,
        lxml.etree.Comment,
        lxml.etree.ProcessingInstruction,
        with_tail=False,
    )


@dataclass(frozen=True, slots=True)
class Survey:
    """Elements whose own attributes hide them or name them as furniture, in document order."""

    hidden: list[HtmlElement]
    named: list[tuple[HtmlElement, Purpose]]


def survey(body: HtmlElement) -> Survey:
    """Read every element's attributes once (one Python pass beats many XPath predicates)."""
    hidden: list[HtmlElement] = []
    named: list[tuple[HtmlElement, Purpose]] = []
    for element in body.iter():
        # One copy beats ten lookups in libxml2, and items() builds it in C (the attrib
        # mapping goes through Python's mapping protocol key by key).
        items = element.items()
        if not items:
            continue
        attributes = dict(items)
        get = attributes.get
        classes = get("class")
        if hidden_by(classes, get("style"), "hidden" in attributes, get("aria-hidden")):
            hidden.append(element)
        purpose = purpose_of_names(tuple(map(get, PURPOSE_ATTRIBUTES)))
        if purpose is not Purpose.CONTENT:
            named.append((element, purpose))
    return Survey(hidden, named)


def drop_hidden(found: Survey, guard: Guard, drop: Drop = drop_tree) -> None:
    """Remove elements a reader never sees: hidden attribute, display:none, sr-only text."""
    for element in reversed(found.hidden):
        if guard.may_drop(element):
            drop(element)


def is_hidden(element: HtmlElement) -> bool:
    """True when the element's own attributes hide it from sighted readers."""
    get = element.get
    return hidden_by(get("class"), get("style"), get("hidden") is not None, get("aria-hidden"))


def hidden_by(
    classes: str | None, style: str | None, hidden: bool, aria_hidden: str | None
) -> bool:
    """True when these attribute values hide an element: hidden, display:none, sr-only."""
    if hidden or aria_hidden == "true":
        return True
    if style and _HIDDEN_STYLE.search(style):
        return True
    return classes is not None and _hiding_classes(classes)


@lru_cache(maxsize=8192)
def _hiding_classes(classes: str) -> bool:
    """True when a class list names a hiding class; memoised, as templates repeat them."""
    return not _HIDDEN_CLASSES.isdisjoint(classes.lower().split())


def drop_selected(body: HtmlElement, selectors: tuple[str, ...], drop: Drop = drop_tree) -> None:
    """Remove what a source's configuration names as junk; no guard, the config is trusted."""
    for selector in selectors:
        for element in reversed(body.cssselect(selector)):
            if element.getparent() is not None:
                drop(element)


def drop_layout(body: HtmlElement, guard: Guard, drop: Drop = drop_tree) -> None:
    """Remove navigation, header, footer, aside and form blocks.

    The ``<header>`` of an ``<article>`` stays: besides headline and byline (which later steps
    recognise) it holds the standfirst, which readers and annotators count as article text.
    """
    for element in reversed(list(body.iter(*FURNITURE_TAGS, *WRAPPER_TAGS))):
        if element.tag == "header" and _is_article_header(element):
            continue
        if guard.may_drop(element, certain=element.tag in FURNITURE_TAGS):
            drop(element)


def _is_article_header(element: HtmlElement) -> bool:
    """True for the header of the story: inside an ``<article>``, or holding a headline."""
    if any(ancestor.tag == "article" for ancestor in element.iterancestors()):
        return True
    return any(len(squash(h1.text_content())) >= _MIN_HEADLINE for h1 in element.iter("h1"))


def drop_recirculation_sections(guard: Guard, drop: Drop = drop_tree) -> None:
    """Remove sections headed "More from ...", "Related", "Most read", "Comments" and so on.

    The section is the nearest ancestor that holds more than the heading and starts with it;
    when that is the article's own wrapper, only the heading goes.
    """
    for block in guard.blocks:
        if not (block.is_heading or block.tag in _HEADING_LIKE) or not (
            is_recirculation_heading(block.text)
        ):
            continue
        heading = block.element
        section = _headed_section(heading, block.text)
        if section is not None and guard.may_drop(section):
            drop(section)
        elif guard.may_drop(heading):
            drop(heading)


def _headed_section(heading: HtmlElement, heading_text: str) -> HtmlElement | None:
    """The nearest ancestor with more text than ``heading`` whose text starts with it."""
    own = len(heading_text)
    for ancestor in heading.iterancestors():
        text = squash(ancestor.text_content())
        if len(text) > own + 1:
            return ancestor if text.startswith(heading_text[:own]) else None
    return None


def drop_named_furniture(found: Survey, guard: Guard, drop: Drop = drop_tree) -> None:
    """Remove elements whose class/id/role/aria-label name page furniture or comments."""
    for element, purpose in reversed(found.named):
        if guard.may_drop(element, certain=is_certain(purpose)):
            drop(element)
