"""A local multi-node Elasticsearch cluster on loopback, next to the single node, never instead.

Why this exists: issue 8 asks for a writer that survives a node leaving, and for a test that stops
a real node in the middle of a load. The project's single node on port 9200 is used by everyone
all the time, so the cluster is a separate set of processes: its own cluster name, its own ports
(HTTP from 9250, transport from HTTP + 100), its own config, data and log dirs under
``<node home>/clusters/<name>/<node>/``. It reuses the single node's unpacked distribution
(``pipeline.local.node``: same version, JDK and run-as user), pointing each node at its own config
dir with ``ES_PATH_CONF``.

Which nodes may be master, and why: a master needs a majority of the master-eligible nodes.
With two master-eligible nodes, losing either one leaves one vote of two -- no quorum, no master,
no writes -- so a two-node cluster cannot survive a node leaving whichever node leaves. Here:

* with one or two nodes, only the first node is master-eligible (and holds data); the others are
  data-only. Stopping a data-only node (what the node-loss test does) keeps the master and the
  cluster writable; the replicas on the first node are promoted. Losing the first node does stop
  the cluster: a two-JVM setup on a 2-core machine cannot have a spare master.
* with three or more nodes, the first three are master-eligible, so any one node may leave.

Each node gets a 512m heap, the single node's disk-threshold and mmap settings, and a copy of the
hunspell ``en_US`` dictionary the index template needs. The layout is saved in ``cluster.json``
so that ``stop`` and ``status`` find the ports that ``start`` chose. Commands:
``newsarchive es cluster start|stop|status|stop-node`` (``pipeline/local/cli.py``), also
reachable as ``python -m pipeline.local.cluster start|stop|status|stop-node``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeAlias

from pipeline.exceptions import ElasticsearchNodeError
from pipeline.local import node as localnode
from pipeline.local.node import NodeSettings

__all__ = [
    "ClusterNode",
    "ClusterSpec",
    "ClusterStatus",
    "NodeState",
    "allocate",
    "load_spec",
    "render_node_yml",
    "start",
    "status",
    "stop",
    "stop_node",
]

log = logging.getLogger("pipeline.local.cluster")

DEFAULT_NAME = "newsarchive-cluster"
DEFAULT_NODES = 2
DEFAULT_HTTP_PORT = 9250
DEFAULT_HEAP = "512m"
#: Files of the distribution's config dir each node needs; ``elasticsearch.yml`` and
#: ``jvm.options.d`` are written per node instead.
_COPIED_CONFIG = (
    "jvm.options",
    "log4j2.properties",
    "role_mapping.yml",
    "roles.yml",
    "users",
    "users_roles",
)
_SPEC_FILE = "cluster.json"


def master_count(nodes: int) -> int:
    """How many nodes are master-eligible: three when three exist, else only the first."""
    return 3 if nodes >= 3 else 1


@dataclass(frozen=True)
class ClusterNode:
    """One node of the cluster; ``settings`` is localnode's view of it (ports, pid, data, logs)."""

    name: str
    roles: tuple[str, ...]
    transport_port: int
    directory: Path
    settings: NodeSettings

    @property
    def url(self) -> str:
        return self.settings.url

    @property
    def http_port(self) -> int:
        return self.settings.port

    @property
    def config_dir(self) -> Path:
        return self.directory / "config"

    @property
    def master_eligible(self) -> bool:
        return "master" in self.roles


