"""SIGKILL of a real node in the middle of a 20,000-document bulk load, restart, re-run.

A second, throw-away node (its own home and port; the shared node on 9200 is never touched) takes
the load; when a quarter of it is in, the node is killed with SIGKILL. The writer keeps going:
what the node did not acknowledge is spooled. After a restart the spool is replayed and the whole
load re-run; every document is then present exactly once (ids equal the expected set, and a terms
aggregation on ``canonical_url`` with ``min_doc_count: 2`` is empty).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from elasticsearch import AsyncElasticsearch
from load_articles import load_article

from pipeline.index import (
    BatchOutcome,
    ClusterSettings,
    DeadLetterFile,
    RetryPolicy,
    ensure_index,
    make_async_client,
    make_client,
    write_batch,
)
from pipeline.index.spool import Spool, replay
from pipeline.items import Article
from pipeline.local import node as localnode

pytestmark = pytest.mark.integration

TOTAL = 20_000
BATCH = 500
INDEX = "test-node-kill"
FETCHED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def article(n: int) -> Article:
    return load_article(
        n,
        host="ledger.example",
        source="ledger",
        day=FETCHED,
        slug="bulk",
        body="Item {n} of the bulk load: the ferry ran late again and nobody said why.",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def second_node() -> Iterator[localnode.NodeSettings]:
    home = Path(tempfile.mkdtemp(prefix="newsarchive-es-kill-"))
    home.chmod(0o755)  # the node runs as an unprivileged user that must reach its home
    port = free_port()
    env = {
        **os.environ,
        "NEWSARCHIVE_ES_HOME": str(home),
        "NEWSARCHIVE_ES_PORT": str(port),
        "NEWSARCHIVE_ES_TRANSPORT_PORT": str(free_port()),
        "NEWSARCHIVE_ES_HEAP": "512m:512m",
    }
    settings = localnode.NodeSettings.from_env(env)
    assert settings.port != 9200
    try:
        localnode.start(settings, timeout=180)
        yield settings
    finally:
        localnode.stop(settings, timeout=30)
        if settings.pid_file.exists():  # still there: the node this fixture started, by its pid
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(settings.pid_file.read_text().strip()), signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)


def load(url: str, articles: list[Article], tmp: Path) -> list[BatchOutcome]:
    """The bulk load as the crawl does it: batches through write_batch, spool on failure."""

    async def run() -> list[BatchOutcome]:
        # No transport-level retries: the writer's own back-off is what is under test.
        client = AsyncElasticsearch(url, request_timeout=10, max_retries=0)
        dead, spool = DeadLetterFile(tmp / "dead-letter.jsonl"), Spool(tmp / "spool.jsonl")
        retry = RetryPolicy(max_retries=2, initial_backoff=0.05, max_backoff=0.2)
        try:
            return [
                await write_batch(
                    client,
                    articles[i : i + BATCH],
                    alias=INDEX,
                    dead_letter=dead,
                    retry=retry,
                    spool=spool,
                )
                for i in range(0, len(articles), BATCH)
            ]
        finally:
            await client.close()

    return asyncio.run(run())


def test_sigkill_of_the_node_mid_bulk_then_restart_and_rerun_leaves_each_document_once(
    second_node: localnode.NodeSettings, tmp_path: Path
) -> None:
    url = second_node.url
    articles = [article(n) for n in range(TOTAL)]
    with make_client(ClusterSettings(url=url)) as es:
        ensure_index(es, INDEX)
        outcomes: list[BatchOutcome] = []
        writer = threading.Thread(target=lambda: outcomes.extend(load(url, articles, tmp_path)))
        writer.start()
        deadline = time.monotonic() + 120
        while es.count(index=INDEX)["count"] < TOTAL // 4:
            assert time.monotonic() < deadline, "the load never got going"
            time.sleep(0.2)
        pid = int(second_node.pid_file.read_text().strip())
        os.kill(pid, signal.SIGKILL)  # the throw-away node this test started, by its pid
        writer.join(timeout=300)
        assert not writer.is_alive()

    written = sum(len(o.created) + len(o.updated) for o in outcomes)
    spooled = sum(len(o.spooled) for o in outcomes)
    assert 0 < written < TOTAL and spooled > 0
    assert written + spooled + sum(len(o.unchanged) for o in outcomes) == TOTAL  # nothing lost
    assert not any(o.parked for o in outcomes)

    localnode.start(second_node, timeout=180)

    async def replay_spool() -> None:
        client = make_async_client(ClusterSettings(url=url))
        try:
            result = await replay(client, tmp_path / "spool.jsonl")
            assert result.done and not result.rejected
        finally:
            await client.close()

    asyncio.run(replay_spool())
    rerun = load(url, articles, tmp_path / "rerun")
    assert sum(len(o.created) for o in rerun) == 0  # everything was already there

    with make_client(ClusterSettings(url=url)) as es:
        es.indices.refresh(index=INDEX)
        assert es.count(index=INDEX)["count"] == TOTAL
        # The count is exact and every expected id is found: the stored ids are the expected set.
        for i in range(0, TOTAL, 5000):
            chunk = [a.id for a in articles[i : i + 5000]]
            docs = es.mget(index=INDEX, ids=chunk, source=False)["docs"]
            assert all(d.get("found") for d in docs)
        dupes = es.search(
            index=INDEX,
            size=0,
            aggs={"d": {"terms": {"field": "canonical_url", "min_doc_count": 2}}},
        )
        assert dupes["aggregations"]["d"]["buckets"] == []
