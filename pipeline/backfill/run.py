"""Run an import: plan the parts, skip what the ledger says is done, fan out to workers, sum up.

The main process never reads a record. It lists the inputs, cuts them into parts, hands the
unfinished ones (with their checkpoint offsets) to N worker processes, writes every checkpoint
the workers report into the ledger, prints a progress line every few seconds, and returns the
summary: the tallies of every part of the import -- including parts finished by an earlier,
interrupted run -- which is ``balanced`` when every record read has exactly one outcome.

Workers start from a forkserver that has imported the reading code only (FastWARC, the
filters); each worker loads the extraction and indexing stack, and sets the index up, when it
meets its first selected record (``worker``), so a filtered import costs its reading and the
records it keeps. This process never imports the Elasticsearch client unless no worker set
the index up (nothing was selected): the alias is then made here, so that it exists after any
import. Workers watch this process's pid and exit when it is gone, so an import killed with
SIGKILL leaves no worker writing behind it for long (what one wrote after its last checkpoint
is written again, identically, on resume).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pipeline.backfill.inputs import expand_inputs
from pipeline.backfill.ledger import ImportLedger, job_key
from pipeline.backfill.parts import Part, plan_parts
from pipeline.backfill.records import DAMAGED, TRUNCATED
from pipeline.backfill.select import Selection
from pipeline.backfill.tally import Tally
from pipeline.backfill.tasks import Task, WorkerConfig, worker_main
from pipeline.index.cluster import ClusterSettings, RetryPolicy
from pipeline.sources import get_source, load_sources

log = logging.getLogger(__name__)

__all__ = ["ImportRequest", "run_import"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ImportRequest:
    inputs: Sequence[str]
    alias: str
    data_dir: Path
    cc_news_url: str
    part_bytes: int
    batch_size: int
    workers: int
    sources_file: Path | None = None
    source: str | None = None
    hosts: Sequence[str] = ()
    captured_from: date | None = None
    captured_to: date | None = None
    again: bool = False  # ignore the ledger's finished parts: read everything once more
    progress_every: float = 10.0  # seconds between progress lines; 0: none


class _Totals:
    """The tallies of the import: per part (what the ledger keeps) and for this run."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.parts: dict[str, Tally] = {}
        self.this_run = Tally()
        self.done: set[str] = set()
        self.failed: dict[str, str] = {}
        self.ready: float | None = None  # when the first worker was ready to read
        self.index_ready = False  # a worker has set the alias up (``ensure_index``)

    def line(self, planned: int) -> str:
        seconds = max(time.monotonic() - self.started, 1e-9)
        run = self.this_run
        return (
            f"import: {run.records} records ({run.records / seconds:.0f}/s), "
            f"{run.documents} documents ({run.documents / seconds:.1f}/s), "
            f"{run.indexed} new, {run.updated} updated; parts {len(self.done)}/{planned}"
        )


def run_import(
    request: ImportRequest, cluster: ClusterSettings, progress: Progress | None = None
) -> dict[str, Any]:
    """Import ``request.inputs`` into ``request.alias``; the summary as a dict."""
    started = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    run_dir = request.data_dir / "runs" / "import" / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    sources = tuple(load_sources(request.sources_file))
    source = get_source(sources, request.source) if request.source else None
    selection = Selection.of(request.hosts, request.captured_from, request.captured_to, source)
    locations = expand_inputs(
        request.inputs,
        cc_news_url=request.cc_news_url,
        captured_from=request.captured_from,
        captured_to=request.captured_to,
    )
    parts = plan_parts(locations, request.part_bytes)
    job = job_key(
        {
            "alias": request.alias,
            "source": request.source,
            "hosts": sorted(selection.hosts),
            "from": request.captured_from,
            "to": request.captured_to,
        }
    )
    ledger = ImportLedger(request.data_dir)
    try:
        if request.again:
            ledger.forget(job, [p.key for p in parts])
        totals = _Totals(started)
        tasks = _tasks(ledger, job, parts, totals)
        done_before = len(totals.done)
        url = cluster.resolved_url()
        cluster = ClusterSettings(**{**cluster.__dict__, "url": url, "alias": request.alias})
        config = WorkerConfig(
            cluster=cluster,
            data_dir=request.data_dir,
            run_dir=run_dir,
            selection=selection,
            sources=sources,
            batch_size=request.batch_size,
            retry=RetryPolicy(),
        )
        handle = _Handler(ledger, job, totals, len(parts), progress, request.progress_every)
        if request.workers <= 0:
            from pipeline.backfill.worker import read_inline

            read_inline(config, tasks, handle)
        else:
            _fan_out(config, tasks, min(request.workers, len(tasks)), handle)
        if tasks and not totals.index_ready and not totals.failed:
            # Nothing was selected, so no worker made the alias; it exists after any import.
            from pipeline.index import ensure_index, make_client

            with make_client(cluster) as client:
                ensure_index(client, request.alias)
    finally:
        ledger.close()
    summary = _summary(request, job, run_dir, locations, parts, totals, done_before)
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    if progress is not None:
        progress(totals.line(len(parts)))
    return summary


