"""The commands of what the project runs on this machine for itself: ``es`` (the local node),
``es cluster`` (a local multi-node cluster), ``fixture-site``, ``redis`` and ``demo``.

Registered by ``pipeline.cli.build_parser``. ``newsarchive es install`` must work on a fresh
checkout before the Elasticsearch client is installed (``scripts/setup``), so this module imports
only the standard library at module level; ``pipeline.local.node`` and ``pipeline.local.cluster``
(standard library too, but with urllib.request and importlib.metadata, a visible share of every
command's start-up) and everything else are imported by the handlers.
The defaults written in help texts are checked against those modules by tests/unit/test_cli_tree.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pipeline.cli import flags
from pipeline.cli.logs import progress_to_stderr

if TYPE_CHECKING:
    from pipeline.local.cluster import ClusterSpec

__all__ = ["DEMO_QUERY", "register"]

DEMO_QUERY = "Iraq inspectors"


def register(commands: flags.Commands) -> None:
    """Add ``es``, ``fixture-site``, ``redis`` and ``demo`` to the ``newsarchive`` commands."""
    _register_es(commands)

    p = commands.add_parser(
        "fixture-site",
        help="serve the bundled fixture news site on loopback",
        description="Serve the fixture news site (The Harbor City Ledger) over HTTP until "
        "Ctrl+C. It is the site the integration tests crawl and the README demo uses.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    p.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.set_defaults(handler=_fixture_site)

    p = commands.add_parser(
        "redis",
        help="run a private, non-persistent Redis server in the foreground",
        description="A throw-away redis-server on loopback (Debian's redis-server package), "
        "for local trials of `crawl --distributed` and for tests: no persistence, its own "
        "directory, never the system's Redis service. Prints its URL; Ctrl+C stops it.",
    )
    p.add_argument("--port", type=int, default=6390, help="TCP port (default: %(default)s)")
    p.add_argument(
        "--dir", type=Path, metavar="DIR", help="working directory (default: a temporary one)"
    )
    p.set_defaults(handler=_redis)

    p = commands.add_parser(
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


# -- es: the local node --------------------------------------------------------------------------


def _register_es(commands: flags.Commands) -> None:
    p = commands.add_parser(
        "es",
        help="manage the project's local Elasticsearch node",
        description="Download (once), start, stop or inspect the local node (127.0.0.1, single "
        "node) used when ELASTICSEARCH_URL is not set; `es cluster` runs a multi-node one beside "
        "it. Environment: NEWSARCHIVE_ES_HOME, NEWSARCHIVE_ES_PORT, "
        "NEWSARCHIVE_ES_TRANSPORT_PORT, NEWSARCHIVE_ES_VERSION, NEWSARCHIVE_ES_HEAP, "
        "NEWSARCHIVE_ES_USER, ES_JAVA_HOME.",
    )
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    q = actions.add_parser(
        "install",
        help="download, unpack and configure the node (no start)",
        description="Download the node once (into Maven's cache), unpack and configure it.",
    )
    q.set_defaults(handler=_es_install)
    q = actions.add_parser(
        "start",
        help="start the node (or reuse one) and print its URL",
        description="Start the node, or reuse the one running, and print its URL.",
    )
    q.add_argument("--timeout", type=float, help="seconds to wait for yellow health (default 120)")
    q.set_defaults(handler=_es_start)
    q = actions.add_parser(
        "stop",
        help="stop the node started from this home",
        description="Stop the node started from this home (SIGTERM, then SIGKILL).",
    )
    q.add_argument("--timeout", type=float, help="seconds between SIGTERM and SIGKILL (default 60)")
    q.set_defaults(handler=_es_stop)
    q = actions.add_parser(
        "status",
        help="show the node's state; exit 3 if not running",
        description="The node's state, URL, version, home and JDK; exit status 3 if not running.",
    )
    flags.add_json(q, "the state")
    q.set_defaults(handler=_es_status)
    _register_cluster(actions)


def _es_install(args: argparse.Namespace) -> int:
    from pipeline.local import node

    def run() -> None:
        settings = node.NodeSettings.from_env()
        path = node.install(settings)
        java = settings.java_home or "NONE (start will fail until a JDK is installed)"
        _print(f"installed Elasticsearch {settings.version} at {path} (java: {java})")

    return _node_command(run)


def _es_start(args: argparse.Namespace) -> int:
    from pipeline.local import node

    def run() -> None:
        settings = node.NodeSettings.from_env()
        url = node.start(settings, **_timeout(args))
        found = node._probe(settings)
        problem = (
            node.compatibility_problem(found.version, node.client_version())
            if found.version
            else None
        )
        if problem:
            node.log.warning("WARNING: %s", problem)
        _print(url)

    return _node_command(run)


def _es_stop(args: argparse.Namespace) -> int:
    from pipeline.local import node

    def run() -> None:
        stopped = node.stop(node.NodeSettings.from_env(), **_timeout(args))
        _print("stopped" if stopped else "no node of ours was running")

    return _node_command(run)


def _es_status(args: argparse.Namespace) -> int:
    from pipeline.local import node

    running = False

    def run() -> None:
        nonlocal running
        report = node.status(node.NodeSettings.from_env())
        _print(report.to_json() if args.json else report.describe())
        running = report.running

    return _node_command(run) or (0 if running else 3)


def _node_command(run: Callable[[], None], prefix: str = "es") -> int:
    """Run one ``es`` or ``es cluster`` action: progress on stderr as ``prefix: ...``; exit
    status 1 with ``error: ...`` when the node fails (not the 2 of ``newsarchive: error:``)."""
    from pipeline.exceptions import ElasticsearchNodeError
    from pipeline.local import node

    loggers = [node.log]
    if prefix != "es":
        loggers.append(logging.getLogger("pipeline.local.cluster"))
    for logger in loggers:
        progress_to_stderr(logger, prefix)
    try:
        run()
    except ElasticsearchNodeError as exc:
        _print(f"error: {exc}", sys.stderr)
        return 1
    return 0


def _timeout(args: argparse.Namespace) -> dict[str, float]:
    """``--timeout`` when given; else the library function's own default applies."""
    return {} if args.timeout is None else {"timeout": args.timeout}


