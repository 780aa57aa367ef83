"""Bounds on what one page may cost the extractor: size, nesting depth, element count, time.

Hostile or broken pages (100,000 nested ``<div>``, a 15 MB text node, a megabyte of unclosed
tags) make libxml2 drop content silently past depth 2048, make recursive tree code overflow the
stack, or make scoring run for minutes. ``extract()`` checks the bytes before decoding, the
tree right after parsing, and its time budget between stages, and reports a page past a bound
as ``ExtractionError`` with reason ``too_large``, ``too_deep`` or ``timeout`` (the crawl records
``extract/<reason>`` and goes on).

The time budget is cooperative -- a ``Deadline`` checked between stages, no signals or
threads -- so it works in any thread or worker process; the size and depth bounds are what keep
each single stage short.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from pipeline.exceptions import ExtractionError

TOO_LARGE = "too_large"
TOO_DEEP = "too_deep"
TIMEOUT = "timeout"


@dataclass(frozen=True)
class ExtractLimits:
    """Per-page bounds; defaults sit far above real articles and far below what hurts."""

    # Bytes (or characters) of the whole document; the crawl's download cap is 10 MiB.
    max_document: int = 12 * 1024 * 1024
    # Characters of one text node: articles are paragraphs, not megabyte strings.
    max_text_node: int = 2_000_000
    # Element nesting; real pages stay below about 60, libxml2 itself stops at 2048.
    max_depth: int = 512
    # Elements in the tree; big real pages have a few thousand.
    max_elements: int = 60_000
    # Seconds for the whole extraction, checked between stages.
    time_limit: float = 20.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ExtractLimits:
        """Defaults, overridden by ``NEWSARCHIVE_EXTRACT_{MAX_DOCUMENT,MAX_TEXT_NODE,MAX_DEPTH,
        MAX_ELEMENTS,TIME_LIMIT}``."""
        e = os.environ if env is None else env
        default = cls()

        def number(name: str, fallback: float) -> float:
            raw = e.get(f"NEWSARCHIVE_EXTRACT_{name}")
            return float(raw) if raw else fallback

        return cls(
            max_document=int(number("MAX_DOCUMENT", default.max_document)),
            max_text_node=int(number("MAX_TEXT_NODE", default.max_text_node)),
            max_depth=int(number("MAX_DEPTH", default.max_depth)),
            max_elements=int(number("MAX_ELEMENTS", default.max_elements)),
            time_limit=number("TIME_LIMIT", default.time_limit),
        )


def check_size(document: bytes | str, limits: ExtractLimits) -> None:
    """Refuse a document larger than ``max_document`` before decoding or parsing it."""
    if len(document) > limits.max_document:
        raise ExtractionError(
            TOO_LARGE, f"document of {len(document)} > {limits.max_document} bytes/characters"
        )


def check_tree(root: HtmlElement, limits: ExtractLimits) -> None:
    """Refuse a parsed tree that nests too deep, has too many elements or a huge text node.

    Three XPath counts in libxml2 show that a tree is within bounds (they are exact for
    elements and depth, and the text of the whole document bounds every text node); only a
    tree past one of them is walked in Python, which names the first bound crossed in
    document order. The walk alone cost as much per page as parsing it.
    """
    if _within_bounds(root, limits):
        return
    _walk_tree(root, limits)


_COUNT_ELEMENTS = etree.XPath("count(descendant-or-self::*)")
_DOCUMENT_TEXT_LENGTH = etree.XPath("string-length(/)")


@lru_cache(maxsize=4)
def _deeper_than(depth: int) -> etree.XPath:
    """True when an element lies more than ``depth`` levels down (the root is level 1)."""
    return etree.XPath("boolean(self::*" + "/*" * depth + ")")


def _within_bounds(root: HtmlElement, limits: ExtractLimits) -> bool:
    """True when the tree is surely within the element, depth and text-node bounds."""
    return (
        _COUNT_ELEMENTS(root) <= limits.max_elements
        and not _deeper_than(limits.max_depth)(root)
        and _DOCUMENT_TEXT_LENGTH(root) <= limits.max_text_node
    )


def _walk_tree(root: HtmlElement, limits: ExtractLimits) -> None:
    """One iterative walk (no recursion, so depth cannot overflow the stack), stopping at the
    first bound crossed."""
    depth = elements = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        elements += 1
        if depth > limits.max_depth:
            raise ExtractionError(TOO_DEEP, f"elements nested deeper than {limits.max_depth}")
        if elements > limits.max_elements:
            raise ExtractionError(TOO_LARGE, f"more than {limits.max_elements} elements")
        for text in (element.text, element.tail):
            if text is not None and len(text) > limits.max_text_node:
                raise ExtractionError(
                    TOO_LARGE, f"a text node of {len(text)} > {limits.max_text_node} characters"
                )


class Deadline:
    """A time budget checked at stage boundaries (no signals: safe in threads and workers)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()

    def check(self, stage: str) -> None:
        """Raise ExtractionError("timeout") when the budget is spent by the end of ``stage``."""
        spent = time.monotonic() - self.started
        if spent > self.seconds:
            raise ExtractionError(
                TIMEOUT, f"{spent:.1f} s > {self.seconds:g} s, stopped after {stage}"
            )
