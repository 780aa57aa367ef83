"""Bulk writing loses nothing and duplicates nothing, on a real node behind a fault proxy.

Faults a real node produces on demand are real (a mapping error for one document in 500, a write
block on the index); faults it cannot produce on demand (a response lost after the node applied
the bulk, whole-request 429/413, a node that is down) come from ``tests/faultproxy.py`` in front of
it. After every test the proxy's log of bulk bodies is checked: every action carried an ``_id``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from faultproxy import Fault, FaultProxy

from pipeline.index import (
    BatchOutcome,
    ClusterSettings,
    DeadLetterFile,
    RetryPolicy,
    ensure_index,
    make_async_client,
    read_dead_letters,
    write_batch,
)
from pipeline.index.delivery import Backoff
from pipeline.index.spool import Spool, read_spool, replay
from pipeline.items import Article
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

FETCHED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
FAST = RetryPolicy(max_retries=2, initial_backoff=0.01, max_backoff=0.05)


def article(n: int, body: str = "", **changes: Any) -> Article:
    url = canonical_url(f"https://ledger.example/news/2026/11/01/story-{n}/")
    text = body or f"Story {n}: the harbour board met again and agreed on nothing at all."
    base = Article(
        id=document_id(url),
        url=url,
        canonical_url=url,
        source="ledger",
        title=f"Story {n}",
        body=text,
        authors=["Mara Quint"],
        published_at=FETCHED,
        updated_at=None,
        section="news",
        language="en",
        fetched_at=FETCHED,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def proxy(es_url: str) -> Iterator[FaultProxy]:
    with FaultProxy(es_url) as p:
        yield p
        for request in p.bulk_requests():
            for action in request.bulk_actions():
                assert action.get("_id"), f"bulk action without _id: {action}"


@dataclasses.dataclass
class Writer:
    url: str
    alias: str
    tmp: Path

    def __post_init__(self) -> None:
        self.dead = DeadLetterFile(self.tmp / "dead-letter.jsonl")
        self.spool = Spool(self.tmp / "spool.jsonl")

    def write(self, articles: list[Article], retry: RetryPolicy = FAST) -> BatchOutcome:
        async def go() -> BatchOutcome:
            client = make_async_client(ClusterSettings(url=self.url))
            try:
                return await write_batch(
                    client,
                    articles,
                    alias=self.alias,
                    dead_letter=self.dead,
                    retry=retry,
                    spool=self.spool,
                )
            finally:
                await client.close()

        return asyncio.run(go())

    def replay(self) -> Any:
        async def go() -> Any:
            client = make_async_client(ClusterSettings(url=self.url))
            try:
                return await replay(client, self.spool.path, Backoff(2, 0.01, 0.05))
            finally:
                await client.close()

        return asyncio.run(go())


def exactly_once(es: Elasticsearch, alias: str, articles: list[Article]) -> None:
    """Every expected id present, nothing else, and no canonical URL stored twice."""
    es.indices.refresh(index=alias)
    found = es.search(index=alias, size=10_000, query={"match_all": {}}, source=False)
    ids = sorted(hit["_id"] for hit in found["hits"]["hits"])
    assert ids == sorted(a.id for a in articles)
    dupes = es.search(
        index=alias,
        size=0,
        aggs={"d": {"terms": {"field": "canonical_url", "min_doc_count": 2, "size": 10}}},
    )
    assert dupes["aggregations"]["d"]["buckets"] == []


@pytest.fixture
def node(es: Elasticsearch, alias: str) -> str:
    ensure_index(es, alias)
    return alias


def test_a_bulk_whose_response_is_lost_after_the_node_applied_it_is_not_duplicated(
    es: Elasticsearch, proxy: FaultProxy, node: str, tmp_path: Path
) -> None:
    batch = [article(n) for n in range(50)]
    proxy.inject(Fault("drop_after_forward"))
    outcome = Writer(proxy.url, node, tmp_path).write(batch)
    assert len(proxy.bulk_requests()) >= 2  # the bulk really was sent again
    assert len(outcome.created) + len(outcome.updated) == 50
    assert not outcome.parked and not outcome.spooled
    exactly_once(es, node, batch)


def test_whole_request_429s_and_503s_are_retried_with_back_off(
    es: Elasticsearch, proxy: FaultProxy, node: str, tmp_path: Path
) -> None:
    batch = [article(n) for n in range(20)]
    # More than the transport's own retries, so the writer's back-off is exercised too.
    proxy.inject(Fault("status", 429, times=5))
    proxy.inject(Fault("status", 503, times=2))
    outcome = Writer(proxy.url, node, tmp_path).write(
        batch, RetryPolicy(max_retries=4, initial_backoff=0.01, max_backoff=0.05)
    )
    assert sorted(outcome.created) == sorted(a.id for a in batch)
    exactly_once(es, node, batch)


def test_429s_on_some_items_are_retried_until_every_item_is_indexed(
    es: Elasticsearch, proxy: FaultProxy, node: str, tmp_path: Path
) -> None:
    batch = [article(n) for n in range(60)]
    # First bulk: every 3rd item rejected with 429; the retry of those: every 2nd of them again.
    proxy.inject(Fault("item_429", every=3))
    proxy.inject(Fault("item_429", every=2))
    outcome = Writer(proxy.url, node, tmp_path).write(batch)
    assert sorted(outcome.created) == sorted(a.id for a in batch)
    assert not outcome.parked and not outcome.spooled
    sizes = [len(r.bulk_actions()) for r in proxy.bulk_requests()]
    assert sizes == [60, 20, 10]  # only the rejected items are sent again
    exactly_once(es, node, batch)


def test_429s_beyond_the_retry_budget_are_spooled_then_replayed_exactly_once(
    es: Elasticsearch, proxy: FaultProxy, node: str, tmp_path: Path
) -> None:
    batch = [article(n) for n in range(30)]
    writer = Writer(proxy.url, node, tmp_path)
    proxy.inject(Fault("status", 429, times=None))
    outcome = writer.write(batch)
    assert sorted(i for i, _ in outcome.spooled) == sorted(a.id for a in batch)
    assert not outcome.parked  # not refused: late
    assert all("429" in reason for _, reason in outcome.spooled)
    assert len(read_spool(writer.spool.path)) == 30

    proxy.clear()
    first = writer.replay()
    assert (first.created, first.done) == (30, True)
    second = writer.replay()  # the spool was consumed: nothing left, nothing written twice
    assert (second.created, second.updated) == (0, 0)
    exactly_once(es, node, batch)


def test_a_413_splits_the_batch_and_parks_only_the_one_oversized_document(
    es: Elasticsearch, proxy: FaultProxy, node: str, tmp_path: Path
) -> None:
    limit = 12_000
    batch = [article(n) for n in range(40)]
    huge = article(999, "Enormous. " * 3_000)  # ~30 KB on its own: never fits
    proxy.inject(Fault("status", 413, when=lambda s: s.is_bulk and len(s.body) > limit, times=None))
    writer = Writer(proxy.url, node, tmp_path)
    outcome = writer.write([*batch, huge])
    assert sorted(outcome.created) == sorted(a.id for a in batch)
    assert outcome.parked == [(huge.id, "request entity too large")]
    parked = read_dead_letters(writer.dead.path)
    assert [p["id"] for p in parked] == [huge.id] and parked[0]["document"]["body"] == huge.body
    assert len(proxy.bulk_requests()) > 4  # halved until each part fit
    exactly_once(es, node, batch)


def test_one_rejected_document_in_500_is_parked_and_the_other_499_are_indexed(
    es: Elasticsearch, es_url: str, node: str, tmp_path: Path
) -> None:
    batch = [article(n) for n in range(500)]
    # A real mapping error from the real node: an object where a keyword is mapped.
    batch[250] = article(250, date_source={"published": {"from": "json-ld"}})
    writer = Writer(es_url, node, tmp_path)
    outcome = writer.write(batch)
    assert len(outcome.created) == 499
    assert [doc_id for doc_id, _ in outcome.parked] == [batch[250].id]
    assert "document_parsing_exception" in outcome.parked[0][1]
    assert read_dead_letters(writer.dead.path)[0]["status"] == 400
    exactly_once(es, node, batch[:250] + batch[251:])


def test_a_write_blocked_index_spools_the_batch_and_replay_lands_it_once(
    es: Elasticsearch, es_url: str, node: str, tmp_path: Path
) -> None:
    batch = [article(n) for n in range(25)]
    concrete = next(iter(es.indices.get_alias(name=node)))
    es.indices.put_settings(index=concrete, settings={"index.blocks.write": True})
    writer = Writer(es_url, node, tmp_path)
    try:
        outcome = writer.write(batch)
    finally:
        es.indices.put_settings(index=concrete, settings={"index.blocks.write": False})
    assert len(outcome.spooled) == 25 and not outcome.parked
    assert all("cluster_block_exception" in reason for _, reason in outcome.spooled)
    assert writer.replay().created == 25
    exactly_once(es, node, batch)


def test_a_node_that_is_down_spools_everything_and_replay_after_it_returns(
    es: Elasticsearch, proxy: FaultProxy, node: str, tmp_path: Path
) -> None:
    batch = [article(n) for n in range(15)]
    writer = Writer(proxy.url, node, tmp_path)
    proxy.down = True
    outcome = writer.write(batch)
    assert len(outcome.spooled) == 15 and not outcome.created and not outcome.parked
    proxy.down = False
    result = writer.replay()
    assert (result.created, result.done) == (15, True)
    exactly_once(es, node, batch)


def test_a_stale_recrawl_cannot_overwrite_a_newer_capture(
    es: Elasticsearch, es_url: str, node: str, tmp_path: Path
) -> None:
    newer = article(
        1, "The corrected story, fetched later.", fetched_at=FETCHED + timedelta(hours=2)
    )
    older = article(1, "The first draft, fetched earlier.", fetched_at=FETCHED)
    writer = Writer(es_url, node, tmp_path)
    assert writer.write([newer]).created == [newer.id]
    outcome = writer.write([older])
    assert outcome.unchanged == [older.id] and not outcome.parked
    es.indices.refresh(index=node)
    assert es.get(index=node, id=newer.id)["_source"]["body"] == newer.body
