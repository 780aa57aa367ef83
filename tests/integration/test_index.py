"""The index on a real node: template and alias, stemmed search, nothing lost on reject."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch

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
from pipeline.items import Article
from pipeline.search import SearchRequest, search
from pipeline.urls import canonical_url, document_id

FETCHED = datetime(2024, 3, 14, 12, 0, tzinfo=UTC)


def article(slug: str, body: str, **changes: object) -> Article:
    url = canonical_url(f"https://ledger.example/news/2024/03/14/{slug}/")
    base = Article(
        id=document_id(url),
        url=url,
        canonical_url=url,
        source="ledger",
        title=slug.title(),
        body=body,
        authors=["Mara Quint"],
        published_at=FETCHED,
        updated_at=None,
        section="news",
        language="en",
        fetched_at=FETCHED,
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def write(es_url: str, alias: str, articles: list[Article], dead: DeadLetterFile) -> BatchOutcome:
    async def go() -> BatchOutcome:
        client = make_async_client(ClusterSettings(url=es_url))
        try:
            outcome = await write_batch(
                client,
                articles,
                alias=alias,
                dead_letter=dead,
                retry=RetryPolicy(max_retries=2, initial_backoff=0.1),
            )
            await client.indices.refresh(index=alias)
            return outcome
        finally:
            await client.close()

    return asyncio.run(go())


def test_setup_is_idempotent_and_puts_a_versioned_index_behind_the_alias(
    es: Elasticsearch, alias: str
) -> None:
    first = ensure_index(es, alias)
    second = ensure_index(es, alias)
    assert first == second == f"{alias}-v1"
    assert list(es.indices.get_alias(name=alias)) == [first]
    mapping = es.indices.get_mapping(index=first)[first]["mappings"]
    assert mapping["properties"]["canonical_url"]["type"] == "keyword"
    assert mapping["properties"]["published_at"]["type"] == "date"
    assert mapping["properties"]["body"]["analyzer"] == "english_text"


def test_workers_that_start_together_on_a_new_index_all_get_it(
    es: Elasticsearch, alias: str
) -> None:
    """A fleet's workers start at once: losing the race to create the index is not an error."""
    start = threading.Barrier(6)

    def set_up() -> str:
        start.wait()
        return ensure_index(es, alias)

    with ThreadPoolExecutor(max_workers=6) as pool:
        names = list(pool.map(lambda _: set_up(), range(6)))
    assert names == [f"{alias}-v1"] * 6
    assert list(es.indices.get_alias(name=alias)) == [f"{alias}-v1"]


def test_a_search_for_inspection_finds_a_body_that_says_inspections(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    ensure_index(es, alias)
    body = (
        "The harbor authority ordered new inspections of every ferry after the spring "
        "storms, and the crews say the checks took a week."
    )
    other = "The city council voted on the budget for the new library on Tuesday."
    outcome = write(
        es_url,
        alias,
        [article("ferry-checks", body), article("library-budget", other)],
        DeadLetterFile(tmp_path / "dead.jsonl"),
    )
    assert len(outcome.created) == 2

    result = search(es, alias, SearchRequest(text="inspection"))

    assert [h.title for h in result.hits] == ["Ferry-Checks"]
    assert any("<mark>inspections</mark>" in s for s in result.hits[0].snippets)


def test_an_unchanged_article_is_not_rewritten_and_a_changed_one_is_updated(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    ensure_index(es, alias)
    dead = DeadLetterFile(tmp_path / "dead.jsonl")
    a = article("tide-tables", "The tide tables for the autumn were printed late this year.")
    b = article("pier-repair", "Pier four will close for repairs in November.")
    write(es_url, alias, [a, b], dead)

    changed = dataclasses.replace(b, body=b.body + " It reopens in March.", content_hash="new")
    outcome = write(es_url, alias, [a, changed], dead)

    assert outcome.unchanged == [a.id]
    assert outcome.updated == [b.id]
    assert es.count(index=alias)["count"] == 2


def test_a_document_the_node_rejects_is_parked_with_its_reason_and_the_rest_is_indexed(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    ensure_index(es, alias)
    dead = DeadLetterFile(tmp_path / "dead.jsonl")
    good = article("market-day", "Saturday's market drew more stalls than ever before.")
    # An object where the mapping wants a keyword: the node refuses it with a mapping error.
    bad = article(
        "broken-date-source",
        "A page whose metadata came out malformed.",
        date_source={"published": {"from": "json-ld"}},
    )

    outcome = write(es_url, alias, [good, bad], dead)

    assert outcome.created == [good.id]
    assert [doc_id for doc_id, _ in outcome.parked] == [bad.id]
    parked = read_dead_letters(dead.path)
    assert len(parked) == 1 and dead.count == 1
    assert parked[0]["id"] == bad.id
    assert parked[0]["status"] == 400
    assert "document_parsing_exception" in parked[0]["reason"] or "mapper" in parked[0]["reason"]
    assert parked[0]["document"]["title"] == bad.title
    assert es.count(index=alias)["count"] == 1
