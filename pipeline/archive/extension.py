"""Scrapy extension that archives every response the spiders receive, with its request, as WARC.

Hooked on ``response_received``, which the engine sends after the downloader middlewares and
before the spider's callback: the capture's location is put in ``request.meta["warc"]`` so the
spider can hand it on to the item, and the indexed document records where its raw page lies.

With ``NEWSARCHIVE_WARC_THREAD`` records are written by a thread of their own: compressing and
digesting a 250 KB real page is milliseconds of CPU that, in the reactor thread, every
download, callback and item waits behind (a fifth of that thread's samples on real pages);
zlib and hashlib release the GIL, so in a thread it can run beside the reactor on another core.
Off by default: on two cores, both already busy extracting, it measured no gain
(benchmarks/RESULTS.md, "WARC writing off the reactor thread"). With it, the location is a
``Future`` that the writer thread resolves: the extract stage waits for it
(``resolve_location``) before it builds the document, by which time the record is long
written. One thread, so records keep the order responses arrived in; ``spider_closed`` drains
it before closing the file.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from pipeline.archive.writer import RotatingWarcWriter, warc_root

log = logging.getLogger(__name__)

STAT_RECORDS = "warc/captures"
STAT_FAILED = "warc/failed"

#: What ``request.meta["warc"]`` (and so ``RawArticle.warc``) holds: the location, or the
#: writer thread's promise of it.
Location = dict[str, str | int]
PendingLocation = Location | Future[Location]


async def resolve_location(warc: PendingLocation | None) -> Location | None:
    """The capture's location once its record is written; None if it could not be written."""
    if not isinstance(warc, Future):
        return warc
    try:
        return await asyncio.wrap_future(warc)
    except Exception as exc:  # a write error was logged by the writer; the page is still kept
        log.warning("no WARC location for a page: %s", exc)
        return None


class WarcArchive:
    """Needs ``NEWSARCHIVE_WARC_ENABLED`` (default on); files under ``NEWSARCHIVE_WARC_DIR``."""

    def __init__(
        self, crawler: Crawler, root: Path, max_bytes: int, threaded: bool = False
    ) -> None:
        self.crawler = crawler
        self.root = root
        self.max_bytes = max_bytes
        self.writer: RotatingWarcWriter | None = None
        self.thread: ThreadPoolExecutor | None = None
        if threaded:
            self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc-writer")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchive:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_WARC_ENABLED"):
            raise NotConfigured("WARC archive disabled by NEWSARCHIVE_WARC_ENABLED")
        root = settings.get("NEWSARCHIVE_WARC_DIR") or warc_root(
            settings.get("NEWSARCHIVE_DATA_DIR")
        )
        max_bytes = settings.getint("NEWSARCHIVE_WARC_MAX_BYTES")
        threaded = settings.getbool("NEWSARCHIVE_WARC_THREAD")
        ext = cls(crawler, Path(root), max_bytes, threaded)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.writer = RotatingWarcWriter(self.root, spider.name, max_bytes=self.max_bytes)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        writer = self.writer
        if writer is None:
            return
        record: dict[str, Any] = {
            "url": response.url,
            "method": request.method,
            "request_headers": _pairs(request.headers),
            "status": response.status,
            "response_headers": _pairs(response.headers),
            "body": response.body,
            "kind": str(request.meta.get("kind") or "") or None,
        }
        self.crawler.stats.inc_value(STAT_RECORDS)
        if self.thread is None:
            request.meta["warc"] = writer.write(**record).to_dict()
        else:
            request.meta["warc"] = self.thread.submit(self._write, writer, record)

    def _write(self, writer: RotatingWarcWriter, record: dict[str, Any]) -> Location:
        """Writer thread: one capture; its location, or the error logged and raised."""
        try:
            return writer.write(**record).to_dict()
        except Exception:
            log.exception("WARC record of %s not written", record["url"])
            self.crawler.stats.inc_value(STAT_FAILED)
            raise

    def spider_closed(self, spider: Spider) -> None:
        if self.thread is not None:
            self.thread.shutdown(wait=True)  # every record queued so far is written
        if self.writer is not None:
            log.info("WARC archive: %d records in %s", self.writer.records, self.root)
            self.writer.close()
            self.writer = None


def _pairs(headers: object) -> list[tuple[str, str]]:
    """Scrapy's multi-valued header map as (name, value) pairs, one per value."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():  # type: ignore[attr-defined]
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            pairs.append((key, text))
    return pairs
