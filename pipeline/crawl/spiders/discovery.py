"""Find article URLs in feeds and sitemaps: pure functions of a response body, easy to test."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field

import feedparser
from scrapy.utils.sitemap import Sitemap

# Raised here; defined with the rest of the tree (imported from here by the spider and tests).
from pipeline.exceptions import DecompressionLimitError, UnsafeXmlError

GZIP_MAGIC = b"\x1f\x8b"


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
    """Links of an RSS or Atom feed with their dates and titles as hints."""
    refuse_entity_declarations(body)
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"not a feed: {parsed.get('bozo_exception')!s}")
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
        entries.append(Entry(url=str(link), hints=hints))
    return entries


def sitemap_content(body: bytes, *, max_size: int, max_items: int = 50000) -> SitemapContent:
    """URLs of a sitemap or sitemap index, accepting gzip-compressed bodies."""
    if body[:2] == GZIP_MAGIC:
        body = gunzip_capped(body, max_size)
    refuse_entity_declarations(body)
    sitemap = Sitemap(body)
    entries: list[Entry] = []
    for item in sitemap:
        loc = item.get("loc")
        if not loc:
            continue
        hints = {"sitemap_lastmod": item["lastmod"]} if item.get("lastmod") else {}
        entries.append(Entry(url=str(loc), hints=hints))
        if len(entries) >= max_items:
            break
    return SitemapContent(is_index=sitemap.type == "sitemapindex", entries=entries)
