"""Main-content selection: which part of a cleaned page is the article, and its paragraphs.

Two kinds of evidence are combined:

* Semantic markup: a source's ``body_selector``, ``itemprop="articleBody"``, ``<article>``,
  ``<main>``. Cheap and usually right, but templates also wrap teasers and comments in
  ``<article>``, and some put ``articleBody`` on a single paragraph.
* Text statistics: every text block gets a weight (long, punctuated, link-poor prose counts for
  its length; link lists and short fragments count against), the weight is added to every
  ancestor, and the element with the largest total is the densest region of prose. This is the
  classic "maximum subtree" idea behind body-text extractors, and it is what decides whenever
  the semantic hint is missing or clearly smaller than the prose found elsewhere.

The chosen region's blocks are then filtered one by one (link-heavy lines, furniture lines,
the repeated headline) and returned in document order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import lxml.etree
from lxml.html import HtmlElement

from pipeline.extract.blocks import Block, TextBlock, text_blocks
from pipeline.extract.clean import ARTICLE_BODY_ITEMPROPS
from pipeline.extract.junk import is_boilerplate_line, remove_boilerplate_lines
from pipeline.extract.repeats import headline_keys, is_credit_line, repeats_headline
from pipeline.extract.scoring import (
    MAX_LINK_DENSITY,
    SHORT_BLOCK,
    ends_sentence,
    is_link_list,
    subtree_scores,
)
from pipeline.extract.text import compact_key, squash

# A semantic candidate is used when it holds at least this share of the best prose region's
# weight; below it the markup points at a teaser or a fragment.
SEMANTIC_SHARE = 0.6
# Below this best-region score a page has no real prose (a list of results, a table), and
# the semantic container, if any, is a better guide than text statistics.
MIN_PROSE_SCORE = 300
# An itemprop="articleBody" holding less than this share of the best region's weight is a
# fragment (a summary, the lede) rather than the body.
DECLARED_SHARE = 0.1
_ARTICLE_BODY_RANK = 3
# Elements that hold one paragraph (or part of one), never a whole article body. Table cells
# are not among them: old table layouts put the whole story into one <td>.
_PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "span",
        "a",
        "b",
        "i",
        "em",
        "strong",
        "font",
    }
)
# Blocks that are items of a list or rows of a table: short, unpunctuated, and still text.
_STRUCTURED_TAGS = frozenset({"li", "tr", "dt", "dd"})
# Teaser cards: a headline that is (almost) all link, then a blurb; both short. A run of at
# least MIN_TEASERS such cards is a list of other stories.
TEASER_TITLE_LINKS = 0.8
TEASER_MAX_CHARS = 300
MIN_TEASERS = 3
# The JSON-LD articleBody replaces the DOM text when the DOM yields less than this share of it
# (pages that render their text with JavaScript ship only a teaser in the HTML).
JSONLD_SHARE = 0.5

# Candidates for the semantic hints below, narrowed in Python: a union of four paths walks
# the tree four times, and comparing attribute values in XPath converts them to strings.
_SEMANTIC_XPATH = lxml.etree.XPath(
    "descendant::*[@itemprop or @role or self::article or self::main]"
)


@dataclass(frozen=True, slots=True)
class ContentOptions:
    """What content selection needs from the caller: per-source hints and known texts."""

    body_selector: str | None = None
    junk_patterns: tuple[re.Pattern[str], ...] = ()
    title: str = ""
    jsonld_body: str = ""
    headlines: tuple[str, ...] = ()  # the page's other headline statements (og:title, h1...)
    credits: tuple[str, ...] = ()  # the page's credited authors and agency
    sites: frozenset[str] = frozenset()  # compact keys of the site's own names


# Turns the chosen article container(s) into paragraphs; the default reads the lxml blocks,
# the hybrid cleaner (``soup.py``) re-parses the container with BeautifulSoup.
Collector = Callable[[list[HtmlElement], ContentOptions], list[str]]


def select_paragraphs(
    body: HtmlElement, options: ContentOptions, collect: Collector | None = None
) -> list[str]:
    """The article's paragraphs, in order, from a cleaned ``<body>``."""
    blocks = text_blocks(body)
    regions = choose_regions(body, blocks, options.body_selector)
    if collect is not None:
        return _prefer_jsonld(collect(regions, options), options)
    chosen = [b for b in blocks if any(_inside(b.element, r) for r in regions)]
    paragraphs = filter_blocks(chosen, options)
    return _prefer_jsonld(paragraphs, options)


