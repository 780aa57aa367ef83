"""The switch of distributed mode: a Redis URL in NEWSARCHIVE_REDIS_URL turns it on.

Without it nothing here is used and the crawl runs exactly as on one machine. With it, Scrapy's
scheduler, queue and dupefilter become scrapy-redis ones backed by that Redis (see
docs/distributed.md), keyed by run name and source, and the index pipeline and a spider
middleware report when leased work is durable.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.settings import Settings

from pipeline.crawl.distributed.keys import check_run_name, key_patterns

INDEX_PIPELINE = "pipeline.crawl.pipelines.IndexPipeline"
LEASED_INDEX_PIPELINE = "pipeline.crawl.distributed.indexing.LeasedIndexPipeline"
TRACKING_MIDDLEWARE = "pipeline.crawl.distributed.tracking.LeaseTrackingMiddleware"


def default_run_name(now: datetime | None = None) -> str:
    """Today's UTC date: workers started the same day without a run name join the same run."""
    return f"{(now or datetime.now(UTC)):%Y%m%d}"


def is_distributed(settings: Settings) -> bool:
    return bool(settings.get("NEWSARCHIVE_REDIS_URL"))


def configure(settings: Settings) -> None:
    """Rewrite ``settings`` in place for distributed mode (no-op without a Redis URL)."""
    url = settings.get("NEWSARCHIVE_REDIS_URL")
    if not url:
        return
    run = check_run_name(settings.get("NEWSARCHIVE_RUN_NAME") or default_run_name())
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    order = pipelines.pop(INDEX_PIPELINE, None)
    if order is not None:
        pipelines[LEASED_INDEX_PIPELINE] = order
    # Order 10, next to the engine: it sees only what the other middlewares let through (a link
    # the depth or offsite check drops is never held), and the output of errbacks too.
    spider_mw = {**settings.getdict("SPIDER_MIDDLEWARES"), TRACKING_MIDDLEWARE: 10}
    values: dict[str, object] = {
        "NEWSARCHIVE_RUN_NAME": run,
        "REDIS_URL": url,
        "SCHEDULER": "pipeline.crawl.distributed.scheduler.DistributedScheduler",
        "SCHEDULER_QUEUE_CLASS": "pipeline.crawl.distributed.queue.LeasedPriorityQueue",
        "DUPEFILTER_CLASS": "pipeline.crawl.distributed.dupefilter.BloomDupeFilter",
        # The shared state outlives each worker; the run's end expires it (scheduler.close).
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "ITEM_PIPELINES": pipelines,
        "SPIDER_MIDDLEWARES": spider_mw,
        # Redis is the job state: a per-machine JOBDIR would only hold a stale copy.
        "NEWSARCHIVE_RESUMABLE": False,
        **key_patterns(run),
    }
    for name, value in values.items():
        settings.set(name, value, priority="cmdline")