def _print(text: str, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout, flush=True)


# -- es cluster: a local multi-node cluster ------------------------------------------------------


def _register_cluster(actions: flags.Commands) -> None:
    p = actions.add_parser(
        "cluster",
        help="a local multi-node cluster beside the node (start|stop|status|stop-node)",
        description="A local multi-node Elasticsearch cluster on 127.0.0.1, beside the single "
        "node on 9200 (which it never touches). Without an action: status.",
    )
    _add_cluster_name(p, default=None)
    p.set_defaults(handler=_cluster_status, json=False)
    sub = p.add_subparsers(title="actions", metavar="ACTION")
    q = sub.add_parser(
        "start",
        help="start every node (or reuse them) and print the URLs",
        description="Start every node of the cluster, or reuse those running; print the URLs.",
    )
    _add_cluster_name(q)
    q.add_argument("--nodes", type=int, help="number of nodes (default 2)")
    q.add_argument("--http-port", type=int, help="first node's HTTP port (default 9250)")
    q.add_argument("--timeout", type=float, help="seconds to wait for the cluster (default 240)")
    q.set_defaults(handler=_cluster_start)
    q = sub.add_parser(
        "stop",
        help="stop every node of the cluster",
        description="Stop every node of the cluster (SIGTERM, then SIGKILL).",
    )
    _add_cluster_name(q)
    q.add_argument("--wipe", action="store_true", help="also delete its data and config")
    q.add_argument("--timeout", type=float, help="SIGTERM grace, seconds (default 60)")
    q.set_defaults(handler=_cluster_stop)
    q = sub.add_parser(
        "stop-node",
        help="stop one node (tests: a node leaving)",
        description="Stop one node of the cluster, as tests do to make a node leave.",
    )
    _add_cluster_name(q)
    q.add_argument("node", help="node name, or its number")
    q.add_argument("--kill", action="store_true", help="SIGKILL instead of SIGTERM")
    q.set_defaults(handler=_cluster_stop_node)
    q = sub.add_parser(
        "status",
        help="nodes and health; exit 3 if none runs",
        description="Each node's process and the cluster's health; exit status 3 if none runs.",
    )
    _add_cluster_name(q)
    flags.add_json(q, "nodes and health")
    q.set_defaults(handler=_cluster_status)