def _tasks(ledger: ImportLedger, job: str, parts: list[Part], totals: _Totals) -> list[Task]:
    tasks: list[Task] = []
    for part in parts:
        state = ledger.state(job, part.key)
        if state is None:
            totals.parts[part.key] = Tally()
            tasks.append(Task(part, part.start, synced=part.start == 0))
            continue
        totals.parts[part.key] = state.tally
        if state.done:
            totals.done.add(part.key)
        else:
            tasks.append(Task(part, state.next_offset, synced=True))
    return tasks


class _Handler:
    """Receives the workers' messages: checkpoints into the ledger, failures noted, progress."""

    def __init__(
        self,
        ledger: ImportLedger,
        job: str,
        totals: _Totals,
        planned: int,
        progress: Progress | None,
        every: float,
    ) -> None:
        self.ledger = ledger
        self.job = job
        self.totals = totals
        self.planned = planned
        self.progress = progress
        self.every = every
        self.last_line = time.monotonic()

    def __call__(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "checkpoint":
            _, key, location, next_offset, done, delta = message
            tally = Tally.from_dict(delta)
            part = self.totals.parts.setdefault(key, Tally())
            part.add(tally)
            self.totals.this_run.add(tally)
            self.ledger.save(self.job, key, location, next_offset, done, part)
            if done:
                self.totals.done.add(key)
        elif kind == "index":
            self.totals.index_ready = True
        elif kind == "ready":
            if self.totals.ready is None:
                self.totals.ready = time.monotonic()
        elif kind == "failed":
            _, key, error = message
            self.totals.failed[key] = error
        self.tick()

    def tick(self) -> None:
        now = time.monotonic()
        if self.progress is not None and self.every > 0 and now - self.last_line >= self.every:
            self.progress(self.totals.line(self.planned))
            self.last_line = now


def _fan_out(config: WorkerConfig, tasks: list[Task], workers: int, handle: _Handler) -> None:
    if not tasks:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.backfill.worker"])
    task_queue = context.Queue()
    results = context.Queue()
    for task in tasks:
        task_queue.put(task)
    for _ in range(workers):
        task_queue.put(None)
    processes = [
        context.Process(
            target=worker_main,
            args=(n, config, task_queue, results, os.getpid()),
            name=f"import-worker-{n}",
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    exited: set[int] = set()
    while len(exited) < workers:
        try:
            message = results.get(timeout=0.5)
        except queue.Empty:
            handle.tick()
            for n, process in enumerate(processes):
                if n not in exited and process.exitcode is not None:
                    _drain(results, handle, exited)
                    if n not in exited:
                        handle.totals.failed[f"worker-{n}"] = f"exit code {process.exitcode}"
                        exited.add(n)
            continue
        if message[0] == "exit":
            exited.add(int(message[1]))
        else:
            handle(message)
    for process in processes:
        process.join(timeout=30)


def _drain(results: Any, handle: _Handler, exited: set[int]) -> None:
    """Take what a worker that just ended still had queued (its last checkpoints, its exit)."""
    while True:
        try:
            message = results.get(timeout=0.2)
        except queue.Empty:
            return
        if message[0] == "exit":
            exited.add(int(message[1]))
        else:
            handle(message)


def _summary(
    request: ImportRequest,
    job: str,
    run_dir: Path,
    locations: list[str],
    parts: list[Part],
    totals: _Totals,
    done_before: int,
) -> dict[str, Any]:
    total = Tally()
    for tally in totals.parts.values():
        total.add(tally)
    finished = time.monotonic()
    seconds = finished - totals.started
    # Reading time: from the first worker ready (imports done, clients made) to the end; the
    # start-up before it is the same for a 1 MB file and a month of CC-NEWS.
    reading = finished - (totals.ready if totals.ready is not None else totals.started)
    run = totals.this_run
    reasons = total.by_reason
    return {
        "command": "import",
        "alias": request.alias,
        "job": job,
        "run_dir": str(run_dir),
        "inputs": len(locations),
        "parts": len(parts),
        "parts_done": len(totals.done),
        "parts_done_before": done_before,
        "failed": dict(totals.failed),
        **total.to_dict(),
        "revisits": reasons.get("warc/revisit", 0),
        "damaged": reasons.get(TRUNCATED, 0) + reasons.get(DAMAGED, 0),
        "records_this_run": run.records,
        "documents_this_run": run.documents,
        "seconds": round(seconds, 3),
        "startup_seconds": round(seconds - reading, 3),
        "records_per_second": round(run.records / seconds, 1) if seconds else 0.0,
        "documents_per_second": round(run.documents / seconds, 1) if seconds else 0.0,
        "reading_records_per_second": round(run.records / reading, 1) if reading else 0.0,
        "balanced": total.balanced,
    }
