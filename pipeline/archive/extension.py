"""Scrapy extension that archives every response the spiders receive, with its request, as WARC.

Hooked on ``response_received``, which the engine sends after the downloader middlewares and
before the spider's callback: the capture's location is put in ``request.meta["warc"]`` so the
spider can hand it on to the item, and the indexed document records where its raw page lies.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from pipeline.archive.writer import RotatingWarcWriter, warc_root

log = logging.getLogger(__name__)

STAT_RECORDS = "warc/captures"


class WarcArchive:
    """Needs ``NEWSARCHIVE_WARC_ENABLED`` (default on); files under ``NEWSARCHIVE_WARC_DIR``."""

    def __init__(self, crawler: Crawler, root: Path, max_bytes: int) -> None:
        self.crawler = crawler
        self.root = root
        self.max_bytes = max_bytes
        self.writer: RotatingWarcWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchive:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_WARC_ENABLED"):
            raise NotConfigured("WARC archive disabled by NEWSARCHIVE_WARC_ENABLED")
        root = settings.get("NEWSARCHIVE_WARC_DIR") or warc_root(
            settings.get("NEWSARCHIVE_DATA_DIR")
        )
        max_bytes = settings.getint("NEWSARCHIVE_WARC_MAX_BYTES")
        ext = cls(crawler, Path(root), max_bytes)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.writer = RotatingWarcWriter(self.root, spider.name, max_bytes=self.max_bytes)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if self.writer is None:
            return
        location = self.writer.write(
            url=response.url,
            method=request.method,
            request_headers=_pairs(request.headers),
            status=response.status,
            response_headers=_pairs(response.headers),
            body=response.body,
            kind=str(request.meta.get("kind") or "") or None,
        )
        request.meta["warc"] = location.to_dict()
        self.crawler.stats.inc_value(STAT_RECORDS)

    def spider_closed(self, spider: Spider) -> None:
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
