"""Write articles in batches: skip unchanged ones, retry what can be retried, park the rest.

The helpers' defaults are a trap for an archive: ``max_retries=0`` and ``raise_on_error=True``
abort a whole run on the first bad document. Here every item's result is read: 429s are retried with
back-off by the helper, connection errors by the transport, and whatever still fails lands in the
dead-letter file with the node's reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import AsyncElasticsearch
from elasticsearch.exceptions import ApiError, TransportError
from elasticsearch.helpers import async_streaming_bulk

from pipeline.index.deadletter import DeadLetterFile
from pipeline.items import Article

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    initial_backoff: float = 0.5
    max_backoff: float = 30.0


@dataclass
class BatchOutcome:
    """What happened to each article of a batch, by document id."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    parked: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)


def to_actions(articles: Iterable[Article], index: str) -> Iterator[dict[str, Any]]:
    """Bulk ``index`` actions with deterministic ids, so a re-sent batch cannot duplicate."""
    for article in articles:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": article.id,
            "_source": article.to_document(),
        }


async def stored_hashes(
    client: AsyncElasticsearch, index: str, ids: Sequence[str]
) -> dict[str, str]:
    """The content hash stored for each id that exists: one round trip per batch, not per item."""
    if not ids:
        return {}
    response = await client.mget(index=index, ids=list(ids), source_includes=["content_hash"])
    hashes: dict[str, str] = {}
    for doc in response["docs"]:
        if doc.get("found"):
            hashes[doc["_id"]] = doc["_source"].get("content_hash", "")
    return hashes


async def write_batch(
    client: AsyncElasticsearch,
    articles: Sequence[Article],
    *,
    index: str,
    dead_letter: DeadLetterFile,
    retry: RetryPolicy | None = None,
) -> BatchOutcome:
    """Index one batch and account for every article in it."""
    retry = retry or RetryPolicy()
    outcome = BatchOutcome()
    try:
        known = await stored_hashes(client, index, [a.id for a in articles])
    except (ApiError, TransportError) as exc:
        # Without the lookup we cannot tell unchanged from changed: write everything (idempotent).
        log.warning("content-hash lookup failed, writing the whole batch: %s", exc)
        known = {}
    pending: list[Article] = []
    for article in articles:
        if known.get(article.id) == article.content_hash:
            outcome.unchanged.append(article.id)
        else:
            pending.append(article)
    by_id = {a.id: a for a in pending}
    async for ok, info in async_streaming_bulk(
        client,
        to_actions(pending, index),
        chunk_size=max(1, len(pending)),
        max_retries=retry.max_retries,
        initial_backoff=retry.initial_backoff,
        max_backoff=retry.max_backoff,
        raise_on_error=False,
        raise_on_exception=False,
        yield_ok=True,
    ):
        item = next(iter(info.values()))
        doc_id = str(item.get("_id"))
        if ok:
            (outcome.created if item.get("result") == "created" else outcome.updated).append(doc_id)
            continue
        reason = _reason(item)
        refused = by_id.get(doc_id)
        dead_letter.park(
            doc_id=doc_id,
            index=index,
            document=refused.to_document() if refused else item.get("data", {}),
            reason=reason,
            status=item.get("status"),
        )
        outcome.parked.append((doc_id, reason))
        log.error("document %s parked in %s: %s", doc_id, dead_letter.path, reason)
    return outcome


def _reason(item: dict[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, dict):
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        caused = error.get("caused_by")
        if isinstance(caused, dict):
            text += f" (caused by {caused.get('type')}: {caused.get('reason')})"
        return text
    if item.get("exception") is not None:
        return f"{type(item['exception']).__name__}: {item['exception']}"
    return str(error or "unknown error")
