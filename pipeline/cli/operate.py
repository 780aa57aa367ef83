"""``newsarchive`` commands for running the archive over months: schedule, runs, reprocess, index.

Kept apart from ``pipeline.cli`` (which registers them with ``add_commands``) so that the
commands of the long-lived service and of maintenance stay in one place; like the rest of the
CLI, each handler only parses arguments and delegates to ``pipeline.schedule``,
``pipeline.index.reprocess`` and ``pipeline.index``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.exceptions import NewsArchiveError


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or os.environ.get("NEWSARCHIVE_DATA_DIR", "var"))


def add_commands(sub: Any) -> None:
    """Register the operating commands on the main parser's sub-parsers."""
    p = sub.add_parser(
        "schedule",
        help="run crawls on each source's schedule until stopped (a long-lived service)",
        description="Run every source that has a `schedule` in the sources file (an interval "
        "like 30m/6h/1d, @daily, or a 5-field cron line in UTC), each run as its own "
        "`newsarchive crawl --source NAME --resumable` process. A source never runs twice at "
        "once; a run that overruns its slot is not started again. SIGTERM/SIGINT stop "
        "scheduling and let running crawls checkpoint; the next start resumes them. Run "
        "history lives in <data dir>/state/scheduler.sqlite3 (see `newsarchive runs`).",
    )
    p.add_argument(
        "--source",
        "-S",
        action="append",
        default=[],
        metavar="NAME",
        help="schedule only this source (repeatable); default: every enabled source",
    )
    _common(p)
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
    p.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Scrapy setting passed to every crawl, e.g. -s DOWNLOAD_DELAY=2",
    )
    p.add_argument(
        "--retry-disabled",
        action="store_true",
        help="poll again the sources disabled after repeated failed polls (see `runs`)",
    )
    p.set_defaults(handler=_schedule)

    p = sub.add_parser(
        "runs",
        help="list recent scheduled runs with their counts and errors",
        description="Recent crawl runs recorded by the scheduler, newest first, and each "
        "source's state (last start, last success, last error).",
    )
    p.add_argument("--source", "-S", metavar="NAME", help="only this source")
    p.add_argument("--limit", "-n", type=int, default=20, help="number of runs (default 20)")
    p.add_argument(
        "--data-dir", type=Path, help="data directory (default: $NEWSARCHIVE_DATA_DIR or ./var)"
    )
    p.add_argument("--json", action="store_true", help="print runs and states as JSON")
    p.set_defaults(handler=_runs)

    p = sub.add_parser(
        "reprocess",
        help="re-extract every document from the WARC archive into a new index version",
        description="Re-extract every document of the alias from its archived WARC capture "
        "(no network access) into the next index version (news-v2, news-v3, ...), then move "
        "the alias in one atomic call. Searches keep working throughout. The old version is "
        "kept until dropped (--drop-old, or `newsarchive index drop-version NAME`). Crawls of "
        "the data directory's sources are held off (their locks are taken) while it runs.",
    )
    _common(p)
    p.add_argument(
        "--warc-dir",
        type=Path,
        help="WARC archive root (default: $NEWSARCHIVE_WARC_DIR or <data dir>/warc)",
    )
    p.add_argument(
        "--drop-old", action="store_true", help="delete the previous version after the swap"
    )
    p.add_argument(
        "--recover",
        action="store_true",
        help="also index archived article pages that have no document (e.g. ones an older "
        "extractor rejected), from their latest capture",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=_reprocess)

    p = sub.add_parser(
        "index",
        help="list or drop the index versions behind the alias",
        description="Index versions (<alias>-vN) behind the alias: `versions` lists them, "
        "`drop-version NAME` deletes one that the alias does not point at.",
    )
    p.add_argument("action", choices=["versions", "drop-version"])
    p.add_argument("name", nargs="?", help="the version to drop, e.g. news-v1")
    p.add_argument("--index", help="the alias (default: $NEWSARCHIVE_INDEX or 'news')")
    p.set_defaults(handler=_index)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sources-file",
        type=Path,
        metavar="PATH",
        help="sources YAML (default: $NEWSARCHIVE_SOURCES or config/sources.yaml)",
    )
    p.add_argument("--index", help="alias (default: $NEWSARCHIVE_INDEX or 'news')")
    p.add_argument(
        "--data-dir", type=Path, help="data directory (default: $NEWSARCHIVE_DATA_DIR or ./var)"
    )


