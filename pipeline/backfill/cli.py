"""``newsarchive import``: backfill the archive from WARC files and CC-NEWS (docs/backfill.md).

Only argparse and the shared flags at module level: the import machinery (FastWARC,
extraction, the Elasticsearch client) is imported by the handler, so ``newsarchive --help``
and every other command start without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from pipeline.cli import flags

__all__ = ["register"]

DESCRIPTION = (
    "Import web-archive captures into the archive, merged with the live crawl: every HTML "
    "response record with status 200 becomes a document through the crawl's own extraction, "
    "learned boilerplate, near-duplicate and indexing path. Documents are merged by canonical "
    "URL with the capture time (WARC-Date) as the fetch time, so an older capture never "
    "overwrites a newer one, and a second import of the same files changes nothing. "
    "Interrupted imports resume from <data dir>/imports/ledger.sqlite. See docs/backfill.md."
)


def register(commands: Any) -> None:
    """Add ``import`` to ``commands`` (argparse's ``add_subparsers()`` action)."""
    from pipeline import settings

    p = commands.add_parser(
        "import",
        help="backfill from WARC files and CC-NEWS (cc-news:YYYY-MM)",
        description=DESCRIPTION,
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="PATH_OR_URL",
        help="WARC/WARC.gz files, folders, globs, http(s) URLs, or cc-news:YYYY-MM[..YYYY-MM]",
    )
    p.add_argument(
        "--source",
        metavar="NAME",
        help="configured source the documents belong to; only URLs its domains and patterns "
        "accept are imported (default: the source whose domains take the host, else the host)",
    )
    p.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="H",
        help="only captures of this host or its subdomains (repeatable)",
    )
    p.add_argument(
        "--from",
        dest="captured_from",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="only captures made on or after this day (UTC)",
    )
    p.add_argument(
        "--to",
        dest="captured_to",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="only captures made on or before this day (UTC)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=settings.NEWSARCHIVE_IMPORT_WORKERS,
        metavar="N",
        help=f"worker processes over the files (default {settings.NEWSARCHIVE_IMPORT_WORKERS}; "
        "0: in this process)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=settings.NEWSARCHIVE_IMPORT_BATCH_SIZE,
        metavar="N",
        help="documents per bulk write and checkpoint "
        f"(default {settings.NEWSARCHIVE_IMPORT_BATCH_SIZE})",
    )
    p.add_argument(
        "--cc-news-url",
        default=settings.NEWSARCHIVE_CC_NEWS_URL,
        metavar="URL",
        help="where cc-news: inputs are listed (default: $NEWSARCHIVE_CC_NEWS_URL or "
        f"{settings.NEWSARCHIVE_CC_NEWS_URL})",
    )
    p.add_argument(
        "--again",
        action="store_true",
        help="read files the ledger says are done once more (idempotent: changes nothing "
        "that has not changed)",
    )
    p.add_argument(
        "--progress-every",
        type=float,
        default=settings.NEWSARCHIVE_PROGRESS_INTERVAL,
        metavar="SECONDS",
        help="seconds between progress lines on stderr (0: none)",
    )
    flags.add_alias(p, "write to")
    flags.add_data_dir(p, "the import ledger and run folders")
    flags.add_sources_file(p)
    flags.add_json(p, "the summary")
    p.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from pipeline import settings
    from pipeline.backfill.run import ImportRequest, run_import
    from pipeline.index import ClusterSettings

    cluster = ClusterSettings.from_env()
    request = ImportRequest(
        inputs=args.inputs,
        alias=flags.alias(args),
        data_dir=flags.data_dir(args),
        cc_news_url=args.cc_news_url,
        part_bytes=settings.NEWSARCHIVE_IMPORT_PART_BYTES,
        batch_size=args.batch_size,
        workers=args.workers,
        sources_file=flags.sources_file(args),
        source=args.source,
        hosts=args.host,
        captured_from=args.captured_from,
        captured_to=args.captured_to,
        again=args.again,
        progress_every=args.progress_every,
    )
    summary = run_import(request, cluster, progress=_stderr)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(_text(summary))
    failed = (
        summary["failed"]
        or not summary["balanced"]
        or summary["dead_lettered"]
        or summary["skipped_by_reason"].get("index/spooled")
    )
    return 1 if failed else 0


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _text(s: dict[str, Any]) -> str:
    lines = [
        f"import into {s['alias']}: {s['inputs']} file(s), parts {s['parts_done']}/{s['parts']}"
        + (f" ({s['parts_done_before']} done before)" if s["parts_done_before"] else ""),
        f"  records        {s['records']} ({s['records_this_run']} read by this run, "
        f"{s['records_per_second']}/s)",
        f"  indexed        {s['indexed']}",
        f"  updated        {s['updated']}",
        f"  unchanged      {s['unchanged']}",
        f"  skipped        {s['skipped']}",
    ]
    lines += [f"    {reason:<28} {n}" for reason, n in s["skipped_by_reason"].items()]
    lines.append(f"  dead-lettered  {s['dead_lettered']}")
    lines.append(f"  balanced       {s['balanced']}")
    lines += [f"  problem: {p}" for p in s["problems"]]
    lines += [f"  FAILED {key}: {error}" for key, error in s["failed"].items()]
    lines.append(f"  run folder     {s['run_dir']}")
    return "\n".join(lines)
