"""``newsarchive schedule`` (the long-lived service) and ``newsarchive runs`` (what it did).

Registered by ``pipeline.cli.build_parser``; handlers parse arguments and delegate to
``pipeline.schedule``, which (with APScheduler) they import when they run, never at start-up.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from datetime import UTC, datetime

from pipeline.cli import flags
from pipeline.cli.logs import timestamped_to_stderr
from pipeline.exceptions import NewsArchiveError

__all__ = ["register"]


def register(commands: flags.Commands) -> None:
    """Add ``schedule`` and ``runs`` to the ``newsarchive`` commands."""
    p = commands.add_parser(
        "schedule",
        help="run crawls on each source's schedule until stopped (a long-lived service)",
        description="Run every source that has a `schedule` in the sources file (an interval "
        "like 30m/6h/1d, @daily, or a 5-field cron line in UTC), each run as its own "
        "`newsarchive crawl --source NAME --resumable` process. A source never runs twice at "
        "once; a run that overruns its slot is not started again. SIGTERM/SIGINT stop "
        "scheduling and let running crawls checkpoint; the next start resumes them. Run "
        "history lives in <data dir>/state/scheduler.sqlite3 (see `newsarchive runs`).",
    )
    flags.add_source_names(p, "schedule only this source")
    flags.add_sources_file(p)
    flags.add_alias(p, "write to")
    flags.add_data_dir(p, "run folders, stores, WARCs and the run history")
    p.add_argument(
        "--default-schedule",
        metavar="CADENCE",
        help="cadence for sources without their own `schedule` (default: leave them out)",
    )
    p.add_argument(
        "--jitter",
        type=float,
        metavar="SECONDS",
        help="random delay added to each run (default: a tenth of the period, at most 300 s)",
    )
    p.add_argument(
        "--max-parallel",
        type=int,
        default=4,
        metavar="N",
        help="most crawls running at the same time (default 4)",
    )
    p.add_argument(
        "--stop-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="grace period for running crawls after SIGTERM before they are killed (default 300)",
    )
    flags.add_scrapy_settings(p, "Scrapy setting passed to every crawl")
    p.add_argument(
        "--retry-disabled",
        action="store_true",
        help="poll again the sources disabled after repeated failed polls (see `runs`)",
    )
    p.set_defaults(handler=_schedule)

    p = commands.add_parser(
        "runs",
        help="list recent scheduled runs with their counts and errors",
        description="Recent crawl runs recorded by the scheduler, newest first, and each "
        "source's state (last start, last success, last error).",
    )
    p.add_argument("--source", "-S", metavar="NAME", help="only this source")
    p.add_argument("--limit", "-n", type=int, default=20, help="number of runs (default 20)")
    flags.add_data_dir(p, "the state files (<data dir>/state/scheduler.sqlite3)")
    flags.add_json(p, "runs and states")
    p.set_defaults(handler=_runs)


def _schedule(args: argparse.Namespace) -> int:
    from pipeline.crawl.runner import select_sources
    from pipeline.schedule import (
        CrawlCommand,
        CrawlRunner,
        RunStore,
        SchedulerService,
        plan,
        recover_abandoned,
        state_db_path,
    )

    timestamped_to_stderr()
    log = logging.getLogger("pipeline.schedule")
    data_dir = flags.data_dir(args).resolve()
    sources_file = flags.sources_file(args)
    sources = select_sources(args.source, sources_file)
    store = RunStore(state_db_path(data_dir))
    closed = recover_abandoned(store, data_dir, [s.name for s in sources])
    if closed:
        log.warning("%d run(s) left 'running' by a previous scheduler marked abandoned", closed)
    plans, unscheduled = plan(
        sources, store, default_schedule=args.default_schedule, retry_disabled=args.retry_disabled
    )
    for name in unscheduled:
        log.warning("source %s has no schedule; not scheduled (see --default-schedule)", name)
    if not plans:
        raise NewsArchiveError("no source has a schedule: nothing to do")
    command = CrawlCommand(
        data_dir=data_dir,
        alias=args.index,  # None: each crawl resolves the alias itself, as it would by hand
        sources_file=sources_file.resolve() if sources_file else None,
        settings=tuple(args.set),
    )
    service = SchedulerService(
        plans,
        CrawlRunner(command, store),
        jitter=args.jitter,
        max_parallel=args.max_parallel,
        stop_timeout=args.stop_timeout,
    )
    log.info("scheduler started (pid %d, state %s)", os.getpid(), store.path)
    return service.serve()


def _runs(args: argparse.Namespace) -> int:
    from pipeline.schedule import RunStore, state_db_path

    path = state_db_path(flags.data_dir(args))
    if not path.exists():
        print(f"no runs recorded yet ({path} does not exist)")
        return 0
    store = RunStore(path)
    runs = store.recent(source=args.source, limit=args.limit)
    names = [args.source] if args.source else store.sources()
    states = [store.state(name) for name in names]
    if args.json:
        print(
            json.dumps(
                {
                    "runs": [r.to_dict() for r in runs],
                    "sources": [
                        {
                            "source": s.source,
                            "last_start": _iso(s.last_start),
                            "last_status": s.last_status,
                            "last_success": _iso(s.last_success),
                            "last_error": s.last_error,
                            "schedule": s.cadence,
                            "next_run": _iso(s.next_run),
                            "poll": s.poll,
                        }
                        for s in states
                    ],
                },
                indent=2,
            )
        )
        return 0
    print("sources:")
    for s in states:
        print(
            f"  {s.source:<20} last start {_short(s.last_start)} ({s.last_status})"
            f"  last success {_short(s.last_success)}"
            + (
                f"\n  {'':<20} every {s.cadence}, next run {_short(s.next_run)}"
                if s.cadence and s.next_run
                else f"\n  {'':<20} not scheduled now (no scheduler running)"
            )
            + (f"\n  {'':<20} last error: {s.last_error}" if s.last_error else "")
            + (f"\n  {'':<20} polling {s.poll['status']}: {s.poll['reason']}" if s.poll else "")
        )
    print()
    header = (
        f"{'run':>5}  {'source':<16} {'started (UTC)':<19} {'took':>7}  {'status':<11}"
        f" {'fetched':>7} {'indexed':>7} {'updated':>7} {'unchanged':>9} {'skipped':>7}"
        f" {'dead':>5}"
    )
    print(header)
    for r in runs:
        took = (r.finished_at - r.started_at).total_seconds() if r.finished_at else None
        c = r.counts
        print(
            f"{r.id:>5}  {r.source:<16} {_short(r.started_at):<19}"
            f" {(f'{took:.0f}s' if took is not None else '-'):>7}  {r.status:<11}"
            + "".join(
                f" {c.get(k, '-')!s:>{w}}"
                for k, w in (
                    ("fetched", 7),
                    ("indexed", 7),
                    ("updated", 7),
                    ("unchanged", 9),
                    ("skipped", 7),
                    ("dead_lettered", 5),
                )
            )
            + (f"\n{'':>7}error: {r.error}" if r.error else "")
        )
    return 0


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _short(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else "never"