def _logging() -> None:
    logging.basicConfig(
        level=os.environ.get("NEWSARCHIVE_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


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

    _logging()
    log = logging.getLogger("pipeline.schedule")
    data_dir = _data_dir(args).resolve()
    sources = select_sources(args.source, args.sources_file)
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
        index=args.index,
        sources_file=args.sources_file.resolve() if args.sources_file else None,
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

    path = state_db_path(_data_dir(args))
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


def _reprocess(args: argparse.Namespace) -> int:
    from pipeline.archive import warc_root
    from pipeline.boilerplate import BoilerplateStore
    from pipeline.boilerplate.store import FILE_NAME as BOILERPLATE_FILE
    from pipeline.index import ClusterSettings, make_client
    from pipeline.index.reprocess import reprocess
    from pipeline.schedule import SourceBusy, source_lock
    from pipeline.sources import load_sources

    _logging()
    data_dir = _data_dir(args)
    sources = {s.name: s for s in load_sources(args.sources_file)}
    settings = ClusterSettings.from_env()
    alias = args.index or settings.index_prefix
    warc_dir = args.warc_dir or Path(os.environ.get("NEWSARCHIVE_WARC_DIR") or warc_root(data_dir))
    with ExitStack() as locks:
        for name in sources:
            try:
                locks.enter_context(source_lock(data_dir, name))
            except SourceBusy as exc:
                raise NewsArchiveError(
                    f"a crawl of {name} is running; re-process after it ends"
                ) from exc
        # What the crawls learned as each source's boilerplate is stripped again (read only).
        learned = data_dir / BOILERPLATE_FILE
        store = (
            locks.enter_context(closing(BoilerplateStore(data_dir))) if learned.exists() else None
        )
        with make_client(settings) as client:
            report = reprocess(
                client,
                alias,
                warc_dir,
                sources,
                drop_old=args.drop_old,
                recover=args.recover,
                boilerplate=store,
            )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(
            f"re-processed {report.documents} documents of {alias}: {report.old_index} -> "
            f"{report.new_index} in {report.seconds:.1f}s"
        )
        print(f"  re-extracted        {report.reextracted} ({report.changed} changed)")
        print(f"  without capture     {report.no_capture} (carried over unchanged)")
        print(f"  extraction failed   {report.extraction_failed} (carried over unchanged)")
        if args.recover:
            print(f"  recovered           {report.recovered} (archived pages without a document)")
        print(
            f"  alias {alias} -> {report.new_index}; "
            + (
                f"{report.old_index} dropped"
                if report.dropped_old
                else f"{report.old_index} kept (drop: newsarchive index drop-version "
                f"{report.old_index})"
            )
        )
    return 0


def _index(args: argparse.Namespace) -> int:
    from pipeline.index import ClusterSettings, make_client
    from pipeline.index.setup import current_version, drop_version, versions

    settings = ClusterSettings.from_env()
    alias = args.index or settings.index_prefix
    with make_client(settings) as client:
        if args.action == "versions":
            current = current_version(client, alias)
            for name in versions(client, alias):
                count = client.count(index=name)["count"]
                marker = f"  <- {alias}" if name == current else ""
                print(f"{name}  {count} documents{marker}")
            return 0
        if not args.name:
            raise NewsArchiveError("drop-version needs the version's name, e.g. news-v1")
        drop_version(client, alias, args.name)
        print(f"dropped {args.name}")
    return 0


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _short(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else "never"