@dataclass(frozen=True)
class ClusterSpec:
    """Name, size and ports of a local cluster; ``base`` says which install runs it."""

    base: NodeSettings
    name: str = DEFAULT_NAME
    nodes: int = DEFAULT_NODES
    http_port: int = DEFAULT_HTTP_PORT
    heap: str = DEFAULT_HEAP

    def __post_init__(self) -> None:
        if not 1 <= self.nodes <= 9:
            raise ElasticsearchNodeError(f"a local cluster has 1 to 9 nodes, not {self.nodes}")
        if not 1024 <= self.http_port <= 65535 - 100 - self.nodes:
            raise ElasticsearchNodeError(f"HTTP port {self.http_port} is out of range")
        if not self.name.replace("-", "").replace("_", "").isalnum():
            raise ElasticsearchNodeError(f"cluster name {self.name!r}: use letters, digits, - _")

    @property
    def root(self) -> Path:
        """Outside the single node's ``run/``, whose pid files it treats as its own."""
        return self.base.home / "clusters" / self.name

    @property
    def transport_port(self) -> int:
        return self.http_port + 100

    def members(self) -> tuple[ClusterNode, ...]:
        masters = master_count(self.nodes)
        found = []
        for i in range(self.nodes):
            name = f"{self.name}-{i + 1}"
            directory = self.root / name
            roles = ("master", "data", "ingest") if i < masters else ("data", "ingest")
            settings = replace(
                self.base,
                home=directory,
                port=self.http_port + i,
                transport_port=self.transport_port + i,
                heap_min=self.heap,
                heap_max=self.heap,
            )
            found.append(ClusterNode(name, roles, self.transport_port + i, directory, settings))
        return tuple(found)

    def node(self, name: str) -> ClusterNode:
        """The member called ``name``; its number alone (``2``) is accepted too."""
        for member in self.members():
            if name in (member.name, member.name.rsplit("-", 1)[1]):
                return member
        known = ", ".join(m.name for m in self.members())
        raise ElasticsearchNodeError(f"no node {name!r} in cluster {self.name} ({known})")

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(m.url for m in self.members())

    @property
    def url(self) -> str:
        """All nodes, comma-separated: the form ``ELASTICSEARCH_URL`` takes for a cluster."""
        return ",".join(self.urls)


