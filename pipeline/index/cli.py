"""``newsarchive reprocess`` and ``newsarchive index``: the index versions behind the alias.

``reprocess`` builds the next version from the WARC archive and moves the alias to it; ``index``
lists the versions or drops an old one. Registered by ``pipeline.cli.build_parser``; the
Elasticsearch client is imported by the handlers only.
"""

from __future__ import annotations

import argparse
import json
import os
from contextlib import ExitStack, closing
from pathlib import Path

from pipeline.cli import flags
from pipeline.cli.logs import timestamped_to_stderr
from pipeline.exceptions import NewsArchiveError

__all__ = ["register"]


def register(commands: flags.Commands) -> None:
    """Add ``reprocess`` and ``index`` to the ``newsarchive`` commands."""
    p = commands.add_parser(
        "reprocess",
        help="re-extract every document from the WARC archive into a new index version",
        description="Re-extract every document of the alias from its archived WARC capture "
        "(no network access) into the next index version (news-v2, news-v3, ...), then move "
        "the alias in one atomic call. Searches keep working throughout. The old version is "
        "kept until dropped (--drop-old, or `newsarchive index drop-version NAME`). Crawls of "
        "the data directory's sources are held off (their locks are taken) while it runs.",
    )
    flags.add_sources_file(p)
    flags.add_alias(p, "re-process")
    flags.add_data_dir(p, "the crawls' locks, learned boilerplate and WARCs")
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
    flags.add_json(p, "the report")
    p.set_defaults(handler=_reprocess)

    p = commands.add_parser(
        "index",
        help="list or drop the index versions behind the alias",
        description="Index versions (<alias>-vN) behind the alias: `versions` lists them, "
        "`drop-version NAME` deletes one that the alias does not point at.",
    )
    p.add_argument(
        "action",
        choices=["versions", "drop-version"],
        help="versions: list them with their document counts; drop-version: delete NAME",
    )
    p.add_argument("name", nargs="?", help="the version to drop, e.g. news-v1")
    flags.add_alias(p, "look behind")
    p.set_defaults(handler=_index)


def _reprocess(args: argparse.Namespace) -> int:
    from pipeline.archive import warc_root
    from pipeline.boilerplate import BoilerplateStore
    from pipeline.boilerplate.store import FILE_NAME as BOILERPLATE_FILE
    from pipeline.health.store import HealthStore
    from pipeline.index import ClusterSettings, make_client
    from pipeline.index.reprocess import reprocess
    from pipeline.schedule import SourceBusy, source_lock, state_db_path
    from pipeline.sources import load_sources

    timestamped_to_stderr()
    data_dir = flags.data_dir(args)
    sources = {s.name: s for s in load_sources(flags.sources_file(args))}
    settings = ClusterSettings.from_env()
    alias = flags.alias(args)
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
                health=HealthStore(state_db_path(data_dir)),  # the run history (pipeline.health)
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

    alias = flags.alias(args)
    with make_client(ClusterSettings.from_env()) as client:
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
