"""Feeds and sitemaps that declare entities are refused unread; the parsers would not expand them.

Two layers: ``refuse_entity_declarations`` rejects the bytes before any parser runs, and the
libraries underneath (feedparser on expat, Scrapy's lxml Sitemap with ``resolve_entities=False``)
are pinned here as not expanding entities either, in case a document slips past the first layer.
"""

from __future__ import annotations

import gzip
import time

import feedparser
import pytest
from scrapy.utils.sitemap import Sitemap

from pipeline.crawl.spiders.discovery import (
    feed_entries,
    refuse_entity_declarations,
    sitemap_content,
)
from pipeline.exceptions import DecompressionLimitError, UnsafeXmlError

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
"""
FEED = LAUGHS + (
    b"<rss version='2.0'><channel><title>&lol8;</title><item><title>&xxe;</title>"
    b"<link>https://ledger.example/a/&lol8;</link></item></channel></rss>"
)
SITEMAP = LAUGHS + (
    b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
    b"<url><loc>https://ledger.example/a/&lol8;&xxe;</loc></url></urlset>"
)


def test_a_feed_declaring_entities_is_refused_before_parsing() -> None:
    with pytest.raises(UnsafeXmlError) as refused:
        feed_entries(FEED)
    assert refused.value.reason == "unsafe_xml"


def test_a_sitemap_declaring_entities_is_refused_gzipped_or_not() -> None:
    for body in (SITEMAP, gzip.compress(SITEMAP)):
        with pytest.raises(UnsafeXmlError):
            sitemap_content(body, max_size=1024 * 1024)


def test_utf16_documents_are_checked_in_their_own_encoding() -> None:
    with pytest.raises(UnsafeXmlError):
        refuse_entity_declarations(FEED.decode().encode("utf-16"))


def test_feeds_without_entity_declarations_pass() -> None:
    refuse_entity_declarations(
        b"<rss version='2.0'><channel><title>A &amp; B</title></channel></rss>"
    )


def test_feedparser_itself_neither_expands_nor_reads_files() -> None:
    started = time.monotonic()
    parsed = feedparser.parse(FEED)
    assert time.monotonic() - started < 2
    text = str(parsed.feed.get("title", "")) + "".join(
        str(e.get("title", "")) for e in parsed.entries
    )
    assert "lollol" not in text and "root:" not in text


def test_scrapys_sitemap_parser_itself_neither_expands_nor_reads_files() -> None:
    locs = [str(u.get("loc", "")) for u in Sitemap(SITEMAP)]
    assert all("lollol" not in loc and "root:" not in loc for loc in locs)


def test_a_gzip_sitemap_bomb_stops_at_the_cap_with_its_reason() -> None:
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    with pytest.raises(DecompressionLimitError) as refused:
        sitemap_content(bomb, max_size=1024 * 1024)
    assert refused.value.reason == "too_large"
