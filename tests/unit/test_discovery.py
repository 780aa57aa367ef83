"""Feeds and sitemaps (plain, gzip, indexes) yield article URLs with their dates as hints;
HTML pages yield the links Scrapy's LinkExtractor would find."""

import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.test import get_crawler

from pipeline.crawl.runner import own_settings
from pipeline.crawl.spiders.discovery import (
    feed_entries,
    gunzip_capped,
    sitemap_content,
)
from pipeline.crawl.spiders.links import LinkResolver
from pipeline.crawl.spiders.source_spider import SourceSpider, spider_class_for
from pipeline.exceptions import DecompressionLimitError
from pipeline.local.fixture_site import catalog, render
from pipeline.sources import load_sources

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


# -- links of a crawled page: the spider's resolver finds what Scrapy's LinkExtractor finds ---

EDGE_CASES = """<html><head><base href="https://ledger.example/news/2024/">
<link rel="canonical" href="https://ledger.example/news/2024/03/14/ferry/">
<link rel="alternate" type="application/rss+xml" href="/feeds/news.xml"></head><body>
<a href="03/14/ferry/">relative to the base</a> <a href="  /opinion/  ">padded</a>
<a href="/opinion/">repeated</a> <a href="//cdn.ledger.example/x.pdf">protocol-relative</a>
<a href="https://other.example/a?utm_source=x&id=3#top">another site</a>
<a href="http://[bad">bogus</a> <a href="mailto:desk@ledger.example">mail</a>
<a href="javascript:void(0)">script</a> <a href="ftp://ledger.example/f">ftp</a>
<a href="/s?q=caf\u00e9 cr\u00e8me">non-ASCII query</a> <a>no href</a> <area href="/map/">
<a href="../../about/">up two</a> <a href="?page=2">query only</a> <a href="#comments">x</a>
<!-- <a href="/commented-out/">x</a> --><a href="HTTP://LEDGER.EXAMPLE/Caps/">caps</a>
</body></html>"""

XHTML = """<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>
<a href="/one/">one</a><link href="two/"/></body></html>"""


def scrapy_links(response: TextResponse) -> list[str]:
    """What the spider used to follow: Scrapy's extractor with the spider's old options."""
    extractor = LinkExtractor(tags=("a", "link"), attrs=("href",), unique=True, deny_extensions=())
    return [link.url for link in extractor.extract_links(response)]


def fixture_pages() -> list[HtmlResponse]:
    base = "https://fixture.example"
    pages = [HtmlResponse(f"{base}/", body=render.home_page(base), encoding="utf-8")]
    for article in catalog.ARTICLES[:12]:
        url = f"{base}{article.path}"
        pages.append(HtmlResponse(url, body=render.article_page(article, base), encoding="utf-8"))
    pages.append(
        HtmlResponse(f"{base}/news/", body=render.section_page("news", 1, base), encoding="utf-8")
    )
    return pages


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
def test_links_of_an_edge_case_page_are_those_scrapy_extracts(encoding: str) -> None:
    page = HtmlResponse("https://ledger.example/news/", body=EDGE_CASES, encoding=encoding)
    assert list(LinkResolver().links(page)) == scrapy_links(page)


def test_links_of_an_xhtml_page_are_those_scrapy_extracts() -> None:
    page = XmlResponse("https://ledger.example/x/", body=XHTML.encode(), encoding="utf-8")
    assert (
        list(LinkResolver().links(page))
        == scrapy_links(page)
        == [
            "https://ledger.example/one/",
            "https://ledger.example/x/two/",
        ]
    )


def test_links_of_the_fixture_site_are_those_scrapy_extracts_with_a_warm_memo() -> None:
    resolver = LinkResolver()  # one per crawl: its memo carries over from page to page
    for page in fixture_pages() * 2:
        assert list(resolver.links(page)) == scrapy_links(page), page.url


LEDGER_SOURCE = """sources:
  - name: ledger
    start_urls: ["https://ledger.example/news/"]
    article_patterns: ['^https://ledger\\.example/news/\\d{4}/']
    follow_patterns: ['^https://ledger\\.example/[a-z]+/$']
"""


def ledger_spider(tmp_path: Path) -> SourceSpider:
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(LEDGER_SOURCE)
    [source] = load_sources(sources_file, env={})
    spider_cls = spider_class_for(source)
    crawler = get_crawler(spider_cls, settings_dict=own_settings({"DEPTH_LIMIT": 2}))
    return spider_cls.from_crawler(crawler)


def page_at_depth(depth: int) -> HtmlResponse:
    request = Request("https://ledger.example/news/", meta={"depth": depth})
    return HtmlResponse(request.url, body=EDGE_CASES, encoding="utf-8", request=request)


def test_a_page_below_the_depth_limit_is_followed_to_its_articles_and_sections(
    tmp_path: Path,
) -> None:
    spider = ledger_spider(tmp_path)
    followed = {r.url: r.meta["kind"] for r in spider._follow_links(page_at_depth(1))}
    assert followed == {
        "https://ledger.example/news/2024/03/14/ferry/": "article",
        "https://ledger.example/opinion/": "page",
        "https://ledger.example/news/2024/?page=2": "article",
        "https://ledger.example/news/2024/": "article",  # from "#comments": fragment dropped
        "https://ledger.example/about/": "page",
    }


def test_a_page_at_the_depth_limit_is_not_read_for_links(tmp_path: Path) -> None:
    assert list(ledger_spider(tmp_path)._follow_links(page_at_depth(2))) == []


def child_sitemap_response(url: str, body: bytes, request: Request) -> XmlResponse:
    return XmlResponse(url, body=body, request=request)


def test_an_index_s_child_sitemaps_are_read_one_at_a_time_behind_queued_articles(
    tmp_path: Path,
) -> None:
    """Memory: the queue holds about one child sitemap's articles, not the whole site's."""
    spider = ledger_spider(tmp_path)
    children = [f"https://ledger.example/sitemaps/{n}.xml" for n in ("a", "b", "c")]
    index_body = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + b"".join(f"<sitemap><loc>{url}</loc></sitemap>".encode() for url in children)
        + b"</sitemapindex>"
    )
    index_url = "https://ledger.example/sitemap.xml"
    [first] = list(spider.parse_sitemap(XmlResponse(index_url, body=index_body)))
    assert isinstance(first, Request) and first.url == children[0]

    produced = list(spider.parse_sitemap(child_sitemap_response(first.url, URLSET, first)))
    [article] = [r for r in produced if r.meta.get("kind") == "article"]
    [second] = [r for r in produced if r.meta.get("kind") == "sitemap"]
    assert second.url == children[1]
    assert second.priority < article.priority  # read once the queued articles have gone out

    assert first.meta["depth_reset"] and second.meta["depth_reset"]  # DEPTH_LIMIT never ends it

    broken = list(spider.parse_sitemap(child_sitemap_response(second.url, b"<html>", second)))
    assert [r.url for r in broken if isinstance(r, Request)] == [children[2]]  # chain goes on
