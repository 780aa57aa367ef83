"""Deliver bulk actions so that nothing is lost and nothing is written twice.

Why not ``async_streaming_bulk``: it retries only 429s, lets a dropped connection escape as an
exception mid-batch, and answers a 413 by failing every document of the chunk. Here each outcome
has one rule:

* a whole request answered 413 is split in halves until it fits; a single document that is still
  too large is ``rejected`` with that reason (it goes to the dead-letter file);
* a whole request failing with 429, 5xx or a connection error is re-sent with exponential
  back-off -- safe because every action carries a deterministic ``_id`` (checked here: an action
  without one is a programming error and raises) and an external version, so a request the node
  applied before its response was lost is re-applied as the same version, never duplicated;
* per item: 2xx is ``ok``; 409 means the stored copy was fetched later (``stale``: the newer copy
  stays); 429, 5xx and write blocks (403 ``cluster_block_exception``) are retried with back-off and,
  past the budget, ``retryable`` -- the caller spools them for ``newsarchive replay``; any other 4xx
  is ``rejected``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch import AsyncElasticsearch
from elasticsearch.exceptions import ApiError, TransportError

from pipeline.exceptions import MissingIdError

log = logging.getLogger(__name__)

OK, STALE, RETRYABLE, REJECTED = "ok", "stale", "retryable", "rejected"


@dataclass(frozen=True)
class Backoff:
    """How often and how patiently to re-send what the cluster could not take right now."""

    max_retries: int = 5
    initial: float = 0.5
    maximum: float = 30.0

    def delay(self, attempt: int) -> float:
        return float(min(self.maximum, self.initial * 2**attempt))


@dataclass(frozen=True)
class Delivered:
    """The fate of one action: ``kind`` is ok | stale | retryable | rejected."""

    action: dict[str, Any]
    kind: str
    status: int | None
    result: str | None = None  # "created" | "updated" for ok
    reason: str = ""

    @property
    def doc_id(self) -> str:
        return str(self.action["_id"])


def require_ids(actions: Sequence[dict[str, Any]]) -> None:
    """Refuse to send any action without an ``_id`` (retries would duplicate it)."""
    for action in actions:
        if not action.get("_id"):
            raise MissingIdError(f"bulk action without _id for index {action.get('_index')!r}")


def bulk_body(actions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The NDJSON lines of a bulk request: a header and a source per action."""
    lines: list[dict[str, Any]] = []
    for action in actions:
        meta = {k: v for k, v in action.items() if k not in {"_op_type", "_source"}}
        lines.append({action.get("_op_type", "index"): meta})
        lines.append(action["_source"])
    return lines


def _retryable_status(status: int | None, error: Any) -> bool:
    if status is None:
        return True
    if status == 429 or status >= 500:
        return True
    return status == 403 and "cluster_block_exception" in str(error)


def _item_reason(item: dict[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, dict):
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        caused = error.get("caused_by")
        if isinstance(caused, dict):
            text += f" (caused by {caused.get('type')}: {caused.get('reason')})"
        return text
    return str(error or "unknown error")


CHUNK_ACTIONS = 500  # per request: a replayed spool can hold a whole crawl


async def deliver(
    client: AsyncElasticsearch,
    actions: Sequence[dict[str, Any]],
    backoff: Backoff | None = None,
    chunk_actions: int = CHUNK_ACTIONS,
) -> AsyncIterator[Delivered]:
    """Send ``actions``; yield exactly one ``Delivered`` per action, in no particular order."""
    require_ids(actions)
    backoff = backoff or Backoff()
    pending: list[tuple[Sequence[dict[str, Any]], int]] = [
        (list(actions[i : i + chunk_actions]), 0) for i in range(0, len(actions), chunk_actions)
    ]
    while pending:
        chunk, attempt = pending.pop(0)
        try:
            response = await client.bulk(operations=bulk_body(chunk))
        except ApiError as exc:
            status = exc.status_code
            if status == 413:
                if len(chunk) == 1:
                    yield Delivered(chunk[0], REJECTED, 413, reason="request entity too large")
                else:
                    half = len(chunk) // 2
                    log.warning("bulk of %d refused as too large: splitting", len(chunk))
                    pending[:0] = [(chunk[:half], attempt), (chunk[half:], attempt)]
                continue
            if not _retryable_status(status, exc):
                for action in chunk:
                    yield Delivered(action, REJECTED, status, reason=str(exc)[:500])
                continue
            failure: tuple[int | None, str] = (status, str(exc)[:500])
        except TransportError as exc:  # connection refused, dropped, timed out
            failure = (None, f"{type(exc).__name__}: {exc}"[:500])
        else:
            retry: list[dict[str, Any]] = []
            for action, entry in zip(chunk, response["items"], strict=True):
                item = next(iter(entry.values()))
                status = int(item.get("status", 0))
                if 200 <= status < 300:
                    yield Delivered(action, OK, status, result=item.get("result"))
                elif status == 409:
                    yield Delivered(action, STALE, status, reason=_item_reason(item))
                elif _retryable_status(status, item.get("error")):
                    if attempt < backoff.max_retries:
                        retry.append(action)
                    else:
                        yield Delivered(action, RETRYABLE, status, reason=_item_reason(item))
                else:
                    yield Delivered(action, REJECTED, status, reason=_item_reason(item))
            if retry:
                await asyncio.sleep(backoff.delay(attempt))
                pending.append((retry, attempt + 1))
            continue
        # The whole request failed in a way worth retrying.
        if attempt < backoff.max_retries:
            log.warning("bulk of %d failed (%s): retrying", len(chunk), failure[1][:200])
            await asyncio.sleep(backoff.delay(attempt))
            pending.append((chunk, attempt + 1))
        else:
            for action in chunk:
                yield Delivered(action, RETRYABLE, failure[0], reason=failure[1])
