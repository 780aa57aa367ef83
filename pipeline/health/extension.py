"""Scrapy extension: tally each crawl's documents and skips, store the run's health at its end.

Signals only, no item pipeline of its own: ``item_scraped`` hands over every article that went
through all the stages (indexed, updated, unchanged, spooled alike: each was extracted in this
run) and ``item_dropped`` every ``Skip`` with its ledger reason, the same ones the run summary
counts. The row goes to the run history in ``<data dir>/state/scheduler.sqlite3`` whether the
scheduler started the crawl or an operator did.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipeline.crawl.ledger import STAT_PREFIX, Skip
from pipeline.crawl.state.middleware import STAT_UNCHANGED_BY_DATE
from pipeline.health.measures import Tally
from pipeline.health.store import HealthStore
from pipeline.items import Article
from pipeline.schedule.runs import state_db_path

log = logging.getLogger(__name__)


class HealthRecorder:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_HEALTH_ENABLED"):
            raise NotConfigured("run health disabled by NEWSARCHIVE_HEALTH_ENABLED")
        self.crawler = crawler
        self.db = state_db_path(Path(settings.get("NEWSARCHIVE_DATA_DIR")))
        self.short_words = settings.getint("NEWSARCHIVE_HEALTH_SHORT_BODY_WORDS")
        self.tally: Tally | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthRecorder:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.tally = Tally(spider.name, "crawl", datetime.now(UTC), self.short_words)

    def item_scraped(self, item: Any, response: Any, spider: Spider) -> None:
        if self.tally is not None and isinstance(item, Article):
            self.tally.article(item)

    def item_dropped(
        self, item: Any, response: Any, exception: BaseException, spider: Spider
    ) -> None:
        if self.tally is not None and isinstance(exception, Skip):
            self.tally.skip(exception.reason)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.tally is None:
            return
        stats = self.crawler.stats
        self.tally.add_unchanged(int(stats.get_value(STAT_UNCHANGED_BY_DATE, 0)))
        run_dir = str(stats.get_value(f"{STAT_PREFIX}/run_dir") or "")
        health = self.tally.result(datetime.now(UTC), run_dir)
        try:
            HealthStore(self.db).add(health)
        except (OSError, sqlite3.Error) as exc:
            log.error("run health of %s not recorded in %s: %s", spider.name, self.db, exc)
        log.info(
            "run health of %s: %d documents, no date %s, no author %s, short %s",
            spider.name,
            health.documents,
            _pct(health.share("no_date")),
            _pct(health.share("no_author")),
            _pct(health.share("short_body")),
        )


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"
