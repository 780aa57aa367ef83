"""A node leaves a two-node cluster in the middle of a bulk load: nothing lost, nothing duplicated.

The load goes through the crawl's own writer (``write_batch`` -> ``deliver``) and the project's
client built from a comma-separated ``ELASTICSEARCH_URL`` naming both nodes, into an index created
with ``NEWSARCHIVE_INDEX_REPLICAS=1``. Before the load the index's only primary is moved to the
data-only node, so the node that is then killed (SIGKILL, a crash) holds the primary: the master
must promote the replica while requests are in flight, and the client must re-send what the dead
node was coordinating to the surviving one. The load must finish without spooling or parking a
single document, the stored ids must equal the expected set, a terms aggregation on
``canonical_url`` with ``min_doc_count: 2`` must be empty, and the cluster must be yellow (one
copy) until the node comes back, then green with both copies complete.

The replica setting itself is checked too: an index made without replicas (as on the single
node) gains one when the writer next starts with ``NEWSARCHIVE_INDEX_REPLICAS=1``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cluster import LocalCluster
from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan
from load_articles import load_article

from pipeline.index import (
    BatchOutcome,
    ClusterSettings,
    DeadLetterFile,
    drop_index,
    ensure_index,
    make_async_client,
    make_client,
    write_batch,
)
from pipeline.index.spool import Spool
from pipeline.items import Article

pytestmark = pytest.mark.integration

TOTAL = 6_000
BATCH = 200
KILL_AT = TOTAL // 3
PREFIX = "test-node-loss"
FETCHED = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def article(n: int) -> Article:
    return load_article(
        n,
        host="harbour.example",
        source="harbour",
        day=FETCHED,
        slug="cluster",
        body="Story {n} of the load: the harbour master counted the boats twice and got two sums.",
    )


@pytest.fixture
def cluster_client(es_cluster: LocalCluster) -> Iterator[Elasticsearch]:
    """A client of the whole cluster, as the pipeline builds it from ``ELASTICSEARCH_URL``."""
    with make_client(ClusterSettings(url=es_cluster.url)) as client:
        yield client
        drop_index(client, PREFIX)


def shard_copies(es: Elasticsearch, alias: str) -> dict[str, str]:
    """``{"p": node name, "r": node name}`` of the index's single shard (started copies only)."""
    response = es.cat.shards(index=alias, format="json", h="prirep,state,node")
    rows: list[dict[str, str]] = response.body  # type: ignore[assignment]  # JSON, not text
    return {row["prirep"]: row["node"] for row in rows if row["state"] == "STARTED"}


def move_primary_to(es: Elasticsearch, alias: str, node: str) -> None:
    """Cancelling the primary's copy elsewhere promotes the replica on ``node``."""
    primary = shard_copies(es, alias)["p"]
    if primary != node:
        cancel = {"index": alias, "shard": 0, "node": primary, "allow_primary": True}
        es.cluster.reroute(commands=[{"cancel": cancel}])
        es.cluster.health(index=alias, wait_for_status="green", timeout="60s")


def load(url: str, articles: list[Article], alias: str, tmp: Path) -> list[BatchOutcome]:
    """The bulk load as the crawl does it: batches through ``write_batch``, default retries."""

    async def run() -> list[BatchOutcome]:
        client = make_async_client(ClusterSettings(url=url))
        dead, spool = DeadLetterFile(tmp / "dead-letter.jsonl"), Spool(tmp / "spool.jsonl")
        try:
            return [
                await write_batch(
                    client, articles[i : i + BATCH], alias=alias, dead_letter=dead, spool=spool
                )
                for i in range(0, len(articles), BATCH)
            ]
        finally:
            await client.close()

    return asyncio.run(run())


def stored_ids(es: Elasticsearch, alias: str) -> list[str]:
    hits: list[dict[str, Any]] = list(
        scan(es, index=alias, query={"query": {"match_all": {}}}, _source=False, size=2000)
    )
    return [hit["_id"] for hit in hits]


