"""An article page's links are worked out where the page is parsed (the extraction worker),
judged exactly as the spider judges the links of the pages it reads itself; the spider never
parses an article page, and sources with a sitemap do not follow article links by default."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from pipeline.crawl.outlinks import PageLinks, page_outlinks
from pipeline.crawl.spiders.links import LinkResolver
from pipeline.crawl.spiders.source_spider import SourceSpider, spider_class_for
from pipeline.exceptions import ConfigError
from pipeline.extract import ExtractOptions
from pipeline.extract.pool import ExtractPool
from pipeline.items import RawArticle
from pipeline.local.fixture_site import catalog, render
from pipeline.sources import Source, load_sources

BASE = "https://fixture.example"
FIXTURE_SOURCE = f"""sources:
  - name: fixture
    start_urls: ["{BASE}/"]
    sitemaps: ["{BASE}/sitemap.xml"]
    follow_article_links: true
    article_patterns:
      - '^https?://[^/]+/(?:opinion|news|world)/\\d{{4}}/\\d{{2}}/\\d{{2}}/[^/?#]+/(?:amp/)?$'
    follow_patterns: ['/(?:opinion|news|world)/(?:\\?page=\\d+)?$']
"""


def fixture_source(tmp_path: Path, text: str = FIXTURE_SOURCE) -> Source:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    [source] = load_sources(path, env={})
    return source


def spider_for(source: Source, depth_limit: int = 4) -> SourceSpider:
    spider_cls = spider_class_for(source)
    return spider_cls.from_crawler(get_crawler(spider_cls, {"DEPTH_LIMIT": depth_limit}))


def article_pages() -> list[tuple[str, bytes]]:
    return [
        (f"{BASE}{a.path}", render.article_page(a, BASE).encode()) for a in catalog.ARTICLES[:12]
    ]


def test_the_worker_finds_the_links_the_spider_would_follow(tmp_path: Path) -> None:
    source = fixture_source(tmp_path)
    spider = spider_for(source)
    worker_side = PageLinks(source)  # one per source in a worker: its memos carry over
    for url, body in article_pages() * 2:
        response = HtmlResponse(url, body=body, encoding="utf-8")
        spider_side = spider._rules.to_fetch(LinkResolver().links(response))
        assert page_outlinks(worker_side, body, url, "utf-8") == spider_side, url
        assert any(kind == "article" for _, kind in spider_side)  # related stories, AMP


def test_links_are_only_the_source_s_articles_and_pages_once_each(tmp_path: Path) -> None:
    source = fixture_source(tmp_path)
    url, body = article_pages()[0]
    links = page_outlinks(PageLinks(source), body, url, None)
    assert len({u for u, _ in links}) == len(links)
    assert all(source.allows(u) and kind in {"article", "page"} for u, kind in links)
    assert all(source.is_article(u) for u, kind in links if kind == "article")


def test_a_page_that_is_not_html_links_nowhere(tmp_path: Path) -> None:
    source = fixture_source(tmp_path)
    assert page_outlinks(PageLinks(source), b"%PDF-1.4 ...", f"{BASE}/a.pdf", None) == []


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractPool]:
    workers = ExtractPool(workers=1, in_flight=2)
    yield workers
    workers.close()


def test_a_worker_returns_the_page_s_links_with_its_extraction(
    pool: ExtractPool, tmp_path: Path
) -> None:
    source = fixture_source(tmp_path)
    url, body = article_pages()[0]
    extracted, failure, links = asyncio.run(pool.process(body, url, ExtractOptions(), source))
    assert failure is None and extracted is not None and extracted.page.body
    assert links == page_outlinks(PageLinks(source), body, url, None)


def test_a_worker_asked_for_no_links_returns_none(pool: ExtractPool) -> None:
    url, body = article_pages()[0]
    assert asyncio.run(pool.process(body, url, ExtractOptions()))[2] == []


def test_a_page_the_extractor_rejects_still_gives_its_links(
    pool: ExtractPool, tmp_path: Path
) -> None:
    source = fixture_source(tmp_path)
    body = f'<html><body><a href="{BASE}/news/">News</a></body></html>'.encode()
    extracted, failure, links = asyncio.run(
        pool.process(body, f"{BASE}/news/2024/01/01/x/", ExtractOptions(), source)
    )
    assert extracted is None and failure is not None and failure[0] == "empty_body"
    assert links == [(f"{BASE}/news/", "page")]


def article_response(depth: int) -> HtmlResponse:
    url, body = article_pages()[0]
    request = Request(url, meta={"depth": depth, "kind": "article"})
    return HtmlResponse(url, body=body, encoding="utf-8", request=request)


def test_the_spider_hands_over_an_article_without_reading_its_links(tmp_path: Path) -> None:
    spider = spider_for(fixture_source(tmp_path), depth_limit=2)
    [item] = list(spider.parse_article(article_response(depth=1)))  # no requests of its own
    assert isinstance(item, RawArticle)
    assert item.follow_links and item.depth == 1


def test_an_article_at_the_depth_limit_is_not_followed(tmp_path: Path) -> None:
    spider = spider_for(fixture_source(tmp_path), depth_limit=2)
    [item] = list(spider.parse_article(article_response(depth=2)))
    assert isinstance(item, RawArticle) and not item.follow_links


def test_requests_for_a_worker_s_links_are_one_level_deeper(tmp_path: Path) -> None:
    spider = spider_for(fixture_source(tmp_path))
    requests = spider.follow_outlinks(
        [(f"{BASE}/news/2024/01/01/x/", "article"), (f"{BASE}/news/", "page")], depth=1
    )
    assert [(r.url, r.meta["kind"], r.meta["depth"]) for r in requests] == [
        (f"{BASE}/news/2024/01/01/x/", "article", 2),
        (f"{BASE}/news/", "page", 2),
    ]
    assert requests[0].callback == spider.parse_article
    assert requests[1].callback == spider.parse_page


WITHOUT_OPTION = """sources:
  - name: with-sitemap
    sitemaps: ["https://a.example/sitemap.xml"]
  - name: feed-only
    feeds: ["https://b.example/rss.xml"]
  - name: start-pages
    start_urls: ["https://c.example/news/"]
  - name: sitemap-but-following
    sitemaps: ["https://d.example/sitemap.xml"]
    follow_article_links: true
  - name: feed-not-following
    feeds: ["https://e.example/rss.xml"]
    follow_article_links: false
"""


def test_article_links_are_followed_by_default_only_without_a_sitemap(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(WITHOUT_OPTION)
    follows = {s.name: s.follows_article_links for s in load_sources(path, env={})}
    assert follows == {
        "with-sitemap": False,
        "feed-only": True,
        "start-pages": True,
        "sitemap-but-following": True,
        "feed-not-following": False,
    }


def test_follow_article_links_must_be_true_or_false(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        'sources:\n  - name: x\n    feeds: ["https://x.example/rss"]\n'
        "    follow_article_links: sometimes\n"
    )
    with pytest.raises(ConfigError, match="follow_article_links"):
        load_sources(path, env={})
