"""The ``es_cluster`` fixture: a real two-node Elasticsearch cluster on loopback for one session.

Tests of multi-node behaviour (a node leaving mid-load, several crawl workers writing to one
cluster) need more than the shared single node on port 9200, which they must never disturb. The
fixture starts a cluster of its own (``pipeline.local.cluster``): a name unique to this pytest
process and ports no other session has claimed, so that two sessions running at once on this
shared machine never stop, kill or race each other's nodes; and it stops and deletes that cluster
at the end of the session.

Set ``NEWSARCHIVE_TEST_CLUSTER=<name>`` to use a cluster started beforehand with
``newsarchive es cluster --name <name> start`` instead (it is started if it is not running, and
left running afterwards): repeated runs then skip the start-up, about 20 s for two JVMs here.

Node 1 is the only master-eligible node and node 2 holds data only (the docstring of
``pipeline.local.cluster`` says why): tests stop node 2 to make a node leave while the cluster keeps
its master.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from pipeline.local import cluster as localcluster
from pipeline.local.cluster import ClusterNode, ClusterSpec
from pipeline.local.node import NodeSettings

NODES = 2
START_TIMEOUT = 300.0  # two JVMs on two shared cores: about 20 s when idle, much more when busy


@dataclass(frozen=True)
class LocalCluster:
    """A running test cluster: its URLs, and the means to make a node leave and come back."""

    spec: ClusterSpec
    started_seconds: float

    @property
    def urls(self) -> tuple[str, ...]:
        return self.spec.urls

    @property
    def url(self) -> str:
        """Every node, comma-separated: what ``ELASTICSEARCH_URL`` holds for this cluster."""
        return self.spec.url

    @property
    def master(self) -> ClusterNode:
        return next(n for n in self.spec.members() if n.master_eligible)

    @property
    def data_only(self) -> ClusterNode:
        """The node that can leave without taking the cluster's master with it."""
        return next(n for n in self.spec.members() if not n.master_eligible)

    def stop_node(self, name: str, *, kill: bool = True) -> None:
        """Make a node leave: SIGKILL (a crash) by default, SIGTERM with ``kill=False``."""
        assert localcluster.stop_node(self.spec, name, kill=kill), f"{name} was not running"

    def restore(self) -> None:
        """Start whatever node is missing and wait until every node has joined again."""
        localcluster.start(self.spec, timeout=START_TIMEOUT)


@pytest.fixture(scope="session")
def es_cluster() -> Iterator[LocalCluster]:
    """A two-node cluster (master+data, data-only) for the session; see the module docstring."""
    shared = os.environ.get("NEWSARCHIVE_TEST_CLUSTER", "").strip()
    if shared:
        spec = localcluster.load_spec(shared)
    else:
        # Ports that no concurrent session has claimed: they are chosen and claimed under a lock.
        spec = localcluster.allocate(NodeSettings.from_env(), f"test-{os.getpid()}", NODES)
    began = time.monotonic()
    try:
        localcluster.start(spec, timeout=START_TIMEOUT)
        yield LocalCluster(spec, time.monotonic() - began)
    finally:
        if not shared:
            localcluster.stop(spec, timeout=30, wipe=True)
