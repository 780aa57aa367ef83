"""How much a text block, and a subtree of blocks, looks like article prose.

Article paragraphs are long, end in sentence punctuation and contain few links; menus, teaser
lists, labels and captions are short, unpunctuated or mostly link text. A block's weight is
its length when it reads as prose and negative when it reads as furniture, and an element's
score is the sum of the weights of all blocks below it. The element with the highest score is
the densest region of prose: the classic "maximum subtree" idea of body-text extractors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml.html import HtmlElement

from pipeline.extract.blocks import Block, TextBlock

# A block shorter than this is a label, a byline or a caption more often than a paragraph.
SHORT_BLOCK = 40
# Above this share of link text a block is navigation or a teaser, not prose.
MAX_LINK_DENSITY = 0.5
# A punctuated block at least this long is prose even with up to MAX_LINK_DENSITY_LONG links.
LONG_BLOCK = 200
MAX_LINK_DENSITY_LONG = 0.8
# Weight factors for blocks that are probably, but not surely, furniture.
_SHORT_PENALTY = 0.3
_UNPUNCTUATED_FACTOR = 0.3
_LIST_TAGS = frozenset({"li", "dd", "dt", "td", "th"})
# Latin and CJK sentence ends (。！？ and the closing quotes and brackets that follow them):
# without the latter a Japanese paragraph scores as an unpunctuated label.
_SENTENCE_END = re.compile(r"[.!?…:;\"”’»)。！？」』）]\s*$|[.!?]\s|[。！？]")


def block_weight(block: Block) -> float:
    """How strongly a block says "article text here": positive for prose, negative for junk."""
    length = len(block.text)
    if is_link_list(block):
        return -float(length)
    if block.is_heading:
        return 0.0
    if length < SHORT_BLOCK:
        # Short list items and cells are list content (names, results); other short blocks
        # are usually labels, bylines or captions.
        return 0.0 if block.tag in _LIST_TAGS else -_SHORT_PENALTY * length
    prose = length * (1.0 - block.link_density)
    return prose if ends_sentence(block.text) else _UNPUNCTUATED_FACTOR * prose


def is_link_list(block: TextBlock) -> bool:
    """True for navigation and teaser lines: mostly link text.

    A long, punctuated paragraph may link many of its words (titles of books, sources) and is
    still prose, so it is allowed a higher share of link text than a short line.
    """
    if block.link_density <= MAX_LINK_DENSITY:
        return False
    if len(block.text) >= LONG_BLOCK and ends_sentence(block.text):
        return block.link_density > MAX_LINK_DENSITY_LONG
    return True


def prose_weight(block: TextBlock) -> float:
    """A block's characters if it reads like a paragraph of a story, else nothing.

    Stricter than ``block_weight``: the guards that protect "most of the prose" count only
    long, punctuated, link-poor text, so labels and teasers cannot make a wrapper look big.
    """
    length = len(block.text)
    if length < SHORT_BLOCK or is_link_list(block) or not ends_sentence(block.text):
        return 0.0
    return length * (1.0 - block.link_density)


def ends_sentence(text: str) -> bool:
    """True when the text contains or ends with sentence punctuation."""
    return _SENTENCE_END.search(text) is not None


def subtree_scores(
    blocks: Sequence[Block], *, prose_only: bool = False
) -> dict[HtmlElement, float]:
    """Sum of block weights per element over its subtree (only positive ones if prose_only)."""
    owner_weights: dict[HtmlElement, float] = {}
    for block in blocks:
        weight = block_weight(block)
        if prose_only and weight <= 0:
            continue
        owner_weights[block.element] = owner_weights.get(block.element, 0.0) + weight
    scores: dict[HtmlElement, float] = {}
    for owner, weight in owner_weights.items():
        scores[owner] = scores.get(owner, 0.0) + weight
        for ancestor in owner.iterancestors():
            scores[ancestor] = scores.get(ancestor, 0.0) + weight
    return scores
