"""The incremental-crawl downloader middleware with real Scrapy requests and responses.

No network: responses are built by hand, as a downloader would hand them over, and the crawler
is Scrapy's test crawler with real settings and stats.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from pipeline.state import UrlStore, url_store_path
from pipeline.state.middleware import IncrementalMiddleware, UnchangedSinceLastSeen

URL = "https://ledger.example/news/2026/04/30/story/"
HEADERS = {"ETag": '"v1"', "Last-Modified": "Thu, 30 Apr 2026 08:00:00 GMT"}


def middleware(tmp_path: Path, **settings: object) -> IncrementalMiddleware:
    crawler = get_crawler(Spider, {"NEWSARCHIVE_DATA_DIR": str(tmp_path), **settings})
    mw = IncrementalMiddleware.from_crawler(crawler)
    mw.spider_opened(Spider("ledger"))
    return mw


def article(url: str = URL, **meta: object) -> Request:
    return Request(url, meta={"kind": "article", "hints": {}, **meta})


def page(request: Request, status: int = 200, body: bytes = b"<html>v1</html>") -> Response:
    headers = HEADERS if status == 200 else {}
    return HtmlResponse(request.url, status=status, body=body, headers=headers, request=request)


def first_crawl(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_request(request)
    mw.process_response(request, page(request))
    mw.spider_closed(Spider("ledger"))


def test_the_second_crawl_sends_the_stored_validators(tmp_path: Path) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path)
    request = article()
    mw.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == HEADERS["Last-Modified"].encode()


def test_section_pages_and_feeds_are_never_conditional(tmp_path: Path) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path)
    request = Request(URL, meta={"kind": "page"})
    mw.process_request(request)
    assert b"If-None-Match" not in request.headers


def test_an_entry_whose_sitemap_date_is_not_newer_is_not_requested(tmp_path: Path) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path)
    with pytest.raises(UnchangedSinceLastSeen):
        mw.process_request(article(hints={"sitemap_lastmod": "2026-04-30T08:00:00Z"}))
    newer = article(hints={"sitemap_lastmod": "2026-05-02T09:00:00Z"})
    mw.process_request(newer)
    assert b"If-None-Match" in newer.headers
    assert mw.crawler.stats.get_value("incremental/unchanged_by_date") == 1


def test_a_304_keeps_the_validators_and_an_error_forgets_them(tmp_path: Path) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request, status=304))
    gone = article(URL + "gone/")
    mw.process_response(gone, page(gone, status=404))
    mw.spider_closed(Spider("ledger"))
    with UrlStore(url_store_path(tmp_path)) as store:
        kept = store.get(URL)
        assert kept is not None and kept.etag == '"v1"' and kept.last_status == 304
        forgotten = store.get(URL + "gone/")
        assert forgotten is not None and forgotten.etag is None and forgotten.last_status == 404


def test_nothing_is_stored_before_the_spider_closes(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request))
    with UrlStore(url_store_path(tmp_path)) as store:
        assert store.get(URL) is None


def test_a_document_elasticsearch_refused_is_fetched_in_full_next_time(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request))
    dead = tmp_path / "dead-letter.jsonl"
    dead.write_text(json.dumps({"id": "x", "document": {"canonical_url": URL}}) + "\n")
    mw.crawler.stats.set_value("newsarchive/dead_letter_file", str(dead))
    mw.spider_closed(Spider("ledger"))
    with UrlStore(url_store_path(tmp_path)) as store:
        assert store.get(URL) is None


def test_it_can_be_switched_off(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, {"NEWSARCHIVE_INCREMENTAL": False})
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(crawler)
