"""Run crawls of configured sources in this process and report what each run did."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from pipeline import settings as project_settings
from pipeline.crawl.ledger import RunSummary, summarize
from pipeline.crawl.spiders import spider_class_for
from pipeline.crawl.spiders.source_spider import SourceSpider
from pipeline.crawl.state.jobdir import claim_job_dir, release_job_dir
from pipeline.sources import Source, enabled_sources, get_source, load_sources

log = logging.getLogger(__name__)


def job_dir(data_dir: Path | str, source: str) -> Path:
    """Scrapy's JOBDIR of a source: pending requests and seen fingerprints of an unfinished run."""
    return Path(data_dir) / "jobs" / source


def _resumable(spidercls: type[SourceSpider], jobdir: Path) -> type[SourceSpider]:
    """The spider class with its own JOBDIR, so each source of a multi-source crawl has one."""
    custom = {**(spidercls.custom_settings or {}), "JOBDIR": str(jobdir)}
    return type(spidercls.__name__, (spidercls,), {"custom_settings": custom})


def own_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """newsarchive's own settings (``NEWSARCHIVE_*``) with their defaults, overrides on top.

    The components read these without fallbacks, so a crawler built without the settings module
    (``scrapy.utils.test.get_crawler`` in tests and benchmarks) gets them from here. Only the
    project's own names: the rest of the module (extensions, middlewares, the guarded resolver)
    would turn a bare test crawler into a full crawl.
    """
    module = project_settings
    own = {name: getattr(module, name) for name in dir(module) if _is_own_setting(name)}
    return {**own, **(overrides or {})}


def _is_own_setting(name: str) -> bool:
    return name.startswith("NEWSARCHIVE_") and name.isupper()


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings with per-run overrides applied on top."""
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    # A Redis URL switches on distributed mode (scrapy-redis); without one this does nothing.
    from pipeline.crawl.distributed import configure

    configure(settings)
    return settings


def _extracts_in_workers(settings: Settings) -> bool:
    pipelines = settings.getdict("ITEM_PIPELINES")
    extract = "pipeline.crawl.pipelines.ExtractPipeline"
    return pipelines.get(extract) is not None and settings.getint("NEWSARCHIVE_EXTRACT_WORKERS") > 0


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
    settings = crawl_settings(overrides)
    if _extracts_in_workers(settings):
        # Now, not when the extract stage opens: its imports then overlap the crawl's start-up.
        from pipeline.extract.pool import start_fork_server

        start_fork_server()
    # Resumable runs (the scheduler's): an interrupted run leaves its JOBDIR, and the next run of
    # the source continues it instead of starting over; a finished run removes it, because the
    # seen-request fingerprints kept there would otherwise filter out every URL of the next run.
    # A JOBDIR left by a killed process is discarded instead (pipeline.crawl.state.jobdir).
    resumable = settings.getbool("NEWSARCHIVE_RESUMABLE")
    data_dir = settings.get("NEWSARCHIVE_DATA_DIR")
    process = CrawlerProcess(settings)
    crawlers: list[Crawler] = []
    for source in sources:
        spidercls = spider_class_for(source)
        if resumable:
            jobdir = job_dir(data_dir, source.name)
            if claim_job_dir(jobdir):
                log.info("resuming the interrupted run of %s from %s", source.name, jobdir)
            spidercls = _resumable(spidercls, jobdir)
        crawler = process.create_crawler(spidercls)
        crawlers.append(crawler)
        process.crawl(crawler)
    process.start()
    if resumable:
        for source, crawler in zip(sources, crawlers, strict=True):
            reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
            release_job_dir(job_dir(data_dir, source.name), reason)
    summaries = []
    for source, crawler in zip(sources, crawlers, strict=True):
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summaries.append(summarize(stats, source.name, str(stats.get("finish_reason", "unknown"))))
    return summaries
