"""Feeds and sitemaps (plain, gzip, indexes) yield article URLs with their dates as hints."""

import gzip

import pytest

from pipeline.spiders.discovery import (
    DecompressionLimitError,
    feed_entries,
    gunzip_capped,
    sitemap_content,
)

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Ledger Opinion</title>
<item><title>Harbor dues are a tax by another name</title>
<link>https://ledger.example/opinion/2024/05/01/harbor-dues/</link>
<pubDate>Wed, 01 May 2024 08:30:00 +0000</pubDate></item>
<item><title>No link here</title></item>
</channel></rss>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://ledger.example/news/2024/03/14/ferry-inspections/</loc>
<lastmod>2024-03-14T09:00:00Z</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://ledger.example/sitemaps/opinion.xml.gz</loc></sitemap>
</sitemapindex>"""


def test_feed_items_become_entries_with_publication_hints() -> None:
    entries = feed_entries(RSS)
    assert [e.url for e in entries] == ["https://ledger.example/opinion/2024/05/01/harbor-dues/"]
    assert entries[0].hints["feed_title"] == "Harbor dues are a tax by another name"
    assert "2024" in entries[0].hints["feed_published"]


def test_a_page_that_is_not_a_feed_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a feed"):
        feed_entries(b"<html><body><p>Hello</p></body></html><<<")


def test_sitemap_urls_carry_lastmod() -> None:
    content = sitemap_content(URLSET, max_size=1 << 20)
    assert not content.is_index
    assert content.entries[0].hints == {"sitemap_lastmod": "2024-03-14T09:00:00Z"}


def test_gzip_sitemap_index_is_recognised() -> None:
    content = sitemap_content(gzip.compress(INDEX), max_size=1 << 20)
    assert content.is_index
    assert content.entries[0].url.endswith("opinion.xml.gz")


def test_gzip_bombs_are_refused_at_the_cap() -> None:
    with pytest.raises(DecompressionLimitError):
        gunzip_capped(gzip.compress(b"0" * 100_000), max_size=10_000)
