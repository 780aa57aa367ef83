"""Account for every article URL of a run: indexed, updated, unchanged, skipped or parked.

Skips travel as ``Skip`` exceptions (a ``DropItem`` with a stable reason code) so that one signal
handler sees all of them: it counts them by reason in Scrapy's stats, logs them, and appends them to
``skipped.jsonl`` in the run's folder, where an operator can inspect what was left out and why.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

log = logging.getLogger(__name__)

STAT_PREFIX = "newsarchive"
OUTCOMES = ("indexed", "updated", "unchanged", "skipped", "dead_lettered")


class Skip(DropItem):
    """Leave this item out for a countable reason (``stage/code``: ``extract/empty_body``)."""

    def __init__(self, reason: str, url: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {url}" + (f" ({detail})" if detail else ""), log_level="INFO")
        self.reason = reason
        self.url = url
        self.detail = detail


@dataclass(frozen=True)
class RunSummary:
    source: str
    run_dir: str
    fetched: int
    indexed: int
    updated: int
    unchanged: int
    skipped: int
    dead_lettered: int
    skipped_by_reason: dict[str, int]
    finish_reason: str

    @property
    def balanced(self) -> bool:
        """Every fetched article URL has exactly one outcome."""
        return self.fetched == (
            self.indexed + self.updated + self.unchanged + self.skipped + self.dead_lettered
        )

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["balanced"] = self.balanced
        return data


def run_dir_for(data_dir: Path, source: str, started: datetime) -> Path:
    return data_dir / "runs" / source / started.strftime("%Y%m%dT%H%M%S%fZ")


class RunLedger:
    """Scrapy extension: per-run folder, skip records, progress lines and the final summary."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        data_dir = Path(crawler.settings.get("NEWSARCHIVE_DATA_DIR"))
        name = getattr(crawler.spidercls, "name", None) or "crawl"
        # Decided now, before item pipelines open, so they can put their files (dead letters) here.
        self.run_dir = run_dir_for(data_dir, name, datetime.now(UTC))
        crawler.stats.set_value(f"{STAT_PREFIX}/run_dir", str(self.run_dir))
        self.summary: RunSummary | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLedger:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        log.info("run folder: %s", self.run_dir)

    def item_dropped(
        self, item: Any, response: Any, exception: BaseException, spider: Spider
    ) -> None:
        if not isinstance(exception, Skip):
            return
        stats = self.crawler.stats
        stats.inc_value(f"{STAT_PREFIX}/skipped")
        stats.inc_value(f"{STAT_PREFIX}/skipped/{exception.reason}")
        record = {
            "time": datetime.now(UTC).isoformat(),
            "url": exception.url,
            "reason": exception.reason,
            "detail": exception.detail,
        }
        with (self.run_dir / "skipped.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.summary = summarize(self.crawler.stats.get_stats(), spider.name, reason)
        (self.run_dir / "summary.json").write_text(
            json.dumps(self.summary.to_dict(), indent=2), encoding="utf-8"
        )
        s = self.summary
        log.info(
            "run summary for %s: fetched %d = indexed %d + updated %d + unchanged %d + skipped %d"
            " + dead-lettered %d%s",
            s.source,
            s.fetched,
            s.indexed,
            s.updated,
            s.unchanged,
            s.skipped,
            s.dead_lettered,
            "" if s.balanced else "  (UNBALANCED)",
        )


def summarize(stats: dict[str, Any], source: str, finish_reason: str) -> RunSummary:
    """Read the run's outcome counts out of Scrapy's stats."""
    prefix = f"{STAT_PREFIX}/skipped/"
    by_reason = {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}

    def count(name: str) -> int:
        return int(stats.get(f"{STAT_PREFIX}/{name}", 0))

    return RunSummary(
        source=source,
        run_dir=str(stats.get(f"{STAT_PREFIX}/run_dir", "")),
        fetched=count("fetched"),
        indexed=count("indexed"),
        updated=count("updated"),
        unchanged=count("unchanged"),
        skipped=count("skipped"),
        dead_lettered=count("dead_lettered"),
        skipped_by_reason=dict(sorted(by_reason.items())),
        finish_reason=finish_reason,
    )
