"""Downloader middleware for incremental crawls: conditional GETs and feed/sitemap date skips.

For article requests only: section pages, feeds and sitemaps are always fetched in full, because
a 304 on them would hide the links to new articles. What it does per article URL:

* the URL was fetched before and a feed or sitemap announces a modification date that is not
  newer than what we stored: the request is dropped before it goes out (``UnchangedSinceLastSeen``,
  counted as ``incremental/unchanged_by_date``, not fetched, so not in the run's ledger);
* otherwise, when validators are stored, ``If-None-Match`` / ``If-Modified-Since`` are added; a
  304 reaches the spider's errback and the ledger records it as the skip ``fetch/not_modified``;
* every answer updates the URL's record in the store *while the crawl runs*, so that a crawl
  killed outright (SIGKILL, OOM killer, power cut) resumes without downloading again what it had
  finished. When depends on what the record would make the next run do:

  - a 200 stores validators, which turn the next fetch into a 304: written only once the page's
    fate is final -- its document acknowledged by Elasticsearch or written to the spool
    (``documents_settled``), or the page skipped by the item pipeline (``item_dropped``). A
    document Elasticsearch refused (dead-letter file) is never recorded, nor is a page whose
    outcome never came back before the spider closed: the next run fetches them in full;
  - a 304 only refreshes a record that is already stored, and an error answer forgets the
    validators: neither can hide an unindexed page, so both are written at once.

"Refetch" in this sense is a full (200) download of a page that an earlier run had finished; a
conditional GET answered 304 is not one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from pipeline.crawl.ledger import Skip
from pipeline.crawl.state.revisit import STAT_DUE, RevisitPolicy, policy_from
from pipeline.crawl.state.signals import documents_settled
from pipeline.crawl.state.urlstore import UrlRecord, UrlStore, url_store_path
from pipeline.urls import canonical_url

log = logging.getLogger(__name__)

# Hints (see pipeline.crawl.spiders.discovery) that say when an entry last changed; a feed's
# "published" does not, since revising an article keeps its publication date.
MODIFIED_HINTS = ("sitemap_lastmod", "feed_updated")
STAT_UNCHANGED_BY_DATE = "incremental/unchanged_by_date"
STAT_CONDITIONAL = "incremental/conditional_requests"
STAT_NOT_MODIFIED = "incremental/not_modified"
STAT_RECORDED = "incremental/records_written"
STAT_UNSETTLED = "incremental/records_unsettled"


class UnchangedSinceLastSeen(IgnoreRequest):
    """A feed or sitemap says the article has not changed since we last fetched it."""


class IncrementalMiddleware:
    """Scrapy downloader middleware; needs ``NEWSARCHIVE_INCREMENTAL`` (default on)."""

    def __init__(self, crawler: Crawler, store_path: Path) -> None:
        self.crawler = crawler
        self.store_path = store_path
        self.store: UrlStore | None = None
        # Records of pages answered 200 whose documents are not yet safely kept, by fetched URL.
        self.pending: dict[str, UrlRecord] = {}
        self.revisit: RevisitPolicy | None = policy_from(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_INCREMENTAL"):
            raise NotConfigured("incremental crawling disabled by NEWSARCHIVE_INCREMENTAL")
        path = settings.get("NEWSARCHIVE_URL_STORE") or url_store_path(
            settings.get("NEWSARCHIVE_DATA_DIR")
        )
        mw = cls(crawler, Path(path))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(mw.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(mw.documents_settled, signal=documents_settled)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        self.store = UrlStore(self.store_path)
        log.info("URL store %s: %d known URLs", self.store_path, self.store.count())

    def spider_closed(self, spider: Spider) -> None:
        if self.store is None:
            return
        if self.pending:
            # No outcome came back (indexing switched off, or a stage failed): not recorded, so
            # the next run fetches these pages in full rather than trusting a 304.
            self.crawler.stats.set_value(STAT_UNSETTLED, len(self.pending))
            log.info(
                "URL store: %d fetched pages without an outcome not recorded", len(self.pending)
            )
            self.pending.clear()
        self.store.close()
        self.store = None
        log.info(
            "URL store: %d records written by this run",
            self.crawler.stats.get_value(STAT_RECORDED, 0),
        )

    def documents_settled(self, kept: Iterable[str], parked: Iterable[str]) -> None:
        """Record the pages whose documents the index stage just delivered or spooled."""
        for url in parked:
            # Refused by Elasticsearch: keeping its validators would hide it from the next run.
            self.pending.pop(url, None)
        self._write(self.pending.pop(url) for url in kept if url in self.pending)

    def item_dropped(
        self, item: Any, response: Any, exception: BaseException, spider: Spider
    ) -> None:
        """A page the item pipeline left out for a reason has reached its final outcome."""
        if isinstance(exception, Skip) and exception.url in self.pending:
            self._write([self.pending.pop(exception.url)])

    def _write(self, records: Iterable[UrlRecord]) -> None:
        batch = list(records)
        if self.store is None or not batch:
            return
        self.store.put_many(batch)
        self.crawler.stats.inc_value(STAT_RECORDED, len(batch))

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
            # A young article is re-checked on the revisit schedule (pipeline/crawl/state/
            # revisit.py) whatever its feed date says: sites rarely move it for an edit.
            if self.revisit is not None and self.revisit.due(record, datetime.now(UTC)):
                stats.inc_value(STAT_DUE)
            else:
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
        url = response.url
        previous = self._known(url)
        if response.status == 304 and previous is not None:
            self.crawler.stats.inc_value(STAT_NOT_MODIFIED)
            refreshed = UrlRecord(
                url=previous.url,
                canonical_url=previous.canonical_url,
                etag=previous.etag,
                last_modified=previous.last_modified,
                content_hash=previous.content_hash,
                last_seen=now,
                last_status=304,
            )
            if url in self.pending:  # validated against a copy this run has not yet settled
                self.pending[url] = refreshed
            else:
                self._write([refreshed])
        elif response.status == 200:
            self.pending[url] = UrlRecord(
                url=url,
                canonical_url=canonical_url(url),
                etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"),
                content_hash=hashlib.sha256(response.body).hexdigest(),
                last_seen=now,
                last_status=200,
            )
        else:
            # An error answer: forget the validators, so the next run fetches the page in full.
            self.pending.pop(url, None)
            self._write(
                [
                    UrlRecord(
                        url=url,
                        canonical_url=canonical_url(url),
                        etag=None,
                        last_modified=None,
                        content_hash=None,
                        last_seen=now,
                        last_status=response.status,
                    )
                ]
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