def load_spec(
    name: str = DEFAULT_NAME,
    *,
    base: NodeSettings | None = None,
    env: Mapping[str, str] | None = None,
) -> ClusterSpec:
    """The spec ``start`` saved for ``name``, or the defaults when it never ran."""
    base = base or NodeSettings.from_env(env)
    spec = ClusterSpec(base=base, name=name)
    try:
        saved = json.loads((spec.root / _SPEC_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return spec
    return replace(spec, nodes=int(saved["nodes"]), http_port=int(saved["http_port"]))


def _save_spec(spec: ClusterSpec) -> None:
    saved = {"name": spec.name, "nodes": spec.nodes, "http_port": spec.http_port}
    spec.root.mkdir(parents=True, exist_ok=True)
    localnode._write_if_changed(spec.root / _SPEC_FILE, json.dumps(saved, indent=2) + "\n")


#: A claim without a running node still holds its ports this long: its start may be under way.
_CLAIM_GRACE_SECONDS = 900.0


def _claimed_ports(base: NodeSettings, *, other_than: str) -> set[int]:
    """HTTP and transport ports of the other clusters of this home that run or are starting."""
    claimed: set[int] = set()
    for saved in (base.home / "clusters").glob(f"*/{_SPEC_FILE}"):
        name = saved.parent.name
        if name == other_than:
            continue
        try:
            spec = load_spec(name, base=base)
            age = time.time() - saved.stat().st_mtime
        except (OSError, ElasticsearchNodeError):
            continue
        members = spec.members()
        if age < _CLAIM_GRACE_SECONDS or any(localnode._our_pid(m.settings) for m in members):
            claimed |= {p for m in members for p in (m.http_port, m.transport_port)}
    return claimed


def allocate(
    base: NodeSettings,
    name: str,
    nodes: int = DEFAULT_NODES,
    *,
    first: int = DEFAULT_HTTP_PORT,
    last: int = 9890,
) -> ClusterSpec:
    """A spec on ports that nothing listens on and no other cluster claims, claimed at once.

    Two test sessions starting clusters at the same moment would otherwise both find 9250 free
    and race to bind it; choosing and claiming (saving ``cluster.json``) happen under one lock.
    """
    clusters = base.home / "clusters"
    with localnode._locked(replace(base, home=clusters)):
        claimed = _claimed_ports(base, other_than=name)
        for port in range(first, last, 10):
            spec = ClusterSpec(base=base, name=name, nodes=nodes, http_port=port)
            wanted = {p for m in spec.members() for p in (m.http_port, m.transport_port)}
            if wanted & claimed or any(localnode._port_open(base.host, p) for p in wanted):
                continue
            _save_spec(spec)
            return spec
    raise ElasticsearchNodeError(f"no free ports for {nodes} nodes between {first} and {last}")


# --------------------------------------------------------------------------- configuration


def render_node_yml(
    spec: ClusterSpec,
    node: ClusterNode,
    *,
    allow_mmap: bool,
    modules: frozenset[str],
    bootstrap: bool = True,
) -> str:
    """One node's ``elasticsearch.yml``: the single node's settings plus discovery and roles.

    ``cluster.initial_master_nodes`` is written only for the first start (``bootstrap``): once a
    cluster has formed, Elasticsearch asks for it to be removed, as a later bootstrap with
    fresh data dirs would form a second cluster.
    """
    members = spec.members()
    masters = [m.name for m in members if m.master_eligible]
    lines: list[tuple[str, object]] = [
        ("cluster.name", spec.name),
        ("node.name", node.name),
        ("node.roles", list(node.roles)),
        ("network.host", spec.base.host),
        ("http.port", node.http_port),
        ("transport.port", node.transport_port),
        ("discovery.seed_hosts", [f"{spec.base.host}:{m.transport_port}" for m in members]),
        ("path.data", str(node.settings.data_dir)),
        ("path.logs", str(node.settings.logs_dir)),
    ]
    if bootstrap:
        lines.append(("cluster.initial_master_nodes", masters))
    lines += localnode.local_machine_settings(allow_mmap=allow_mmap, modules=modules)
    return localnode.yml_text(lines, writer="pipeline.local.cluster")


def bootstrapped(spec: ClusterSpec) -> bool:
    """Whether the cluster has formed once: a master-eligible node has stored cluster state."""
    return any(
        (m.settings.data_dir / "_state").is_dir() for m in spec.members() if m.master_eligible
    )


def _copy_hunspell(config_dir: Path) -> None:
    """The en_US dictionary into ``<config>/hunspell/en_US``, as the single node gets it."""
    dest = config_dir / "hunspell" / localnode.HUNSPELL_LOCALE
    source = localnode.find_hunspell()
    if source is None:
        raise ElasticsearchNodeError(
            f"hunspell dictionary {localnode.HUNSPELL_LOCALE} not found; the index template "
            "needs it: apt-get install hunspell-en-us, or set NEWSARCHIVE_HUNSPELL_DIR"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for src in source:
        target = dest / src.name
        if not target.is_file() or target.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, target)
            target.chmod(0o644)


def _write_node_config(spec: ClusterSpec, node: ClusterNode) -> None:
    node.config_dir.mkdir(parents=True, exist_ok=True)
    for directory in (
        node.settings.data_dir,
        node.settings.logs_dir,
        node.settings.pid_file.parent,
    ):
        directory.mkdir(parents=True, exist_ok=True)
    for name in _COPIED_CONFIG:
        source = spec.base.config_dir / name
        if source.is_file() and not (node.config_dir / name).is_file():
            shutil.copyfile(source, node.config_dir / name)
    yml = render_node_yml(
        spec,
        node,
        allow_mmap=localnode.mmap_is_safe(),
        modules=localnode.dist_modules(spec.base.dist_dir),
        bootstrap=not bootstrapped(spec),
    )
    localnode._write_if_changed(node.config_dir / "elasticsearch.yml", yml)
    localnode._write_if_changed(
        node.config_dir / "jvm.options.d" / "newsarchive.options",
        localnode.render_jvm_options(node.settings),
    )
    _copy_hunspell(node.config_dir)


def _prepare(spec: ClusterSpec) -> None:
    """Install the distribution if needed, write every node's config, hand it to the node user."""
    account = localnode._prepare_account(spec.base)
    if not (spec.base.dist_dir / "bin" / "elasticsearch").is_file():
        localnode.install(spec.base)
    for node in spec.members():
        _write_node_config(spec, node)
    _save_spec(spec)
    if account is not None:
        localnode._chown_tree(spec.root, account.pw_uid, account.pw_gid)


# --------------------------------------------------------------------------- HTTP


def _health(url: str, query: str = "", timeout: float = 10.0) -> dict[str, Any] | None:
    """``/_cluster/health`` of the node at ``url``, or None when it does not answer JSON."""
    try:
        _code, body, _is_es = localnode._http_json(f"{url}/_cluster/health{query}", timeout)
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _check_owner(spec: ClusterSpec, node: ClusterNode) -> bool:
    """Whether ``node`` already runs as part of this cluster; raise if its ports are taken."""
    found = localnode._probe(node.settings)
    if found.kind == "other":
        raise ElasticsearchNodeError(f"port {node.http_port} is held by something else")
    if found.kind == "es":
        body = _health(node.url) or {}
        if body.get("cluster_name") != spec.name:
            raise ElasticsearchNodeError(
                f"port {node.http_port} answers as cluster {body.get('cluster_name')!r}, "
                f"not {spec.name!r}: choose another --http-port"
            )
        return True
    if localnode._our_pid(node.settings) is not None:
        return True  # still starting
    if localnode._port_open(spec.base.host, node.transport_port):
        raise ElasticsearchNodeError(f"transport port {node.transport_port} is in use")
    return False


# --------------------------------------------------------------------------- start / stop


def _wait_cluster(spec: ClusterSpec, deadline: float) -> dict[str, Any]:
    """Until every node has joined and health is at least yellow, asking any node that answers."""
    query = f"?wait_for_nodes={spec.nodes}&wait_for_status=yellow&timeout=5s"
    while True:
        for url in spec.urls:
            body = _health(url, query, timeout=15)
            if (
                body
                and body.get("timed_out") is False
                and body.get("status") in {"yellow", "green"}
            ):
                return body
        if time.monotonic() >= deadline:
            tails = "\n".join(localnode._log_tails(m.settings) for m in spec.members())
            raise ElasticsearchNodeError(
                f"cluster {spec.name} did not reach {spec.nodes} nodes and yellow in time\n{tails}"
            )
        time.sleep(1.0)


Launched: TypeAlias = list[tuple[ClusterNode, subprocess.Popen[bytes]]]


def _launch_all(spec: ClusterSpec, nodes: Sequence[ClusterNode]) -> Launched:
    """Start ``nodes`` together: a data node waits for the master, so one at a time is slow."""
    java_home = localnode._require_java(spec.base)
    return [
        (
            node,
            localnode._launch(
                node.settings, java_home, dist_dir=spec.base.dist_dir, conf_dir=node.config_dir
            ),
        )
        for node in nodes
    ]


def _await_launchers(launched: Launched, deadline: float) -> None:
    """Each launcher exits 0 once its node runs; any other exit is that node's failure."""
    for node, launcher in launched:
        try:
            code = launcher.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            continue  # _wait_cluster reports the timeout with the logs
        if code != 0:
            raise ElasticsearchNodeError(
                f"node {node.name} failed to start (launcher exit {code})\n"
                + localnode._log_tails(node.settings)
            )


def _abandon(launched: Launched) -> None:
    """Take down what a failed start launched, the launchers (by their Popen) included.

    Launchers are reaped first: a node writes its pid file while starting, so once its launcher
    has returned, the pid file names every server process there is to stop.
    """
    for _node, launcher in launched:
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()
    for node, _launcher in launched:
        localnode._stop_locked(node.settings, timeout=30)


def start(spec: ClusterSpec, timeout: float = 240.0) -> tuple[str, ...]:
    """Start every node that is not running yet (idempotent) and wait for all of them.

    Returns the nodes' URLs once the cluster has all ``spec.nodes`` nodes and is yellow or
    green. A node that fails to start takes the others it started down with it.
    """
    deadline = time.monotonic() + timeout
    spec.root.mkdir(parents=True, exist_ok=True)
    with localnode._locked(replace(spec.base, home=spec.root)):
        missing = [n for n in spec.members() if not _check_owner(spec, n)]
        if missing:
            _prepare(spec)
            log.info("starting %s of cluster %s", ", ".join(n.name for n in missing), spec.name)
            launched = _launch_all(spec, missing)
            try:
                _await_launchers(launched, deadline)
                _wait_cluster(spec, deadline)
            except ElasticsearchNodeError:
                _abandon(launched)
                raise
            for _node, launcher in launched:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    launcher.wait(timeout=30)
        health = _wait_cluster(spec, deadline)
    log.info("cluster %s is %s with %d nodes", spec.name, health["status"], spec.nodes)
    return spec.urls


def stop_node(spec: ClusterSpec, name: str, *, kill: bool = False, timeout: float = 60.0) -> bool:
    """Stop one node, by name: SIGTERM (graceful), or SIGKILL with ``kill`` (a crash).

    Returns True if the node was running. Only a node started from this cluster's dir is touched.
    """
    node = spec.node(name)
    if not kill:
        return localnode._stop_locked(node.settings, timeout)
    pid = localnode._our_pid(node.settings)
    if pid is None:
        return False
    log.info("killing node %s (pid %d)", node.name, pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while localnode._pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    node.settings.pid_file.unlink(missing_ok=True)
    return True


def stop(spec: ClusterSpec, *, timeout: float = 60.0, wipe: bool = False) -> list[str]:
    """Stop every node (data-only nodes first, the masters last); return the stopped names.

    ``wipe`` also deletes the cluster's dir (config, data, logs): tests leave nothing behind.
    """
    stopped = [
        node.name
        for node in sorted(spec.members(), key=lambda n: n.master_eligible)
        if localnode._stop_locked(node.settings, timeout)
    ]
    if wipe:
        shutil.rmtree(spec.root, ignore_errors=True)
    return stopped


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class NodeState:
    """One node as ``status`` sees it."""

    name: str
    url: str
    roles: tuple[str, ...]
    pid: int | None
    running: bool


@dataclass(frozen=True)
class ClusterStatus:
    """What ``status`` reports: each node, and the health as seen from any live node."""

    name: str
    url: str
    nodes: tuple[NodeState, ...]
    health: str | None
    joined: int

    @property
    def running(self) -> bool:
        return any(n.running for n in self.nodes)

    def describe(self) -> str:
        head = f"cluster  {self.name}: {self.health or 'not running'}, {self.joined} joined"
        rows = [
            f"{n.name:24} {'running' if n.running else 'stopped':8} {n.url:24} "
            f"pid {n.pid or '-'}  {','.join(n.roles)}"
            for n in self.nodes
        ]
        return "\n".join([head, f"url      {self.url}", *rows])

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "url": self.url,
                "health": self.health,
                "joined": self.joined,
                "nodes": [n.__dict__ | {"roles": list(n.roles)} for n in self.nodes],
            },
            indent=2,
        )


def status(spec: ClusterSpec) -> ClusterStatus:
    """Each node's process and the cluster health, without starting anything."""
    states = []
    health: dict[str, Any] | None = None
    for node in spec.members():
        running = localnode._probe(node.settings).kind == "es"
        states.append(
            NodeState(node.name, node.url, node.roles, localnode._our_pid(node.settings), running)
        )
        if running and health is None:
            health = _health(node.url)
    return ClusterStatus(
        name=spec.name,
        url=spec.url,
        nodes=tuple(states),
        health=str(health["status"]) if health and "status" in health else None,
        joined=int(health.get("number_of_nodes", 0)) if health else 0,
    )


if __name__ == "__main__":  # python -m pipeline.local.cluster: `newsarchive es cluster`
    from pipeline.cli import main

    raise SystemExit(main(["es", "cluster", *sys.argv[1:]]))
