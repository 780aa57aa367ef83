"""What feeds and news sitemaps announce about an article reaches the stored document when the
page itself is silent: publication date, title, language, section, each in a fixed order of trust.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.crawl.spiders.discovery import feed_entries, sitemap_content
from pipeline.documents import build_article
from pipeline.extract import ExtractedPage
from pipeline.items import RawArticle

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://ledger.example/news/2024/03/14/ferry-inspections/</loc>
<lastmod>2024-03-15T10:00:00Z</lastmod>
<news:news><news:publication><news:name>The Ledger</news:name>
<news:language>pt</news:language></news:publication>
<news:publication_date>2024-03-14T09:00:00+00:00</news:publication_date>
<news:title>Ferry inspections find rust on three hulls</news:title></news:news></url>
<url><loc>https://ledger.example/news/2024/03/13/plain/</loc></url>
</urlset>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>
<language>en-gb</language>
<item><title>Harbor dues</title><link>https://ledger.example/opinion/2024/05/01/harbor-dues/</link>
<category>Opinion</category><category>Harbour</category>
<pubDate>Wed, 01 May 2024 08:30:00 +0000</pubDate></item></channel></rss>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "language": "de",
 "items": [{"id": "1", "url": "https://ledger.example/a/2024/one-long-slug",
            "title": "One", "date_published": "2024-06-01T12:00:00Z", "tags": ["Politik"]},
           {"id": "2", "content_text": "no url, skipped"}]}"""


def silent_page() -> ExtractedPage:
    return ExtractedPage(
        title="", body="Text of the article.", authors=[], published_at=None, updated_at=None
    )


def raw(hints: dict[str, str]) -> RawArticle:
    return RawArticle(
        url="https://ledger.example/news/2024/03/14/ferry-inspections/",
        source="ledger",
        body=b"",
        status=200,
        headers={},
        fetched_at=datetime(2024, 7, 1, tzinfo=UTC),
        discovered_via="sitemap",
        hints=hints,
    )


def test_news_sitemap_entries_carry_publication_date_title_and_language() -> None:
    entries = sitemap_content(NEWS_SITEMAP, max_size=1 << 20).entries
    assert entries[0].hints == {
        "sitemap_lastmod": "2024-03-15T10:00:00Z",
        "news_publication_date": "2024-03-14T09:00:00+00:00",
        "news_title": "Ferry inspections find rust on three hulls",
        "news_language": "pt",
    }
    assert entries[1].hints == {}


def test_feed_items_carry_categories_and_the_channel_language() -> None:
    [entry] = feed_entries(RSS)
    assert entry.hints["feed_categories"] == "Opinion, Harbour"
    assert entry.hints["feed_language"] == "en-gb"


def test_json_feed_items_become_entries_like_rss_items() -> None:
    [entry] = feed_entries(JSON_FEED)
    assert entry.url == "https://ledger.example/a/2024/one-long-slug"
    assert entry.hints == {
        "feed_published": "2024-06-01T12:00:00Z",
        "feed_title": "One",
        "feed_categories": "Politik",
        "feed_language": "de",
    }


def test_a_silent_page_takes_the_news_sitemap_date_before_lastmod_and_its_title_and_language() -> (
    None
):
    hints = sitemap_content(NEWS_SITEMAP, max_size=1 << 20).entries[0].hints
    article = build_article(raw(hints), silent_page())
    assert article.published_at == datetime(2024, 3, 14, 9, tzinfo=UTC)
    assert article.date_source["published"] == "news_sitemap"
    assert article.title == "Ferry inspections find rust on three hulls"
    assert article.language == "pt"


def test_the_feed_date_is_trusted_before_the_news_sitemap_and_categories_give_the_section() -> None:
    hints = {
        "feed_published": "2024-03-13T08:00:00Z",
        "news_publication_date": "2024-03-14T09:00:00Z",
        "feed_title": "Feed title",
        "feed_categories": "Harbour, Opinion",
        "feed_language": "en",
    }
    article = build_article(raw(hints), silent_page())
    assert article.date_source["published"] == "feed"
    assert article.published_at == datetime(2024, 3, 13, 8, tzinfo=UTC)
    assert (article.title, article.section, article.language) == ("Feed title", "Harbour", "en")


def test_what_the_page_states_wins_over_every_hint() -> None:
    page = ExtractedPage(
        title="Page title",
        body="Text.",
        authors=[],
        published_at=datetime(2024, 3, 1, tzinfo=UTC),
        updated_at=None,
        date_source={"published": "json-ld"},
        section="News",
        language="en",
    )
    hints = {"news_title": "T", "news_language": "pt", "news_publication_date": "2024-03-14"}
    article = build_article(raw({**hints, "feed_categories": "Other"}), page)
    assert (article.title, article.language, article.section) == ("Page title", "en", "News")
    assert article.date_source["published"] == "json-ld"
