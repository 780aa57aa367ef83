"""Scheduled crawls: when each source is due (``Cadence``), one process per run
(``CrawlRunner``), what happened (``RunStore``), and the long-lived service that ties them
together (``SchedulerService``, behind ``newsarchive schedule``).

The names are loaded on first use: ``pipeline.sources`` validates every ``schedule:`` with
``pipeline.schedule.cadence``, and importing this package must not pull the service, the runner
and the Elasticsearch client into every process that reads sources.yaml (a crawl loads it while
its first requests are timed for Crawl-delay).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.exceptions import SourceBusy
    from pipeline.schedule.cadence import Cadence
    from pipeline.schedule.runner import CrawlCommand, CrawlRunner, source_lock
    from pipeline.schedule.runs import RunRecord, RunStore, SourceState, state_db_path
    from pipeline.schedule.service import Plan, SchedulerService, plan, recover_abandoned

_HOMES = {
    "Cadence": "pipeline.schedule.cadence",
    "CrawlCommand": "pipeline.schedule.runner",
    "CrawlRunner": "pipeline.schedule.runner",
    "Plan": "pipeline.schedule.service",
    "RunRecord": "pipeline.schedule.runs",
    "RunStore": "pipeline.schedule.runs",
    "SchedulerService": "pipeline.schedule.service",
    "SourceBusy": "pipeline.exceptions",
    "SourceState": "pipeline.schedule.runs",
    "plan": "pipeline.schedule.service",
    "recover_abandoned": "pipeline.schedule.service",
    "source_lock": "pipeline.schedule.runner",
    "state_db_path": "pipeline.schedule.runs",
}

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


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
