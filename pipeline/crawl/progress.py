"""Progress lines during a crawl: what was fetched and where it went, every few seconds."""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from pipeline.crawl.ledger import STAT_PREFIX

log = logging.getLogger(__name__)


class Progress:
    """Scrapy extension logging the ledger's running counts at ``NEWSARCHIVE_PROGRESS_INTERVAL``."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("progress lines disabled")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def report(self, spider: Spider) -> None:
        stats = self.crawler.stats

        def get(name: str) -> int:
            return int(stats.get_value(f"{STAT_PREFIX}/{name}", 0))

        log.info(
            "%s: %d requests, %d pages fetched -> %d indexed, %d updated, %d unchanged, "
            "%d skipped, %d dead-lettered",
            spider.name,
            int(stats.get_value("downloader/request_count", 0)),
            get("fetched"),
            get("indexed"),
            get("updated"),
            get("unchanged"),
            get("skipped"),
            get("dead_lettered"),
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
