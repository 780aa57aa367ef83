"""``newsarchive schedule``: APScheduler runs each source on its cadence until SIGTERM.

One APScheduler job per source, ``max_instances=1`` (a run that overruns its slot is not started
again; APScheduler logs the skipped slot) and ``coalesce=True`` (slots missed while busy or down
collapse into one run). Jobs run in a thread pool; each job is a child process (``CrawlRunner``).
Sources with ``poll:`` are polled adaptively (``pipeline.schedule.adaptive``): after each run
the job is rescheduled at the interval the run's outcome calls for, logged with the reason
and kept in the run store (``newsarchive runs`` shows it).

On SIGTERM or SIGINT: no new runs, one SIGTERM to every running crawl so Scrapy stops
gracefully and checkpoints into its JOBDIR, a grace period, then exit. Restarted, the scheduler
reads the run store: an interrupted source runs (resumes) at once, the others at their next slot.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from pipeline import settings
from pipeline.exceptions import SourceBusy
from pipeline.schedule.adaptive import (
    DISABLED,
    PollPolicy,
    PollState,
    duration,
    next_poll,
    poll_outcome,
)
from pipeline.schedule.cadence import Cadence
from pipeline.schedule.runner import CrawlRunner, RunOutcome, source_lock
from pipeline.schedule.runs import FAILED, SUCCEEDED, RunStore
from pipeline.sources import Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """A source with its cadence and first run time, as the scheduler will run it."""

    source: str
    cadence: Cadence
    first_run: datetime
    poll: PollPolicy | None = None  # adaptive polling within these bounds
    state: PollState | None = None  # where the adaptive polling stands


def poll_policy(source: Source) -> PollPolicy | None:
    """The adaptive polling rule of a source with ``poll:``, constants from the settings."""
    if source.poll is None:
        return None
    return PollPolicy(
        min_seconds=source.poll.min_seconds,
        max_seconds=source.poll.max_seconds,
        target_new=settings.NEWSARCHIVE_POLL_TARGET_NEW,
        growth=settings.NEWSARCHIVE_POLL_GROWTH,
        error_backoff=settings.NEWSARCHIVE_POLL_ERROR_BACKOFF,
        max_failures=settings.NEWSARCHIVE_POLL_MAX_FAILURES,
    )


def adaptive_text(state: PollState, policy: PollPolicy) -> str:
    """The cadence as ``newsarchive runs`` shows it: ``5.2s (adaptive, 1.0s..1m00s)``."""
    bounds = f"{duration(policy.min_seconds)}..{duration(policy.max_seconds)}"
    return f"{duration(state.interval)} (adaptive, {bounds})"


def plan(
    sources: Sequence[Source],
    store: RunStore,
    *,
    default_schedule: str | None = None,
    now: datetime | None = None,
    retry_disabled: bool = False,
) -> tuple[list[Plan], list[str]]:
    """The sources to schedule (with their first runs) and the names of those left out.

    A polled source disabled after repeated failures stays out (logged with its reason) unless
    ``retry_disabled``, which gives it a fresh start at its minimum interval.
    """
    now = now or datetime.now(UTC)
    plans: list[Plan] = []
    unscheduled: list[str] = []
    for source in sources:
        policy = poll_policy(source)
        if policy is not None:
            adaptive = _adaptive_plan(source, policy, store, now, retry_disabled)
            if adaptive is not None:  # None: disabled, and _adaptive_plan said why
                plans.append(adaptive)
            continue
        text = source.schedule or default_schedule
        if not text:
            unscheduled.append(source.name)
            continue
        cadence = Cadence.parse(text)
        state = store.state(source.name)
        first = cadence.first_run(
            last_start=state.last_start,
            last_finished_ok=state.last_status == SUCCEEDED,
            now=now,
        )
        plans.append(Plan(source.name, cadence, first))
    return plans, unscheduled


def _adaptive_plan(
    source: Source, policy: PollPolicy, store: RunStore, now: datetime, retry_disabled: bool
) -> Plan | None:
    row = store.poll_row(source.name)
    if row is not None and row["status"] == DISABLED and not retry_disabled:
        log.warning(
            "source %s: not scheduled: %s (start with --retry-disabled to try again)",
            source.name,
            row["reason"],
        )
        return None
    if row is not None and row["status"] != DISABLED:
        state = PollState(
            policy.clamp(float(row["interval"])),
            int(row["failures"]),
            str(row["status"]),
            str(row["reason"]),
            int(row["polls"]),
        )
    else:
        first = Cadence.parse(source.schedule).interval if source.schedule else None
        state = PollState(policy.clamp(first or policy.min_seconds))
        if row is not None:
            store.set_poll_row(source.name, **_poll_columns(state, policy, None))
    cadence = Cadence(adaptive_text(state, policy), interval=state.interval)
    last = store.state(source.name)
    first_run = cadence.first_run(
        last_start=last.last_start, last_finished_ok=last.last_status == SUCCEEDED, now=now
    )
    return Plan(source.name, cadence, first_run, policy, state)


def _poll_columns(
    state: PollState, policy: PollPolicy, last_poll_at: datetime | None
) -> dict[str, object]:
    return {
        "interval": state.interval,
        "failures": state.failures,
        "status": state.status,
        "reason": state.reason,
        "polls": state.polls,
        "min_seconds": policy.min_seconds,
        "max_seconds": policy.max_seconds,
        "last_poll_at": last_poll_at.isoformat() if last_poll_at else None,
    }


class SchedulerService:
    """Owns the APScheduler instance, the runner and the signal handling of the service."""

    def __init__(
        self,
        plans: Sequence[Plan],
        runner: CrawlRunner,
        *,
        jitter: float | None = None,
        max_parallel: int = 4,
        stop_timeout: float = 120.0,
    ) -> None:
        self.plans = list(plans)
        self.runner = runner
        self.jitter = jitter
        self.stop_timeout = stop_timeout
        self.stop_requested = threading.Event()
        self.skipped_slots = 0
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=max(1, max_parallel))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_max_instances, EVENT_JOB_MAX_INSTANCES)
        self.scheduler.add_listener(
            self._record_next_run,
            EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES,
        )
        self.cadences = {p.source: p.cadence.text for p in self.plans}
        self.adaptive = {p.source: p for p in self.plans if p.poll is not None}
        self._poll_lock = threading.Lock()

    def start(self) -> None:
        for p in self.plans:
            job = self.scheduler.add_job(
                self._poll if p.poll is not None else self.runner.run,
                trigger=p.cadence.trigger(self.jitter),
                args=[p.source],
                id=p.source,
                name=f"crawl {p.source}",
                next_run_time=p.first_run,
            )
            log.info(
                "source %s: every %s, first run at %s",
                p.source,
                p.cadence.text,
                _when(job.next_run_time),
            )
        self.scheduler.start()
        for job in self.scheduler.get_jobs():
            self.runner.store.set_next_run(job.id, self.cadences[job.id], job.next_run_time)

    def _poll(self, source: str) -> RunOutcome:
        """One adaptive poll: the crawl run, then the next interval from what it brought."""
        plan = self.adaptive[source]
        assert plan.poll is not None and plan.state is not None
        row = self.runner.store.poll_row(source)
        last_poll = row["last_poll_at"] if row else None
        started = datetime.now(UTC)
        outcome = self.runner.run(source)
        if outcome.run_id is None or self.stop_requested.is_set():
            return outcome  # not run (busy, stopping) or interrupted: nothing to learn from
        elapsed = (
            (started - datetime.fromisoformat(last_poll)).total_seconds() if last_poll else None
        )
        polled = poll_outcome(outcome.status, outcome.summary, outcome.error)
        state = next_poll(plan.state, polled, elapsed, plan.poll)
        with self._poll_lock:
            self.adaptive[source] = Plan(source, plan.cadence, plan.first_run, plan.poll, state)
            self.cadences[source] = adaptive_text(state, plan.poll)
        self.runner.store.set_poll_row(source, **_poll_columns(state, plan.poll, started))
        if state.status == DISABLED:
            log.warning("source %s: %s; no more polls until --retry-disabled", source, state.reason)
            self.scheduler.remove_job(source)
            self.runner.store.set_next_run(source, self.cadences[source], None)
            return RunOutcome(outcome.run_id, FAILED, outcome.summary, state.reason)
        log.info("source %s: %s; next poll in %s", source, state.reason, duration(state.interval))
        self.scheduler.reschedule_job(
            source,
            trigger=IntervalTrigger(
                seconds=state.interval,
                jitter=round(self.jitter) if self.jitter else None,
                timezone=UTC,
            ),
        )
        return outcome

    def next_runs(self) -> dict[str, datetime | None]:
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}

    def request_stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """Signal handler: stop scheduling and forward one SIGTERM to running crawls."""
        if self.stop_requested.is_set():
            log.info("already stopping; waiting for running crawls to checkpoint")
            return
        name = signal.Signals(signum).name if signum else "stop request"
        log.info("%s received: no new runs; stopping running crawls gracefully", name)
        self.stop_requested.set()
        self.runner.stop_all()

    def serve(self, *, install_signal_handlers: bool = True) -> int:
        """Run until a stop is requested; then wait for the crawls to end (bounded)."""
        if install_signal_handlers:
            signal.signal(signal.SIGTERM, self.request_stop)
            signal.signal(signal.SIGINT, self.request_stop)
        self.start()
        try:
            while not self.stop_requested.wait(1.0):
                pass
        finally:
            self._shutdown()
        return 0

    def _shutdown(self) -> None:
        self.scheduler.pause()
        self.runner.stop_all()
        waiter = threading.Thread(target=self.scheduler.shutdown, kwargs={"wait": True})
        waiter.start()
        waiter.join(self.stop_timeout)
        if waiter.is_alive():
            self.runner.kill_all()
            waiter.join(30)
        for source, cadence in self.cadences.items():
            self.runner.store.set_next_run(source, cadence, None)
        log.info("scheduler stopped")

    def _record_next_run(self, event: JobEvent | Any) -> None:
        """Keep the store's next run times current, for ``newsarchive runs``."""
        if self.stop_requested.is_set():
            return
        job = self.scheduler.get_job(event.job_id)
        if job is not None:
            self.runner.store.set_next_run(job.id, self.cadences[job.id], job.next_run_time)

    def _on_max_instances(self, event: JobExecutionEvent | Any) -> None:
        self.skipped_slots += 1
        log.warning("source %s: still running at its next slot; that slot is skipped", event.job_id)


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"


def recover_abandoned(store: RunStore, data_dir: Path, sources: Sequence[str]) -> int:
    """Close the ``running`` rows of sources nobody is crawling (the last scheduler died).

    A source whose lock is held is really running (another scheduler, or a manual crawl): its
    rows are left alone.
    """
    closed = 0
    for name in sources:
        try:
            with source_lock(data_dir, name):
                closed += store.abandon_running(name)
        except SourceBusy:
            continue
    return closed
