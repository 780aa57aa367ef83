"""Scheduled crawls: when each source is due (``Cadence``), one process per run
(``CrawlRunner``), what happened (``RunStore``), and the long-lived service that ties them
together (``SchedulerService``, behind ``newsarchive schedule``).
"""

from pipeline.exceptions import SourceBusy
from pipeline.schedule.cadence import Cadence
from pipeline.schedule.runner import CrawlCommand, CrawlRunner, source_lock
from pipeline.schedule.runs import RunRecord, RunStore, SourceState, state_db_path
from pipeline.schedule.service import Plan, SchedulerService, plan, recover_abandoned

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
