"""The ``newsarchive`` command: thin argument handling that delegates to the subpackages."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pipeline import __version__
from pipeline.backfill.cli import register as register_import
from pipeline.boilerplate.cli import add_commands as add_boilerplate_commands
from pipeline.cli.operate import add_commands as add_operating_commands
from pipeline.exceptions import NewsArchiveError

DEMO_QUERY = "Iraq inspectors"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except NewsArchiveError as exc:
        from pipeline.index.secrets import redact

        print(f"newsarchive: error: {redact(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Crawl news sources, strip boilerplate, index clean articles into "
        "Elasticsearch, and search them.",
        epilog="Elasticsearch: set ELASTICSEARCH_URL (and ELASTICSEARCH_API_KEY or "
        "ELASTICSEARCH_USERNAME/PASSWORD, ELASTICSEARCH_CA_FILE) for your cluster; without it the "
        "project starts its own local node. Sources: config/sources.yaml or $NEWSARCHIVE_SOURCES.",
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser(
        "crawl",
        help="crawl sources and index their articles",
        description="Crawl configured sources (all enabled ones by default) "
        "and index their articles. Prints progress and a summary per source.",
    )
    p.add_argument(
        "--source",
        "-S",
        action="append",
        default=[],
        metavar="NAME",
        help="source to crawl (repeatable); default: every enabled source",
    )
    _sources_file_arg(p)
    p.add_argument("--index", help="alias to write to (default: $NEWSARCHIVE_INDEX or 'news')")
    p.add_argument(
        "--data-dir",
        type=Path,
        help="where run folders (skipped pages, dead letters) go (default: ./var)",
    )
    p.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2",
    )
    p.add_argument("--json", action="store_true", help="print the summaries as JSON")
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

    add_operating_commands(sub)  # schedule, runs, reprocess, index (pipeline/cli/operate.py)
    add_boilerplate_commands(sub)  # boilerplate show|accept|reject (pipeline/boilerplate/cli.py)
    register_import(sub)  # import: backfill from WARC files and CC-NEWS (pipeline/backfill/cli.py)

    p = sub.add_parser(
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
    p.add_argument("--data-dir", type=Path, help="where run folders are (default: ./var)")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.set_defaults(handler=_replay)

    p = sub.add_parser(
        "search",
        help="full-text search of the archive",
        description='Search the archive: words, "exact phrases", OR, -exclusion, '
        "prefix*. Results are ranked, with highlighted snippets.",
    )
    p.add_argument("query", nargs="+", help="what to look for")
    p.add_argument("--source", action="append", default=[], help="only this source (repeatable)")
    p.add_argument("--author", action="append", default=[], help="only this author (repeatable)")
    p.add_argument("--section", action="append", default=[], help="only this section (repeatable)")
    p.add_argument(
        "--language", action="append", default=[], help="only this language code (repeatable)"
    )
    p.add_argument(
        "--from",
        dest="date_from",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="published on or after",
    )
    p.add_argument(
        "--to",
        dest="date_to",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="published on or before",
    )
    p.add_argument(
        "--sort",
        choices=["relevance", "date", "date_asc"],
        default="relevance",
        help="relevance (default), date (newest first) or date_asc (oldest first)",
    )
    p.add_argument("--limit", "-n", type=int, default=10, help="number of hits (default 10)")
    p.add_argument(
        "--collapse",
        action="store_true",
        help="one hit per group of near-duplicate copies (syndicated op-eds), copies listed",
    )
    p.add_argument("--index", help="alias to search (default: $NEWSARCHIVE_INDEX or 'news')")
    p.add_argument("--json", action="store_true", help="print hits as JSON")
    p.set_defaults(handler=_search)

    p = sub.add_parser(
        "serve",
        help="serve the search page and JSON API",
        description="Serve the analysts' search page (/), document pages (/doc/ID), the JSON "
        "API (/api/search, /api/documents/ID, /api/export?format=csv|jsonl) and its "
        "documentation (/api/docs). Binds to loopback unless told otherwise.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--index", help="alias to search (default: $NEWSARCHIVE_INDEX or 'news')")
    p.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="server log level (default info)",
    )
    p.set_defaults(handler=_serve)

    p = sub.add_parser("sources", help="list or check configured sources")
    ssub = p.add_subparsers(title="actions", metavar="ACTION")
    q = ssub.add_parser("list", help="list sources with their entry points")
    _sources_file_arg(q)
    q.set_defaults(handler=_sources_list)
    q = ssub.add_parser("check", help="validate the sources file offline")
    _sources_file_arg(q)
    q.set_defaults(handler=_sources_check)

    p = sub.add_parser(
        "es",
        help="manage the project's local Elasticsearch node",
        description="Download (once), start, stop or inspect the local node used "
        "when ELASTICSEARCH_URL is not set.",
    )
    p.add_argument("action", choices=["install", "start", "stop", "status", "cluster"])
    p.add_argument("--timeout", type=float, help="seconds to wait (start: for health; stop)")
    p.add_argument("--json", action="store_true", help="status as JSON")
    # `es cluster start|stop|status|stop-node NODE`: a local multi-node cluster beside the node.
    p.add_argument("cluster_action", nargs="?", choices=["start", "stop", "status", "stop-node"])
    p.add_argument("node", nargs="?", help="cluster stop-node: the node's name or number")
    p.add_argument("--name", help="cluster name (default newsarchive-cluster)")
    p.add_argument("--nodes", type=int, help="cluster start: number of nodes (default 2)")
    p.add_argument("--http-port", type=int, help="cluster start: first HTTP port (default 9250)")
    p.add_argument("--kill", action="store_true", help="cluster stop-node: SIGKILL, a crash")
    p.add_argument("--wipe", action="store_true", help="cluster stop: delete its data too")
    p.set_defaults(handler=_es)

    p = sub.add_parser(
        "extract",
        help="extract articles from saved HTML files (JSON Lines)",
        description="Offline extraction of saved pages with the crawl's code path: "
        "one JSON object per file, in input order.",
    )
    p.add_argument("paths", nargs="*", help="HTML files")
    p.add_argument("--url", help="the URL the page(s) came from (helps dates and sections)")
    p.add_argument(
        "--paths-from", metavar="FILE", help="read paths from FILE, one a line (- = stdin)"
    )
    p.add_argument(
        "--timings", action="store_true", help="add 'seconds' spent extracting each page"
    )
    p.set_defaults(handler=_extract)

    p = sub.add_parser("fixture-site", help="serve the bundled fixture news site on loopback")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(handler=_fixture_site)

    p = sub.add_parser(
        "demo",
        help="crawl the bundled fixture site, index it, and search it",
        description="Starts the local node if needed, serves the fixture site, "
        f"crawls the 'demo' source and searches for {DEMO_QUERY!r}.",
    )
    p.add_argument("--query", default=DEMO_QUERY, help=f"search to run at the end ({DEMO_QUERY!r})")
    p.add_argument(
        "--port",
        type=int,
        default=8765,
        help="fixture site port (default 8765, as in config/sources.yaml; a free one if taken)",
    )
    p.set_defaults(handler=_demo)
    return parser


def _sources_file_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sources-file",
        type=Path,
        metavar="PATH",
        help="sources YAML (default: $NEWSARCHIVE_SOURCES or config/sources.yaml)",
    )


# -- handlers ---------------------------------------------------------------------------------


def _crawl(args: argparse.Namespace) -> int:
    from pipeline.crawl.runner import run_crawls, select_sources
    from pipeline.index import ClusterSettings

    ClusterSettings.from_env()  # bad cluster settings (unverified remote TLS) fail here, first
    sources = select_sources(args.source, args.sources_file)
    overrides: dict[str, object] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"newsarchive crawl: -s expects NAME=VALUE, got {item!r}")
        overrides[key] = value
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
            print(_summary_text(s.to_dict()))
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

    data_dir = args.data_dir or Path(os.environ.get("NEWSARCHIVE_DATA_DIR", "var"))
    outcomes = replay_all(args.paths or [data_dir], ClusterSettings.from_env())
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


def _summary_text(s: dict[str, object]) -> str:
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


def _search(args: argparse.Namespace) -> int:
    from pipeline.index import ClusterSettings, make_client
    from pipeline.search import SearchRequest, search

    settings = ClusterSettings.for_search()  # read-only credentials when set
    index = args.index or settings.index_prefix
    request = SearchRequest(
        text=" ".join(args.query),
        sources=tuple(args.source),
        sections=tuple(args.section),
        authors=tuple(args.author),
        languages=tuple(args.language),
        date_from=args.date_from,
        date_to=args.date_to,
        size=args.limit,
        sort=args.sort,
        collapse=args.collapse,
        facets=False,
    )
    with make_client(settings) as client:
        try:
            result = search(client, index, request)
        except ValueError as exc:
            print(f"newsarchive: error: {exc}", file=sys.stderr)
            return 2
    if args.json:
        print(
            json.dumps(
                {"total": result.total, "hits": [h.to_dict() for h in result.hits]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(f"{result.total} hit(s) for {request.text!r} in {result.took_ms} ms")
    for reason in result.explanation:
        print(f"  {reason}")
    for n, hit in enumerate(result.hits, 1):
        published = (hit.published_at or "undated")[:10]
        authors = ", ".join(hit.authors) or "unknown author"
        print(f"\n{n}. {hit.title}\n   {hit.source} | {published} | {authors}\n   {hit.url}")
        for snippet in hit.snippets:
            print(f"   ... {_terminal_snippet(snippet)} ...")
        if len(hit.copies) > 1:
            print(f"   published {len(hit.copies)} times:")
            for copy in hit.copies:
                day = (copy.published_at or "undated")[:10]
                print(f"     - {copy.source} | {day} | {copy.url}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from pipeline.index import ClusterSettings, make_client
    from pipeline.search.web import create_app

    settings = ClusterSettings.for_search()  # read-only credentials when set
    index = args.index or settings.index_prefix
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    with make_client(settings) as client:
        app = create_app(client, index)
        url = f"http://{args.host}:{args.port}/"
        print(f"newsarchive search on {url} (index {index!r}), API docs at {url}api/docs")
        sys.stdout.flush()
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _terminal_snippet(snippet: str) -> str:
    import html

    bold = sys.stdout.isatty()
    text = snippet.replace("<mark>", "\x1b[1m" if bold else "[").replace(
        "</mark>", "\x1b[0m" if bold else "]"
    )
    return html.unescape(" ".join(text.split()))


def _sources_list(args: argparse.Namespace) -> int:
    from pipeline.sources import load_sources

    for s in load_sources(args.sources_file):
        state = "enabled" if s.enabled else "disabled"
        print(
            f"{s.name} ({state}): {len(s.feeds)} feed(s), {len(s.sitemaps)} sitemap(s), "
            f"{len(s.start_urls)} start page(s)"
        )
        for url in (*s.feeds, *s.sitemaps, *s.start_urls):
            print(f"    {url}")
    return 0


def _sources_check(args: argparse.Namespace) -> int:
    from pipeline.sources import check_sources, default_sources_path, load_sources

    path = args.sources_file or default_sources_path()
    sources = load_sources(path)
    warnings = check_sources(sources)
    for w in warnings:
        print(f"warning: {w}")
    print(
        f"{path}: {len(sources)} source(s) valid"
        + (f", {len(warnings)} warning(s)" if warnings else "")
    )
    return 0


def _es(args: argparse.Namespace) -> int:
    from pipeline.local import node as localnode

    if args.action == "cluster":
        return _es_cluster(args)
    argv = [args.action]
    if args.timeout is not None and args.action in {"start", "stop"}:
        argv += ["--timeout", str(args.timeout)]
    if args.json and args.action == "status":
        argv.append("--json")
    return localnode.main(argv)


def _es_cluster(args: argparse.Namespace) -> int:
    from pipeline.local import cluster as localcluster

    action = args.cluster_action or "status"
    argv = ["--name", args.name] if args.name else []
    argv.append(action)
    if action == "start":
        argv += ["--nodes", str(args.nodes)] if args.nodes else []
        argv += ["--http-port", str(args.http_port)] if args.http_port else []
    if action == "stop-node":
        argv += [args.node or "", *(["--kill"] if args.kill else [])]
    if action == "stop" and args.wipe:
        argv.append("--wipe")
    if args.timeout is not None and action in {"start", "stop"}:
        argv += ["--timeout", str(args.timeout)]
    if args.json and action == "status":
        argv.append("--json")
    return localcluster.main(argv, prog="newsarchive es cluster")


def _extract(args: argparse.Namespace) -> int:
    from pipeline.extract.__main__ import main as extract_main

    argv: list[str] = list(args.paths)
    if args.url:
        argv += ["--url", args.url]
    if args.paths_from:
        argv += ["--paths-from", args.paths_from]
    if args.timings:
        argv.append("--timings")
    return extract_main(argv)


def _fixture_site(args: argparse.Namespace) -> int:
    from pipeline.local.fixture_site import serve_forever

    serve_forever(args.host, args.port)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from pipeline.crawl.runner import run_crawls, select_sources
    from pipeline.local.fixture_site import FixtureSite

    try:
        site = FixtureSite(port=args.port).start()
    except OSError:
        # The port is taken (another demo?): any free port works, URLs just differ.
        site = FixtureSite(port=0).start()
    try:
        os.environ["NEWSARCHIVE_DEMO_URL"] = site.base_url
        print(f"fixture news site at {site.base_url}")
        # The crawl refuses loopback addresses unless allowed: allow the fixture site's port only.
        allowed = f"127.0.0.1:{site.port}"
        summaries = run_crawls(
            select_sources(["demo"]),
            {
                "DOWNLOAD_DELAY": 0,
                "AUTOTHROTTLE_ENABLED": False,
                "NEWSARCHIVE_ALLOWED_NETWORKS": allowed,
                # The demo shows its summary and a search; Scrapy's start-up lines are noise here.
                "LOG_LEVEL": "WARNING",
            },
        )
    finally:
        site.stop()
    for s in summaries:
        print(_summary_text(s.to_dict()))
    print(f"\n$ newsarchive search {args.query}")
    return _search(
        argparse.Namespace(
            query=[args.query],
            source=[],
            author=[],
            section=[],
            language=[],
            collapse=True,
            date_from=None,
            date_to=None,
            sort="relevance",
            limit=5,
            index=None,
            json=False,
        )
    )