def choose_regions(
    body: HtmlElement, blocks: Sequence[Block], body_selector: str | None
) -> list[HtmlElement]:
    """The elements that hold the article: configured ones, a semantic one, or the best."""
    if body_selector:
        configured: list[HtmlElement] = body.cssselect(body_selector)
        if configured:
            return configured
    scores = subtree_scores(blocks)
    if not scores:
        return []
    best = max(scores, key=scores.__getitem__)
    parent = best.getparent()
    while best.tag in _PARAGRAPH_TAGS and parent is not None:
        best, parent = parent, parent.getparent()  # a body holds paragraphs, it is not one
    semantic = semantic_candidates(body)
    semantic.sort(key=lambda e: (_semantic_rank(e), scores.get(e, 0.0)), reverse=True)
    declared = [e for e in semantic if _semantic_rank(e) == _ARTICLE_BODY_RANK]
    if scores[best] < MIN_PROSE_SCORE and semantic:
        # No prose to speak of (lists, tables, a short text in a dense script): trust the
        # markup -- all of the parts the page declares as its body, else the best hint.
        return _outermost_elements(declared) or semantic[:1]
    declared_score = sum(scores.get(e, 0.0) for e in declared)
    if declared_score >= max(MIN_PROSE_SCORE, DECLARED_SHARE * scores[best]):
        # The page names its article body (in parts, on live blogs): trust it, because
        # comments or teasers around it may hold more prose than the article itself.
        return declared
    for hinted in semantic:
        if scores.get(hinted, 0.0) >= SEMANTIC_SHARE * scores[best]:
            return [hinted]
    return [best]


def semantic_candidates(body: HtmlElement) -> list[HtmlElement]:
    """Descendants marked as the article: itemprop=articleBody, <article>, <main>,
    role=main; in document order."""
    found: list[HtmlElement] = _SEMANTIC_XPATH(body)
    return [
        e
        for e in found
        if e.tag in ("article", "main")
        or e.get("itemprop") in ARTICLE_BODY_ITEMPROPS
        or e.get("role") == "main"
    ]


def filter_blocks(blocks: Sequence[TextBlock], options: ContentOptions) -> list[str]:
    """Texts of the blocks that are article paragraphs, furniture lines removed."""
    title_key = compact_key(options.title)
    headlines = headline_keys((options.title, *options.headlines))
    teasers = teaser_summaries(blocks)
    kept: list[tuple[str, TextBlock]] = []
    for index, block in enumerate(blocks):
        if is_link_list(block) or index in teasers:
            continue
        text = remove_boilerplate_lines(block.text, options.junk_patterns)
        if not text:
            continue
        key = compact_key(text)
        if not key or (title_key and key == title_key):
            continue
        if repeats_headline(text, headlines, (options.title, *options.headlines)):
            continue  # the headline block (kicker and h1) printed inside the container
        if is_credit_line(text, options.credits, options.sites):
            continue  # the byline printed inside the container: read as metadata already
        if block.tag == "h1" and not any(not b.is_heading for _, b in kept):
            continue  # a second headline above the first paragraph: the page title area
        kept.append((text, block))
    return [text for text, _ in _trim_edges(kept)]


def teaser_summaries(blocks: Sequence[TextBlock]) -> set[int]:
    """Indices of teaser blurbs: a run of cards, each a linked headline then a short text.

    Lists of other stories survive cleaning when their container has no telling name. A
    card may carry more links and a stamp between headline and blurb (a section label, the
    author's link, "8 hours ago"). One link followed by a paragraph is common inside
    articles ("READ: <link>"), so only an unbroken run of at least MIN_TEASERS cards counts
    as a teaser list.
    """
    found: set[int] = set()
    run: list[int] = []
    index = 0
    while index < len(blocks) - 1:
        blurb = _card_blurb(blocks, index)
        if blurb is not None:
            run.append(blurb)
            index = blurb + 1
            continue
        if run and (_is_stamp(blocks[index]) or _is_card_link(blocks[index])):
            index += 1  # a label or stamp between cards belongs to them: the run goes on
            continue
        if len(run) >= MIN_TEASERS:
            found.update(run)
        run = []
        index += 1
    if len(run) >= MIN_TEASERS:
        found.update(run)
    return found


