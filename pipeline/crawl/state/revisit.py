"""Revisit recent articles on a decaying schedule: often while they are young, rarely later.

Stories change most in their first hours (corrections, updated casualty counts, a new headline)
and sites seldom move their feed or sitemap dates when they do. NewsDiffs, which tracks edits of
news sites, re-checks an article every 15 minutes while it is under 3 hours old, then hourly,
then every 3 hours, then every 3 days, then every 30 days. ``NEWSARCHIVE_REVISIT`` writes such a
schedule as ``AGE=INTERVAL`` steps, youngest first (``*`` for any older age)::

    3h=15m 1d=1h 7d=3h 30d=3d *=30d      (the default: NewsDiffs' steps)

An article's age is counted from its first capture (the URL store's ``first_seen``): the URL
store does not hold publication dates, and for a crawl that follows feeds the first capture is
within a run of publication. An article is *due* when the interval of its age has passed since
its last fetch. A due article is

- fetched (with a conditional GET) even when its feed or sitemap date says it has not changed
  (``IncrementalMiddleware``), and
- asked for at the start of a run even when no feed, sitemap or page links to it any more
  (``RevisitStart``, a spider middleware), so an edit after it left the front page is still seen.

Everything goes through the run's downloader, so the source's politeness (delay, per-domain
concurrency, robots.txt, Crawl-delay, fleet politeness) applies to revisits as to any request.
Revisits happen at the source's runs: a source scheduled hourly is revisited at most hourly.
An empty setting turns revisits off.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipeline.crawl.state.urlstore import UrlRecord, UrlStore, url_store_path

log = logging.getLogger(__name__)

STAT_DUE = "incremental/revisit_due"
STAT_SEEDED = "incremental/revisit_seeded"
_SPAN = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def _span(text: str, where: str) -> timedelta:
    match = _SPAN.match(text.strip())
    if not match:
        raise ValueError(f"NEWSARCHIVE_REVISIT: {where} {text!r} is not like 15m, 3h or 30d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


@dataclass(frozen=True)
class RevisitPolicy:
    """``(age limit, interval)`` steps, youngest first; the last limit may be None (any age)."""

    steps: tuple[tuple[timedelta | None, timedelta], ...]

    @classmethod
    def parse(cls, text: str) -> RevisitPolicy | None:
        """The policy of ``NEWSARCHIVE_REVISIT``; None when it is empty (revisits off)."""
        steps: list[tuple[timedelta | None, timedelta]] = []
        for item in text.replace(",", " ").split():
            age, sep, interval = item.partition("=")
            if not sep:
                raise ValueError(f"NEWSARCHIVE_REVISIT: {item!r} is not AGE=INTERVAL")
            limit = None if age.strip() == "*" else _span(age, "age")
            if steps and (steps[-1][0] is None or (limit is not None and limit <= steps[-1][0])):
                raise ValueError("NEWSARCHIVE_REVISIT: ages must grow, and '*' comes last")
            steps.append((limit, _span(interval, "interval")))
        return cls(tuple(steps)) if steps else None

    def interval(self, age: timedelta) -> timedelta | None:
        """How often an article of this age is revisited; None: no longer (past the last age)."""
        for limit, interval in self.steps:
            if limit is None or age < limit:
                return interval
        return None

    def due(self, record: UrlRecord, now: datetime) -> bool:
        """Whether the article's interval has passed since its last fetch."""
        first = record.first_seen or record.last_seen
        interval = self.interval(now - first)
        return interval is not None and now - record.last_seen >= interval


def policy_from(crawler: Crawler) -> RevisitPolicy | None:
    return RevisitPolicy.parse(str(crawler.settings.get("NEWSARCHIVE_REVISIT") or ""))


class RevisitStart:
    """Spider middleware: after the source's own start requests, its known articles now due."""

    def __init__(self, crawler: Crawler, policy: RevisitPolicy, store_path: Path) -> None:
        self.crawler = crawler
        self.policy = policy
        self.store_path = store_path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevisitStart:
        settings = crawler.settings
        policy = policy_from(crawler)
        if policy is None or not settings.getbool("NEWSARCHIVE_INCREMENTAL"):
            raise NotConfigured("revisits need NEWSARCHIVE_REVISIT and incremental crawling")
        path = settings.get("NEWSARCHIVE_URL_STORE") or url_store_path(
            settings.get("NEWSARCHIVE_DATA_DIR")
        )
        return cls(crawler, policy, Path(path))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            yield item
        spider = self.crawler.spider
        if spider is None or not self.store_path.exists():
            return
        seeded = 0
        for request in self._due(spider):
            seeded += 1
            yield request
        if seeded:
            self.crawler.stats.inc_value(STAT_SEEDED, seeded)
            log.info("revisiting %d known articles of %s now due", seeded, spider.name)

    def _due(self, spider: Spider) -> Iterator[Request]:
        """Requests for the source's known articles that are due, as the spider makes them."""
        allowed = getattr(spider, "_allowed", None)
        is_article = getattr(spider, "_is_article", None)
        parse = getattr(spider, "parse_article", None)
        if allowed is None or is_article is None or parse is None:
            return  # not a source spider: it has no articles to revisit
        now = datetime.now(UTC)
        with UrlStore(self.store_path) as store:
            records = [r for r in store.fetched() if self.policy.due(r, now)]
        for record in records:
            if allowed(record.url) and is_article(record.url):
                yield Request(
                    record.url,
                    callback=parse,
                    errback=getattr(spider, "on_error", None),
                    meta={"via": "revisit", "kind": "article", "hints": {}},
                )
