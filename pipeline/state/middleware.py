"""Downloader middleware for incremental crawls: conditional GETs and feed/sitemap date skips.

For article requests only: section pages, feeds and sitemaps are always fetched in full, because
a 304 on them would hide the links to new articles. What it does per article URL:

* the URL was fetched before and a feed or sitemap announces a modification date that is not
  newer than what we stored: the request is dropped before it goes out (``UnchangedSinceLastSeen``,
  counted as ``incremental/unchanged_by_date``, not fetched, so not in the run's ledger);
* otherwise, when validators are stored, ``If-None-Match`` / ``If-Modified-Since`` are added; a
  304 reaches the spider's errback and the ledger records it as the skip ``fetch/not_modified``;
* every answer updates the URL's record, written to the store when the spider closes.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from pipeline.index.deadletter import read_dead_letters
from pipeline.ledger import STAT_PREFIX
from pipeline.state.urlstore import UrlRecord, UrlStore, url_store_path
from pipeline.urls import canonical_url

log = logging.getLogger(__name__)

# Hints (see pipeline.spiders.discovery) that say when an entry last changed; a feed's
# "published" does not, since revising an article keeps its publication date.
MODIFIED_HINTS = ("sitemap_lastmod", "feed_updated")
STAT_UNCHANGED_BY_DATE = "incremental/unchanged_by_date"
STAT_CONDITIONAL = "incremental/conditional_requests"
STAT_NOT_MODIFIED = "incremental/not_modified"


class UnchangedSinceLastSeen(IgnoreRequest):
    """A feed or sitemap says the article has not changed since we last fetched it."""


class IncrementalMiddleware:
    """Scrapy downloader middleware; needs ``NEWSARCHIVE_INCREMENTAL`` (default on)."""

    def __init__(self, crawler: Crawler, store_path: Path) -> None:
        self.crawler = crawler
        self.store_path = store_path
        self.store: UrlStore | None = None
        self.pending: dict[str, UrlRecord] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_INCREMENTAL", True):
            raise NotConfigured("incremental crawling disabled by NEWSARCHIVE_INCREMENTAL")
        path = settings.get("NEWSARCHIVE_URL_STORE") or url_store_path(
            settings.get("NEWSARCHIVE_DATA_DIR", "var")
        )
        mw = cls(crawler, Path(path))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        self.store = UrlStore(self.store_path)
        log.info("URL store %s: %d known URLs", self.store_path, self.store.count())

    def spider_closed(self, spider: Spider) -> None:
        if self.store is None:
            return
        # Documents Elasticsearch refused are not in the index: remembering their validators
        # would turn the next run's fetch into a 304 and the article would never be indexed.
        parked = self._parked_canonical_urls()
        keep = [r for r in self.pending.values() if r.canonical_url not in parked]
        written = self.store.put_many(keep)
        self.store.close()
        self.store = None
        log.info("URL store: %d records written", written)

    def _parked_canonical_urls(self) -> set[str]:
        path = self.crawler.stats.get_value(f"{STAT_PREFIX}/dead_letter_file")
        if not path or not Path(path).exists():
            return set()
        return {
            str(record.get("document", {}).get("canonical_url"))
            for record in read_dead_letters(Path(path))
        }

    def _known(self, url: str) -> UrlRecord | None:
        if url in self.pending:
            return self.pending[url]
        return self.store.get(url) if self.store is not None else None

    def process_request(self, request: Request) -> None:
        if request.meta.get("kind") != "article":
            return
        record = self._known(request.url)
        if record is None or record.content_hash is None:
            return
        stats = self.crawler.stats
        if unchanged_by_date(record, request.meta.get("hints") or {}):
            stats.inc_value(STAT_UNCHANGED_BY_DATE)
            raise UnchangedSinceLastSeen(f"unchanged since {record.last_seen:%Y-%m-%d %H:%M}")
        added = False
        if record.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = record.etag.encode("latin-1")
            added = True
        if record.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = record.last_modified.encode("latin-1")
            added = True
        if added:
            stats.inc_value(STAT_CONDITIONAL)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("kind") != "article":
            return response
        now = datetime.now(UTC)
        previous = self._known(response.url)
        if response.status == 304 and previous is not None:
            self.crawler.stats.inc_value(STAT_NOT_MODIFIED)
            self.pending[response.url] = UrlRecord(
                url=previous.url,
                canonical_url=previous.canonical_url,
                etag=previous.etag,
                last_modified=previous.last_modified,
                content_hash=previous.content_hash,
                last_seen=now,
                last_status=304,
            )
        elif response.status == 200:
            self.pending[response.url] = UrlRecord(
                url=response.url,
                canonical_url=canonical_url(response.url),
                etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"),
                content_hash=hashlib.sha256(response.body).hexdigest(),
                last_seen=now,
                last_status=200,
            )
        else:
            # An error answer: forget the validators, so the next run fetches the page in full.
            self.pending[response.url] = UrlRecord(
                url=response.url,
                canonical_url=canonical_url(response.url),
                etag=None,
                last_modified=None,
                content_hash=None,
                last_seen=now,
                last_status=response.status,
            )
        return response


def unchanged_by_date(record: UrlRecord, hints: dict[str, Any]) -> bool:
    """True when a modification date announced for the URL is not after what we stored.

    The stored reference is the server's own ``Last-Modified`` when it sent one (same clock as
    its sitemap), else the time of our last fetch. No usable hint means "cannot tell": fetch.
    """
    announced = None
    for key in MODIFIED_HINTS:
        announced = _parse_date(hints.get(key))
        if announced is not None:
            break
    if announced is None:
        return False
    reference = _parse_http_date(record.last_modified) or record.last_seen
    return announced <= reference


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dateparser.parse(value)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
