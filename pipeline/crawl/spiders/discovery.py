"""Find article URLs in feeds and sitemaps: pure functions of a response body, easy to test.

Each entry carries what its announcement says about the article as ``hints`` (strings), which
``pipeline.documents`` uses when the page itself is silent: ``feed_published``, ``feed_updated``,
``feed_title``, ``feed_categories`` (comma-separated), ``feed_language`` (the channel's), and from
sitemaps ``sitemap_lastmod`` and the news extension's ``news_publication_date``, ``news_title``
and ``news_language`` (Google's ``news:`` namespace, the richest dates a news site publishes).
RSS, Atom and JSON Feed (version 1 and 1.1) are read.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import feedparser
import lxml.etree

# Raised here; defined with the rest of the tree (imported from here by the spider and tests).
from pipeline.exceptions import DecompressionLimitError, UnsafeXmlError

GZIP_MAGIC = b"\x1f\x8b"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """An article URL announced by a feed or sitemap, with what the announcement says about it."""

    url: str
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SitemapContent:
    is_index: bool
    entries: list[Entry]


def refuse_entity_declarations(body: bytes) -> None:
    """Refuse documents with ``<!ENTITY`` declarations before any XML parser sees them.

    Neither RSS, Atom nor sitemaps need entity declarations; they exist in the wild only as attacks
    (exponential expansion, external entities that read files or dial internal hosts). feedparser
    falls back to a lenient parser on malformed input, so a byte-level check is the one guarantee
    that holds for every parser path. UTF-16 bodies are checked in their decoded form too.
    """
    for needle in (b"<!ENTITY", "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be")):
        if needle in body or needle.lower() in body:
            raise UnsafeXmlError("XML entity declarations refused (billion laughs / XXE)")


def gunzip_capped(data: bytes, max_size: int) -> bytes:
    """Inflate gzip data, refusing to produce more than ``max_size`` bytes."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
        out = fh.read(max_size + 1)
    if len(out) > max_size:
        raise DecompressionLimitError(f"gzip body inflates past {max_size} bytes")
    return out


def feed_entries(body: bytes, *, max_items: int = 1000) -> list[Entry]:
    """Links of an RSS, Atom or JSON feed with their dates, titles and categories as hints."""
    refuse_entity_declarations(body)
    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return _json_feed_entries(body, max_items)
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"not a feed: {parsed.get('bozo_exception')!s}")
    channel_language = str(parsed.feed.get("language") or "").strip()
    entries: list[Entry] = []
    for item in parsed.entries[:max_items]:
        link = item.get("link")
        if not link:
            continue
        hints: dict[str, str] = {}
        for key, hint in (
            ("published", "feed_published"),
            ("updated", "feed_updated"),
            ("title", "feed_title"),
        ):
            value = dict.get(item, key)  # plain lookup: no deprecated updated->published fallback
            if value:
                hints[hint] = str(value)
        categories = [str(t.get("term") or "").strip() for t in item.get("tags") or []]
        if any(categories):
            hints["feed_categories"] = ", ".join(c for c in categories if c)
        if channel_language:
            hints["feed_language"] = channel_language
        entries.append(Entry(url=str(link), hints=hints))
    return entries


def _json_feed_entries(body: bytes, max_items: int) -> list[Entry]:
    """JSON Feed (jsonfeed.org): ``items[].url`` with ``date_published``, ``title``, ``tags``."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a feed: {exc}") from exc
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise ValueError("not a feed: JSON without a jsonfeed.org version")
    items = document.get("items")
    language = str(document.get("language") or "").strip()
    entries: list[Entry] = []
    for item in items if isinstance(items, list) else []:
        if len(entries) >= max_items:
            break
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link:
            continue
        hints = {
            hint: str(item[key])
            for key, hint in (
                ("date_published", "feed_published"),
                ("date_modified", "feed_updated"),
                ("title", "feed_title"),
            )
            if item.get(key)
        }
        tags = item.get("tags")
        if isinstance(tags, list) and tags:
            hints["feed_categories"] = ", ".join(str(t) for t in tags)
        if language:
            hints["feed_language"] = language
        entries.append(Entry(url=link, hints=hints))
    return entries


def sitemap_content(body: bytes, *, max_size: int, max_items: int = 50000) -> SitemapContent:
    """URLs of a sitemap or sitemap index, accepting gzip-compressed bodies."""
    if body[:2] == GZIP_MAGIC:
        body = gunzip_capped(body, max_size)
    refuse_entity_declarations(body)
    events = lxml.etree.iterparse(
        io.BytesIO(body),
        events=("start", "end"),
        recover=True,
        remove_comments=True,
        resolve_entities=False,
        remove_blank_text=True,
        collect_ids=False,
        remove_pis=True,
        no_network=True,
        huge_tree=False,
    )
    try:
        _, root = next(events)
    except (StopIteration, lxml.etree.XMLSyntaxError) as exc:
        raise ValueError(f"not a sitemap: {exc}") from exc
    entries: list[Entry] = []
    try:
        for element in _closed_elements(events, {"url", "sitemap"}):
            entry = _sitemap_entry(element)
            if entry is not None:
                entries.append(entry)
                if len(entries) >= max_items:
                    break
    except lxml.etree.XMLSyntaxError:
        pass  # recover=True: what was read before the damage is kept, as Scrapy's parser does
    return SitemapContent(is_index=_local(root) == "sitemapindex", entries=entries)


def _closed_elements(events: Any, names: set[str]) -> Iterator[Any]:
    """The ``<url>``/``<sitemap>`` elements as each closes; earlier ones freed (a big file)."""
    for event, element in events:
        if event != "end" or _local(element) not in names:
            continue
        yield element
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]


def _sitemap_entry(element: Any) -> Entry | None:
    """One ``<url>``: ``loc``, ``lastmod`` and the news extension's date, title and language."""
    loc = _child_text(element, "loc")
    if not loc:
        return None
    hints: dict[str, str] = {}
    lastmod = _child_text(element, "lastmod")
    if lastmod:
        hints["sitemap_lastmod"] = lastmod
    news = element.find(f"{{{NEWS_NS}}}news")
    if news is not None:
        for path, hint in (
            (f"{{{NEWS_NS}}}publication_date", "news_publication_date"),
            (f"{{{NEWS_NS}}}title", "news_title"),
            (f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language", "news_language"),
        ):
            found = news.find(path)
            text = (found.text or "").strip() if found is not None else ""
            if text:
                hints[hint] = text
    return Entry(url=loc, hints=hints)


def _child_text(element: Any, name: str) -> str:
    for child in element:
        if _local(child) == name:
            return str(child.text or "").strip()
    return ""


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.partition("}")[2] or tag
