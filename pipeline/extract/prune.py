"""Verdicts on the article container's markup, made on the lxml tree before BeautifulSoup.

Inside the container lxml chose, about four elements in ten are furniture that their tag and
attributes alone give away: share bars, ad slots, hidden text, comment threads, navigation.
Building BeautifulSoup objects for them only to throw them away was most of the hybrid
cleaner's cost, so those verdicts are made here, on the lxml tree, and the elements judged
never become BeautifulSoup objects (``souptree.py`` leaves them out while it builds the
soup). What stays with BeautifulSoup is what depends on the text a reader sees: a source's
drop selectors, "Related ..." sections and the paragraphs themselves (``soup.py``).

The verdicts are the ones the soup pass used to make on its own tree, with the same guard:
an element holding at least half the container's prose is the story (or its wrapper),
whatever its name says, and only certain furniture may remove it.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml.html import HtmlElement

from pipeline.extract.blocks import BLOCK_TAGS, text_blocks
from pipeline.extract.clean import FURNITURE_TAGS, WRAPPER_TAGS, hidden_by
from pipeline.extract.purpose import PURPOSE_ATTRIBUTES, Purpose, is_certain, purpose_of_names
from pipeline.extract.scoring import prose_weight

# An element holding at least this share of the container's prose is the article itself (or
# its wrapper), whatever its class name says: only certain furniture may remove it.
PROTECTED_SHARE = 0.5
# Layout wrappers that may hold the story; the container's own <header> (headline, byline,
# standfirst) is never dropped for its tag alone.
_DROPPABLE_WRAPPERS = frozenset(WRAPPER_TAGS) - {"header"}
_FURNITURE = frozenset(FURNITURE_TAGS)


class ContainerGuard:
    """Refuses to drop an element that holds most of the container's prose.

    Prose, not text: templates name the story's own wrapper "entry-content-read-more" or
    "article-share-wrapper", and a share bar full of labels inside the container must not make
    the story look small next to them. Prose per block element comes from one pass over the
    container's text blocks; an inline element (rarely judged) is measured when asked.
    """

    def __init__(self, regions: Sequence[HtmlElement]) -> None:
        self._prose: dict[HtmlElement, float] = {}
        total = 0.0
        for region in regions:
            owners: dict[HtmlElement, float] = {}
            for block in text_blocks(region):
                weight = prose_weight(block)
                if weight:
                    owners[block.element] = owners.get(block.element, 0.0) + weight
            for owner, weight in owners.items():
                total += weight
                self._credit(owner, region, weight)
        self.threshold = PROTECTED_SHARE * total

    def _credit(self, owner: HtmlElement, region: HtmlElement, weight: float) -> None:
        """Add a block's prose to its owner and each block ancestor up to the region."""
        element: HtmlElement | None = owner
        while element is not None:
            if element.tag in BLOCK_TAGS:
                self._prose[element] = self._prose.get(element, 0.0) + weight
            if element is region:
                return
            element = element.getparent()

    def protects(self, element: HtmlElement) -> bool:
        """True for a block element that holds at least the protected share of the prose."""
        return 0 < self.threshold <= self._prose.get(element, 0.0)

    def may_drop(self, element: HtmlElement) -> bool:
        """False for the article's own wrapper."""
        if element.tag in BLOCK_TAGS:
            return not self.protects(element)
        prose = sum(prose_weight(block) for block in text_blocks(element))
        return not 0 < self.threshold <= prose


def is_furniture(element: HtmlElement, guard: ContainerGuard) -> bool:
    """True for nav/menu, comment threads, and (unless guarded) hidden or furniture-named
    elements and layout wrappers (footer, aside, form)."""
    tag = element.tag
    if tag in _FURNITURE:
        return True
    attributes = dict(element.items())  # one copy, built in C, beats ten lookups in libxml2
    if not attributes:
        return tag in _DROPPABLE_WRAPPERS and guard.may_drop(element)
    get = attributes.get
    purpose = purpose_of_names(tuple(map(get, PURPOSE_ATTRIBUTES)))
    if is_certain(purpose):
        return True
    droppable = (
        purpose is Purpose.BOILERPLATE
        or tag in _DROPPABLE_WRAPPERS
        or hidden_by(get("class"), get("style"), "hidden" in attributes, get("aria-hidden"))
    )
    return droppable and guard.may_drop(element)
