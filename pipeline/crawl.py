"""Run crawls of configured sources in this process and report what each run did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from pipeline.config import Source, enabled_sources, get_source, load_sources
from pipeline.ledger import RunSummary, summarize
from pipeline.spiders import spider_class_for


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings with per-run overrides applied on top."""
    settings = Settings()
    settings.setmodule("pipeline.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def select_sources(names: Sequence[str], sources_path: Path | str | None = None) -> list[Source]:
    """The named sources, or every enabled one when no name is given."""
    sources = load_sources(sources_path)
    if not names:
        return enabled_sources(sources)
    return [get_source(sources, name) for name in names]


def run_crawls(
    sources: Sequence[Source], overrides: Mapping[str, Any] | None = None
) -> list[RunSummary]:
    """Crawl the sources (concurrently, in one reactor) and return one summary per source.

    Twisted's reactor cannot be restarted, so call this once per process; the CLI and the tests run
    each crawl in its own process.
    """
    process = CrawlerProcess(crawl_settings(overrides), install_root_handler=True)
    crawlers: list[Crawler] = []
    for source in sources:
        crawler = process.create_crawler(spider_class_for(source))
        crawlers.append(crawler)
        process.crawl(crawler)
    process.start()
    summaries = []
    for source, crawler in zip(sources, crawlers, strict=True):
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summaries.append(summarize(stats, source.name, str(stats.get("finish_reason", "unknown"))))
    return summaries
