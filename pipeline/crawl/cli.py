"""``newsarchive crawl`` and ``newsarchive replay``: run crawls, and write what they spooled.

Registered by ``pipeline.cli.build_parser``. Like every ``register()``, this module imports only
the standard library at module level; Scrapy, Twisted and the Elasticsearch client are imported
by the handlers, so building the command tree (and ``--help``) stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from pipeline.cli import flags

__all__ = ["register", "summary_text"]


def register(commands: flags.Commands) -> None:
    """Add ``crawl`` and ``replay`` to the ``newsarchive`` commands."""
    p = commands.add_parser(
        "crawl",
        help="crawl sources and index their articles",
        description="Crawl configured sources (all enabled ones by default) "
        "and index their articles. Prints progress and a summary per source.",
    )
    flags.add_source_names(p, "source to crawl")
    flags.add_sources_file(p)
    flags.add_alias(p, "write to")
    flags.add_data_dir(p, "run folders (skipped pages, dead letters)")
    flags.add_scrapy_settings(p, "override a Scrapy setting")
    flags.add_json(p, "the summaries")
    p.add_argument(
        "--resumable",
        action="store_true",
        help="keep an interrupted run's queue in <data dir>/jobs/<source>/ and resume it on the "
        "next run (the scheduler's mode)",
    )
    p.add_argument(
        "--distributed",
        action="store_true",
        help="share the request queue and seen-set with other workers through Redis "
        "(--redis-url or $NEWSARCHIVE_REDIS_URL); see docs/distributed.md",
    )
    p.add_argument("--redis-url", metavar="URL", help="Redis of a distributed crawl")
    p.add_argument(
        "--run-name",
        metavar="NAME",
        help="distributed run to join (default: $NEWSARCHIVE_RUN_NAME or today's UTC date)",
    )
    p.set_defaults(handler=_crawl)

    p = commands.add_parser(
        "replay",
        help="write articles spooled while the cluster was away, exactly once",
        description="A crawl that could not write to Elasticsearch (down, write-blocked, "
        "rate-limited past its retries) keeps those articles in spool.jsonl in its run folder "
        "and exits non-zero. This writes them with their original ids and versions, so "
        "replaying twice duplicates nothing and never overwrites a newer capture.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="spool files or folders to search (default: every spool under the data dir)",
    )
    flags.add_data_dir(p, "run folders")
    flags.add_json(p, "the outcome")
    p.set_defaults(handler=_replay)


def _crawl(args: argparse.Namespace) -> int:
    from pipeline.crawl.runner import run_crawls, select_sources
    from pipeline.index import ClusterSettings

    ClusterSettings.from_env()  # bad cluster settings (unverified remote TLS) fail here, first
    sources = select_sources(args.source, flags.sources_file(args))
    overrides: dict[str, object] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"newsarchive crawl: -s expects NAME=VALUE, got {item!r}")
        overrides[key] = value
    # Only what was given overrides the settings (and a -s of the same name): the defaults are
    # the settings' own.
    if args.sources_file:
        overrides["NEWSARCHIVE_SOURCES"] = str(args.sources_file)
    if args.index:
        overrides["NEWSARCHIVE_INDEX"] = args.index
    if args.data_dir:
        overrides["NEWSARCHIVE_DATA_DIR"] = str(args.data_dir)
    if args.resumable:
        overrides["NEWSARCHIVE_RESUMABLE"] = True
    overrides.update(_distributed_overrides(args))
    summaries = run_crawls(sources, overrides)
    if args.json:
        print(json.dumps([s.to_dict() for s in summaries], indent=2))
    else:
        for s in summaries:
            print(summary_text(s.to_dict()))
    # Spooled articles are late, not lost, but the run did not finish its job: say so.
    failed = any(
        s.dead_lettered
        or not s.balanced
        or s.skipped_by_reason.get("index/spooled")
        # "unknown": the crawler never ran (e.g. a pipeline failed while opening); Scrapy
        # logs the error but returns normally, so the exit code must say it.
        or s.finish_reason == "unknown"
        for s in summaries
    )
    return 1 if failed else 0


def _distributed_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Settings of ``--distributed``; a Redis URL given without the flag also switches it on."""
    url = args.redis_url or os.environ.get("NEWSARCHIVE_REDIS_URL", "")
    if args.distributed and not url:
        raise SystemExit(
            "newsarchive crawl --distributed: give --redis-url or NEWSARCHIVE_REDIS_URL"
        )
    overrides: dict[str, object] = {}
    if url:
        overrides["NEWSARCHIVE_REDIS_URL"] = url
    if args.run_name:
        overrides["NEWSARCHIVE_RUN_NAME"] = args.run_name
    return overrides


def _replay(args: argparse.Namespace) -> int:
    from pipeline.index import ClusterSettings
    from pipeline.index.spool import replay_all

    outcomes = replay_all(args.paths or [flags.data_dir(args)], ClusterSettings.from_env())
    if args.json:
        print(json.dumps([o.to_dict() for o in outcomes], indent=2))
    elif not outcomes:
        print("nothing to replay")
    for o in outcomes if not args.json else []:
        print(
            f"{o.path}: created {o.created}, updated {o.updated}, stale {o.stale}, "
            f"rejected {len(o.rejected)}, still pending {o.still_pending}"
        )
    return 0 if all(o.done and not o.rejected for o in outcomes) else 1


def summary_text(s: dict[str, object]) -> str:
    """A crawl summary (``CrawlSummary.to_dict()``) as the lines ``crawl`` and ``demo`` print."""
    lines = [
        f"source {s['source']}: finished ({s['finish_reason']})",
        f"  fetched        {s['fetched']}",
        f"  indexed        {s['indexed']}",
        f"  updated        {s['updated']}",
        f"  unchanged      {s['unchanged']}",
        f"  skipped        {s['skipped']}",
    ]
    reasons = s.get("skipped_by_reason") or {}
    assert isinstance(reasons, dict)
    lines += [f"    {reason:<28} {n}" for reason, n in reasons.items()]
    lines.append(f"  dead-lettered  {s['dead_lettered']}")
    lines.append(f"  run folder     {s['run_dir']}")
    return "\n".join(lines)
