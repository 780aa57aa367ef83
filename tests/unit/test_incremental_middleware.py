"""The incremental-crawl downloader middleware with real Scrapy requests and responses.

No network: responses are built by hand, as a downloader would hand them over, and the crawler
is Scrapy's test crawler with real settings, stats and signals. The index stage's announcements
and the pipeline's skips are sent as the real signals, so the wiring is tested too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from scrapy import Request, Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from pipeline.crawl.ledger import Skip
from pipeline.crawl.runner import own_settings
from pipeline.crawl.state import UrlRecord, UrlStore, url_store_path
from pipeline.crawl.state.middleware import IncrementalMiddleware, UnchangedSinceLastSeen
from pipeline.crawl.state.signals import documents_settled

URL = "https://ledger.example/news/2026/04/30/story/"
HEADERS = {"ETag": '"v1"', "Last-Modified": "Thu, 30 Apr 2026 08:00:00 GMT"}


def middleware(tmp_path: Path, **settings: object) -> IncrementalMiddleware:
    crawler = get_crawler(Spider, own_settings({"NEWSARCHIVE_DATA_DIR": str(tmp_path), **settings}))
    mw = IncrementalMiddleware.from_crawler(crawler)
    mw.spider_opened(Spider("ledger"))
    return mw


def article(url: str = URL, **meta: object) -> Request:
    return Request(url, meta={"kind": "article", "hints": {}, **meta})


def page(request: Request, status: int = 200, body: bytes = b"<html>v1</html>") -> Response:
    headers = HEADERS if status == 200 else {}
    return HtmlResponse(request.url, status=status, body=body, headers=headers, request=request)


def settle(mw: IncrementalMiddleware, kept: list[str], parked: list[str] | None = None) -> None:
    """What the index stage announces after a bulk flush (crawl.pipelines.IndexPipeline)."""
    mw.crawler.signals.send_catch_log(signal=documents_settled, kept=kept, parked=parked or [])


def skip(mw: IncrementalMiddleware, url: str, reason: str = "extract/empty_body") -> None:
    """What Scrapy sends when an item pipeline stage drops a page with a ``Skip``."""
    mw.crawler.signals.send_catch_log(
        signal=signals.item_dropped,
        item=None,
        response=None,
        exception=Skip(reason, url),
        spider=Spider("ledger"),
    )


def stored(tmp_path: Path, url: str = URL) -> UrlRecord | None:
    """The record as another process (the next run) would read it now."""
    with UrlStore(url_store_path(tmp_path)) as store:
        return store.get(url)


def first_crawl(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_request(request)
    mw.process_response(request, page(request))
    settle(mw, kept=[URL])
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


def test_a_page_is_not_recorded_while_its_document_is_not_yet_kept(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request))
    assert stored(tmp_path) is None


def test_a_page_is_recorded_as_soon_as_its_document_is_kept_not_at_close(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request))
    settle(mw, kept=[URL])
    record = stored(tmp_path)  # the spider is still open: a SIGKILL now would keep this
    assert record is not None and record.etag == '"v1"' and record.content_hash is not None
    assert mw.crawler.stats.get_value("incremental/records_written") == 1


def test_only_the_announced_pages_are_recorded(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    other = URL + "other/"
    for url in (URL, other):
        request = article(url)
        mw.process_response(request, page(request))
    settle(mw, kept=[other, "https://ledger.example/never/fetched/"])
    assert stored(tmp_path, other) is not None
    assert stored(tmp_path, URL) is None


def test_a_page_the_pipeline_skipped_is_recorded_at_once(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request))
    skip(mw, URL, "validate/not_html")
    record = stored(tmp_path)
    assert record is not None and record.last_status == 200 and record.etag == '"v1"'


def test_a_skip_of_a_page_that_is_not_an_article_records_nothing(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    skip(mw, URL + "feed.xml", "fetch/bad_feed")
    assert stored(tmp_path, URL + "feed.xml") is None


def test_a_document_elasticsearch_refused_is_fetched_in_full_next_time(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request))
    settle(mw, kept=[], parked=[URL])
    mw.spider_closed(Spider("ledger"))
    assert stored(tmp_path) is None
    next_run = middleware(tmp_path)
    again = article()
    next_run.process_request(again)
    assert b"If-None-Match" not in again.headers


def test_a_refused_document_keeps_the_record_of_an_earlier_indexed_version(tmp_path: Path) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request, body=b"<html>v2</html>"))
    settle(mw, kept=[], parked=[URL])
    mw.spider_closed(Spider("ledger"))
    record = stored(tmp_path)
    # The index holds v1, matching these validators: the server's v2 answers 200 next time.
    assert record is not None and record.content_hash == first_record_hash()


def test_pages_without_an_outcome_at_close_are_not_recorded(tmp_path: Path) -> None:
    mw = middleware(tmp_path)  # e.g. indexing switched off: nobody announces the page
    request = article()
    mw.process_response(request, page(request))
    mw.spider_closed(Spider("ledger"))
    assert stored(tmp_path) is None
    assert mw.crawler.stats.get_value("incremental/records_unsettled") == 1


def test_a_304_keeps_the_validators_and_an_error_forgets_them_at_once(tmp_path: Path) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path)
    request = article()
    mw.process_response(request, page(request, status=304))
    gone = article(URL + "gone/")
    mw.process_response(gone, page(gone, status=410))
    refreshed, forgotten = stored(tmp_path), stored(tmp_path, URL + "gone/")
    assert refreshed is not None and refreshed.last_status == 304 and refreshed.etag == '"v1"'
    assert forgotten is not None and forgotten.etag is None and forgotten.last_status == 410


def first_record_hash() -> str:
    return hashlib.sha256(b"<html>v1</html>").hexdigest()


def test_it_can_be_switched_off(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, own_settings({"NEWSARCHIVE_INCREMENTAL": False}))
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(crawler)