def _add_cluster_name(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """``--name``, before the action (``es cluster --name N start``) or after it.

    After it, the action's parser must not reset a name given before it: argparse copies every
    attribute of the action's namespace onto the command's, so there it has no default at all.
    """
    parser.add_argument(
        "--name", default=default, help="cluster name (default newsarchive-cluster)"
    )


def _spec(args: argparse.Namespace, *, sized: bool = False) -> ClusterSpec:
    """The cluster's saved layout (``cluster.json``); ``start`` may resize it."""
    from dataclasses import replace

    from pipeline.local import cluster

    spec = cluster.load_spec(args.name) if args.name else cluster.load_spec()
    if sized:
        nodes = args.nodes if args.nodes is not None else spec.nodes
        port = args.http_port if args.http_port is not None else spec.http_port
        spec = replace(spec, nodes=nodes, http_port=port)
    return spec


def _cluster_start(args: argparse.Namespace) -> int:
    from pipeline.local import cluster

    def run() -> None:
        print(",".join(cluster.start(_spec(args, sized=True), **_timeout(args))), flush=True)

    return _node_command(run, "es cluster")


def _cluster_stop(args: argparse.Namespace) -> int:
    from pipeline.local import cluster

    def run() -> None:
        stopped = cluster.stop(_spec(args), wipe=args.wipe, **_timeout(args))
        print("stopped " + ", ".join(stopped) if stopped else "no node of ours was running")

    return _node_command(run, "es cluster")


def _cluster_stop_node(args: argparse.Namespace) -> int:
    from pipeline.local import cluster

    def run() -> None:
        done = cluster.stop_node(_spec(args), args.node, kill=args.kill)
        print("stopped" if done else "that node was not running", flush=True)

    return _node_command(run, "es cluster")


def _cluster_status(args: argparse.Namespace) -> int:
    from pipeline.local import cluster

    running = False

    def run() -> None:
        nonlocal running
        report = cluster.status(_spec(args))
        print(report.to_json() if args.json else report.describe(), flush=True)
        running = report.running

    return _node_command(run, "es cluster") or (0 if running else 3)


# -- fixture-site, redis, demo -------------------------------------------------------------------


def _fixture_site(args: argparse.Namespace) -> int:
    from pipeline.local.fixture_site import serve_forever

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(message)s",
    )
    serve_forever(args.host, args.port)
    return 0


def _redis(args: argparse.Namespace) -> int:
    from pipeline.local.redis_server import LocalRedis

    server = LocalRedis(port=args.port, directory=args.dir)
    print(f"redis: {server.start()}", flush=True)
    try:
        assert server.process is not None
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _demo(args: argparse.Namespace) -> int:
    from pipeline.crawl.cli import summary_text
    from pipeline.crawl.runner import run_crawls, select_sources
    from pipeline.local.fixture_site import FixtureSite
    from pipeline.search import SearchRequest
    from pipeline.search.cli import print_search

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
        print(summary_text(s.to_dict()))
    print(f"\n$ newsarchive search {args.query}")
    request = SearchRequest(text=args.query, size=5, collapse=True, facets=False)
    return print_search(request, flags.alias(args))
