"""Scheduled crawls: when each source is due (``Cadence``), one process per run
(``CrawlRunner``), what happened (``RunStore``), and the long-lived service that ties them
together (``SchedulerService``, behind ``newsarchive schedule``).

The names are loaded on first use: ``pipeline.sources`` validates every ``schedule:`` with
``pipeline.schedule.cadence``, and importing this package must not pull the service, the runner
and the Elasticsearch client into every process that reads sources.yaml (a crawl loads it while
its first requests are timed for Crawl-delay).
"""

from typing import TYPE_CHECKING

from pipeline.lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.exceptions import SourceBusy
    from pipeline.schedule.cadence import Cadence
    from pipeline.schedule.runner import CrawlCommand, CrawlRunner, source_lock
    from pipeline.schedule.runs import RunRecord, RunStore, SourceState, state_db_path
    from pipeline.schedule.service import Plan, SchedulerService, plan, recover_abandoned
else:  # imported on first use (pipeline/lazy.py says why)
    __getattr__ = lazy_exports(
        __name__,
        {
            "cadence": ("Cadence",),
            "runner": ("CrawlCommand", "CrawlRunner", "SourceBusy", "source_lock"),
            "runs": ("RunRecord", "RunStore", "SourceState", "state_db_path"),
            "service": ("Plan", "SchedulerService", "plan", "recover_abandoned"),
        },
    )

__all__ = [
    "Cadence",
    "CrawlCommand",
    "CrawlRunner",
    "Plan",
    "RunRecord",
    "RunStore",
    "SchedulerService",
    "SourceBusy",
    "SourceState",
    "plan",
    "recover_abandoned",
    "source_lock",
    "state_db_path",
]
