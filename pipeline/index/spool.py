"""The outbox: documents the cluster could not take now, kept on disk for ``newsarchive replay``.

When the cluster is down, write-blocked or rate-limiting beyond the retry budget, a document is
not wrong (that is the dead-letter file) but late. It is appended here as its complete bulk action
-- deterministic ``_id`` and external version included -- so a replay writes exactly what the
crawl would have written, and replaying twice cannot duplicate or roll back anything. A replay that
succeeds renames the file to ``*.replayed``, so the next one finds nothing left to do.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import AsyncElasticsearch

from pipeline.index.client import ClusterSettings, make_async_client, make_client
from pipeline.index.delivery import OK, REJECTED, RETRYABLE, STALE, Backoff, deliver
from pipeline.index.jsonl import JsonLinesFile
from pipeline.index.setup import ensure_index

SPOOL_NAME = "spool.jsonl"
SPOOLED = "index/spooled"  # the ledger's reason for articles waiting in the spool


class Spool(JsonLinesFile):
    """Append-only JSON Lines file of bulk actions waiting for the cluster."""

    def add(self, action: dict[str, Any], reason: str) -> None:
        self.append(
            {"spooled_at": datetime.now(UTC).isoformat(), "reason": reason, "action": action}
        )


def read_spool(path: Path) -> list[dict[str, Any]]:
    """The spooled actions of a file, oldest first (the last write of an id wins)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        action = record["action"]
        latest[(action["_index"], action["_id"])] = action
    return list(latest.values())


def find_spools(paths: Iterable[Path]) -> list[Path]:
    """Spool files named directly, or found under run folders / data directories."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(path.rglob(SPOOL_NAME)))
    return found


@dataclass
class ReplayOutcome:
    path: str
    created: int = 0
    updated: int = 0
    stale: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    still_pending: int = 0

    @property
    def done(self) -> bool:
        return self.still_pending == 0

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["done"] = self.done
        return data


async def replay(
    client: AsyncElasticsearch, path: Path, backoff: Backoff | None = None
) -> ReplayOutcome:
    """Write a spool's actions; rename it when all are settled, else keep what is left."""
    outcome = ReplayOutcome(str(path))
    if not path.exists():
        return outcome  # already replayed, or nothing was ever spooled
    actions = read_spool(path)
    left: list[tuple[dict[str, Any], str]] = []
    rejected_file = path.with_name("dead-letter.jsonl")
    async for d in deliver(client, actions, backoff):
        if d.kind == OK:
            if d.result == "created":
                outcome.created += 1
            else:
                outcome.updated += 1
        elif d.kind == STALE:
            outcome.stale += 1
        elif d.kind == RETRYABLE:
            left.append((d.action, d.reason))
        elif d.kind == REJECTED:
            outcome.rejected.append((d.doc_id, d.reason))
            record = {"id": d.doc_id, "index": d.action["_index"], "status": d.status}
            record |= {"reason": d.reason, "document": d.action["_source"]}
            with rejected_file.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path.rename(path.with_name(f"{path.name}.replayed-{stamp}"))
    if left:
        again = Spool(path)
        for action, reason in left:
            again.add(action, reason)
        outcome.still_pending = len(left)
    return outcome


def replay_all(paths: Sequence[Path], cluster: ClusterSettings) -> list[ReplayOutcome]:
    """Replay every spool under ``paths`` into ``cluster``; indices are set up first if missing."""
    spools = find_spools(paths)
    aliases = sorted({action["_index"] for path in spools for action in read_spool(path)})
    url = cluster.resolved_url()
    cluster = ClusterSettings(**{**cluster.__dict__, "url": url})
    if aliases:
        with make_client(cluster) as client:
            for alias in aliases:
                ensure_index(client, alias)

    async def run() -> list[ReplayOutcome]:
        client = make_async_client(cluster)
        try:
            outcomes = [await replay(client, path) for path in spools]
            for alias in aliases:
                await client.indices.refresh(index=alias)
            return outcomes
        finally:
            await client.close()

    return asyncio.run(run())