# At most this many links and stamps between a card's headline and its blurb.
_CARD_EXTRAS = 3


def _card_blurb(blocks: Sequence[TextBlock], start: int) -> int | None:
    """The index of the blurb of a card whose headline is ``blocks[start]``, or None."""
    if not _is_card_link(blocks[start]):
        return None
    for index in range(start + 1, min(len(blocks), start + 2 + _CARD_EXTRAS)):
        block = blocks[index]
        if _is_card_link(block) or _is_stamp(block):
            continue
        return index if _is_teaser_card(blocks[start], block) else None
    return None


def _is_card_link(block: TextBlock) -> bool:
    """A short, (almost) all-link line: a card's headline, label or author link."""
    return block.link_density >= TEASER_TITLE_LINKS and len(block.text) <= TEASER_MAX_CHARS


def _is_stamp(block: TextBlock) -> bool:
    """A short line that is nothing but a date or time stamp (a teaser card's footer)."""
    return len(block.text) <= SHORT_BLOCK and is_boilerplate_line(block.text)


def _is_teaser_card(title: TextBlock, blurb: TextBlock) -> bool:
    """A short, (almost) all-link headline followed by a short non-link text."""
    return (
        title.link_density >= TEASER_TITLE_LINKS
        and len(title.text) <= TEASER_MAX_CHARS
        and not blurb.is_heading
        and blurb.link_density <= MAX_LINK_DENSITY
        and len(blurb.text) <= TEASER_MAX_CHARS
    )


def _trim_edges(kept: list[tuple[str, TextBlock]]) -> list[tuple[str, TextBlock]]:
    """Drop labels before the first paragraph (kickers, credits), headings and labels at
    the end."""
    start = 0
    while start < len(kept) and _is_label(kept[start][0], kept[start][1]):
        start += 1
    end = len(kept)
    while end > start and (kept[end - 1][1].is_heading or _is_label(*kept[end - 1])):
        # A trailing heading introduces something that cleaning removed; trailing labels
        # ("Liveblog", "Thema", "Analyse") are what is left of teaser cards after the story.
        end -= 1
    return kept[start:end]


def _is_label(text: str, block: TextBlock) -> bool:
    """A short line without sentence punctuation that is not a heading: "Politics", "Live".

    List items and table rows are not labels: bulleted key points above the first paragraph
    and a results table are part of the article.
    """
    return (
        not block.is_heading
        and block.tag not in _STRUCTURED_TAGS
        and len(text) < SHORT_BLOCK
        and not ends_sentence(text)
    )


def _prefer_jsonld(paragraphs: list[str], options: ContentOptions) -> list[str]:
    """Fall back to the JSON-LD articleBody when the DOM holds much less text than it."""
    if not options.jsonld_body:
        return paragraphs
    lines = [squash(line) for line in options.jsonld_body.splitlines()]
    fallback = [remove_boilerplate_lines(line, options.junk_patterns) for line in lines]
    fallback = [line for line in fallback if line]
    dom_chars = sum(len(p) for p in paragraphs)
    if dom_chars < JSONLD_SHARE * sum(len(p) for p in fallback):
        return fallback
    return paragraphs


def _semantic_rank(element: HtmlElement) -> int:
    """articleBody beats <article>, which beats <main>: narrower markup, surer meaning."""
    if (element.get("itemprop") or "").lower() == "articlebody":
        return _ARTICLE_BODY_RANK
    return 2 if element.tag == "article" else 1


def _outermost_elements(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The elements not inside another of them, in document order."""
    chosen = set(elements)
    outer = [e for e in elements if not any(a in chosen for a in e.iterancestors())]
    order = {e: i for i, e in enumerate(outer[0].getroottree().iter())} if outer else {}
    return sorted(outer, key=lambda e: order.get(e, 0))


def _inside(element: HtmlElement, region: HtmlElement) -> bool:
    """True when ``element`` is ``region`` or one of its descendants."""
    if element is region:
        return True
    return any(ancestor is region for ancestor in element.iterancestors())
