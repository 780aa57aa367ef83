"""Build the BeautifulSoup tree of the article container straight from lxml elements.

The container is already an lxml tree, so serialising it and having libxml2 parse it again
for BeautifulSoup's ``lxml`` builder would do the HTML parsing twice. Instead a small
``TreeBuilder`` walks the lxml elements and feeds BeautifulSoup the same start-tag, text and
end-tag events a parser would (BeautifulSoup's documented extension point for other parsers),
so the soup holds the same tags and strings as a parse of the container's markup.

While it walks, the builder leaves out what the container's markup marks as furniture
(``prune.py``): such elements never become BeautifulSoup objects, which is where the time of
the hybrid cleaner went. It also notes which tags the guard protects, so that the soup's own
text-based cleaning can respect the story's wrapper without measuring the prose again.

A source with CSS drop selectors gets the whole container instead, attributes included, with
the furniture tags listed for removal after its selectors ran: a selector such as
``p:first-child`` must see the container as the page has it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import lxml.etree
from bs4 import BeautifulSoup, Tag
from bs4.builder import HTMLTreeBuilder
from lxml.html import HtmlElement

from pipeline.extract.prune import ContainerGuard, is_furniture

_NO_ATTRIBUTES: dict[str, str] = {}


@dataclass(slots=True)
class ContainerSoup:
    """The soup of the container, with the guard's verdicts carried over to its tags."""

    soup: BeautifulSoup
    threshold: float  # prose an element must hold to be the story's wrapper
    protected: set[int] = field(default_factory=set)  # ids of the wrapper tags
    furniture: list[Tag] = field(default_factory=list)  # built for selectors, to be removed


def container_soup(regions: Sequence[HtmlElement], *, for_selectors: bool) -> ContainerSoup:
    """The BeautifulSoup tree of the container elements, markup furniture left out.

    Without CSS selectors to run (``for_selectors``), neither attributes nor furniture are
    needed in the soup: every decision that reads them has been made in lxml, and copying
    them is a good part of what a BeautifulSoup tag costs.
    """
    builder = _ElementBuilder(regions, ContainerGuard(regions), for_selectors=for_selectors)
    soup = BeautifulSoup(builder=builder)
    return ContainerSoup(soup, builder.guard.threshold, builder.protected, builder.furniture)


class _ElementBuilder(HTMLTreeBuilder):
    """A TreeBuilder whose input is lxml elements rather than markup.

    Class lists stay strings (no multi-valued attributes): nothing downstream needs them
    split, and CSS selectors match either form.
    """

    NAME = "newsarchive-lxml-elements"

    def __init__(
        self, regions: Sequence[HtmlElement], guard: ContainerGuard, *, for_selectors: bool
    ) -> None:
        super().__init__(multi_valued_attributes={})
        self.regions = regions
        self.guard = guard
        self.for_selectors = for_selectors
        self.protected: set[int] = set()
        self.furniture: list[Tag] = []

    def prepare_markup(
        self,
        markup: object,
        user_specified_encoding: object = None,
        document_declared_encoding: object = None,
        exclude_encodings: object = None,
    ) -> Iterator[tuple[str, None, None, bool]]:
        """There is no markup to decode: the elements are the input."""
        yield ("", None, None, False)

    def feed(self, markup: object) -> None:
        """Emit the regions inside ``<html><body>``, as a parser does for a fragment."""
        soup = self.soup
        assert soup is not None  # set by BeautifulSoup before it calls feed()
        for name in ("html", "body"):
            soup.handle_starttag(name, None, None, {})
        for region in self.regions:
            self._emit(soup, region)
        for name in ("body", "html"):
            soup.handle_endtag(name)

    def _emit(self, soup: BeautifulSoup, region: HtmlElement) -> None:
        """Start tag, text, children, end tag and tail of every element that is kept.

        Top-down, like a reader of the page: what is inside furniture is never judged.
        """
        walker = lxml.etree.iterwalk(region, events=("start", "end"))
        skipped: HtmlElement | None = None  # furniture left out
        building: HtmlElement | None = None  # furniture built for the selectors
        guard, protected, keep = self.guard, self.protected, self.for_selectors
        for event, element in walker:
            tag = element.tag
            if event == "start":
                if not isinstance(tag, str):  # an entity or other non-element node
                    continue
                furniture = building is None and is_furniture(element, guard)
                if furniture and not keep:
                    skipped = element
                    walker.skip_subtree()
                    continue
                attributes = dict(element.attrib) if keep else _NO_ATTRIBUTES
                made = soup.handle_starttag(tag, None, None, attributes)
                if made is not None and furniture:
                    building = element
                    self.furniture.append(made)
                elif made is not None and guard.protects(element):
                    protected.add(id(made))
                if element.text:
                    soup.handle_data(element.text)
                continue
            if element is skipped:
                # A removed tag leaves its neighbours' texts as separate strings, as it did
                # when BeautifulSoup removed it: only its tail follows.
                soup.endData()
                skipped = None
            elif isinstance(tag, str):
                soup.handle_endtag(tag)
                if element is building:
                    building = None
            if element is not region and element.tail:
                soup.handle_data(element.tail)