def test_killing_the_node_that_holds_the_primary_mid_load_loses_and_duplicates_nothing(
    es_cluster: LocalCluster,
    cluster_client: Elasticsearch,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    es = cluster_client
    # Figures of this machine, kept with the result (e.g. --junitxml -o junit_family=legacy).
    figures = request.node.user_properties
    monkeypatch.setenv("NEWSARCHIVE_INDEX_REPLICAS", "1")
    index = ensure_index(es, PREFIX)
    es.cluster.health(index=index, wait_for_status="green", timeout="60s")
    leaving, staying = es_cluster.data_only.name, es_cluster.master.name
    move_primary_to(es, index, leaving)
    assert shard_copies(es, index) == {"p": leaving, "r": staying}

    articles = [article(n) for n in range(TOTAL)]
    outcomes: list[BatchOutcome] = []
    writer = threading.Thread(
        target=lambda: outcomes.extend(load(es_cluster.url, articles, index, tmp_path))
    )
    began = time.monotonic()
    writer.start()
    # Watched through the staying node only: the other one is about to disappear.
    with Elasticsearch(es_cluster.master.url, request_timeout=10) as watcher:
        while watcher.count(index=index)["count"] < KILL_AT:
            assert writer.is_alive(), "the load ended before the node was stopped"
            assert time.monotonic() - began < 60, "the load never got going"
            time.sleep(0.1)
        es_cluster.stop_node(leaving, kill=True)
        killed_at = watcher.count(index=index)["count"]
        writer.join(timeout=120)
        assert not writer.is_alive(), "the load did not finish without the node"
        load_seconds = time.monotonic() - began
        health = watcher.cluster.health(index=index, wait_for_nodes="1", timeout="30s")
    figures += [
        ("cluster_start_seconds", round(es_cluster.started_seconds, 1)),
        ("load_seconds", round(load_seconds, 1)),
        ("documents_in_when_killed", killed_at),
        ("documents_resent", sum(len(o.updated) for o in outcomes)),
    ]
    assert killed_at < TOTAL, "the node must leave while documents are still to come"
    assert health["number_of_nodes"] == 1
    assert health["status"] == "yellow"  # the primary moved to the staying node; no replica left

    # Nothing lost: every article was acknowledged; nothing waits in the spool or dead letters.
    assert not any(o.spooled or o.parked for o in outcomes)
    acknowledged = [i for o in outcomes for i in (*o.created, *o.updated, *o.unchanged)]
    assert sorted(acknowledged) == sorted(a.id for a in articles)
    assert not (tmp_path / "spool.jsonl").exists() or not (tmp_path / "spool.jsonl").read_text()

    # Nothing duplicated, nothing missing: the stored ids are exactly the expected set.
    es.indices.refresh(index=index)
    ids = stored_ids(es, index)
    assert len(ids) == TOTAL
    assert set(ids) == {a.id for a in articles}
    dupes = es.search(
        index=index, size=0, aggs={"d": {"terms": {"field": "canonical_url", "min_doc_count": 2}}}
    )
    assert dupes["aggregations"]["d"]["buckets"] == []

    # The node comes back: its stale copy is recovered from the new primary, and both are whole.
    began = time.monotonic()
    es_cluster.restore()
    figures.append(("node_rejoin_seconds", round(time.monotonic() - began, 1)))
    after = es.cluster.health(index=index, wait_for_status="green", timeout="60s")
    assert after["status"] == "green" and after["number_of_nodes"] == 2
    assert shard_copies(es, index) == {"p": staying, "r": leaving}
    for node in (staying, leaving):
        count = es.count(index=index, preference=f"_only_nodes:{node}")["count"]
        assert count == TOTAL, f"copy on {node} holds {count} documents"


def replicas_of(es: Elasticsearch, alias: str) -> int:
    return int(
        es.indices.get_settings(index=alias)[alias]["settings"]["index"]["number_of_replicas"]
    )


def test_an_index_made_without_replicas_gains_one_when_the_writer_is_told_to(
    es_cluster: LocalCluster, cluster_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    es = cluster_client
    es_cluster.restore()  # whole again, whatever an earlier test did to it
    monkeypatch.delenv("NEWSARCHIVE_INDEX_REPLICAS", raising=False)
    index = ensure_index(es, PREFIX)
    assert replicas_of(es, index) == 0  # made as on the single node
    monkeypatch.setenv("NEWSARCHIVE_INDEX_REPLICAS", "1")
    assert ensure_index(es, PREFIX) == index  # the crawl's start-up call, now with the setting
    assert replicas_of(es, index) == 1
    es.cluster.health(index=index, wait_for_status="green", timeout="60s")
    assert set(shard_copies(es, index).values()) == {n.name for n in es_cluster.spec.members()}
