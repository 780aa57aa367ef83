"""Bulk-indexing benchmark: the pipeline's writer versus raw ``_bulk``, same node, same run.

    .venv/bin/python benchmarks/index/bench.py --count 10000 --sizes 100,200,500,1000 \
        --out benchmarks/index/results.json
    .venv/bin/python benchmarks/index/bench.py --count 5000 --scale 1,4,16   # scaling at 1x/4x/16x

Why these four sides: the issue's target (writer >= 0.9x raw) is only meaningful against a
ceiling measured on the same node a moment earlier, and the writer does more than send bytes,
so each extra step gets its own line to show what it costs:

- ``raw``: the exact NDJSON the writer would send (same actions, same external versions),
  serialised beforehand, POSTed to ``/<index>/_bulk`` over one keep-alive ``http.client``
  connection, one request per batch. Nothing but the node and the socket.
- ``deliver``: ``to_actions`` + ``delivery.deliver`` (the client's serialiser, per-item result
  reading, retry bookkeeping); no content-hash lookup.
- ``write_batch``: what the pipeline calls per batch: ``mget`` of stored states, then ``deliver``.
- ``flush`` (only at the default batch size): ``IndexPipeline.flush``'s work -- near-duplicate
  assignment (MinHash + ``msearch``) and then ``write_batch``.

Every side writes ``--count`` synthetic articles (the search benchmark's corpus: 150-450 word
bodies, realistic fields) into its own fresh index made by ``ensure_index`` (same template and
mappings as production), which is deleted right after. Order alternates between rounds; the
table shows each side's best round and the median of its per-round ratios to raw. Index
prefixes start with ``bench-idx-``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))

from corpus import articles  # type: ignore[import-not-found]

from pipeline.index import (
    ClusterSettings,
    DeadLetterFile,
    drop_index,
    ensure_index,
    make_async_client,
    make_client,
    write_batch,
)
from pipeline.index.bulk import to_actions
from pipeline.index.delivery import bulk_body, deliver
from pipeline.index.neardup import NearDuplicateIndex
from pipeline.items import Article

PREFIX = "bench-idx"


def _settings() -> ClusterSettings:
    base = ClusterSettings.from_env()
    url = base.resolved_url()
    return ClusterSettings(**{**base.__dict__, "url": url, "request_timeout": 120})


def _batches(docs: Sequence[Article], size: int) -> list[Sequence[Article]]:
    return [docs[i : i + size] for i in range(0, len(docs), size)]


def _ndjson(docs: Sequence[Article], index: str) -> bytes:
    """The bytes the writer's actions amount to on the wire (one request body)."""
    lines = bulk_body(list(to_actions(docs, index)))
    return ("\n".join(json.dumps(line, separators=(",", ":")) for line in lines) + "\n").encode()


def _raw(url: str, index: str, bodies: list[bytes]) -> float:
    """POST pre-serialised bodies one after another; return seconds. Every item must succeed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port or 9200, timeout=120
    )
    started = time.perf_counter()
    for body in bodies:
        conn.request(
            "POST", f"/{index}/_bulk", body=body, headers={"Content-Type": "application/x-ndjson"}
        )
        response = json.loads(conn.getresponse().read())
        if response.get("errors"):
            raise RuntimeError(f"raw bulk had item errors: {str(response)[:300]}")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


async def _deliver_only(
    settings: ClusterSettings, index: str, batches: list[Sequence[Article]]
) -> float:
    client = make_async_client(settings)
    try:
        await (
            client.cluster.health()
        )  # connect outside the timed part, as the raw side does on first use
        started = time.perf_counter()
        for batch in batches:
            actions = list(to_actions(batch, index))
            async for d in deliver(client, actions, chunk_actions=max(len(actions), 1)):
                if d.kind != "ok":
                    raise RuntimeError(f"deliver: {d.kind} {d.reason}")
        return time.perf_counter() - started
    finally:
        await client.close()


async def _write_batches(
    settings: ClusterSettings, index: str, batches: list[Sequence[Article]], neardup: bool
) -> tuple[float, float]:
    """Time ``write_batch`` (optionally after near-dup assignment); return (total, neardup) s."""
    client = make_async_client(settings)
    near = NearDuplicateIndex()
    near_s = 0.0
    try:
        await client.cluster.health()
        with tempfile.TemporaryDirectory() as tmp:
            dead = DeadLetterFile(Path(tmp) / "dead.jsonl")
            started = time.perf_counter()
            for batch in batches:
                if neardup:
                    t0 = time.perf_counter()
                    await near.assign(client, index, batch)
                    near_s += time.perf_counter() - t0
                outcome = await write_batch(client, batch, alias=index, dead_letter=dead)
                if outcome.parked or outcome.spooled:
                    raise RuntimeError(f"write_batch parked/spooled: {outcome.parked[:1]}")
            return time.perf_counter() - started, near_s
    finally:
        await client.close()


def _fresh(settings: ClusterSettings, name: str) -> str:
    with make_client(settings) as client:
        drop_index(client, name)
        return ensure_index(client, name)


def _drop(settings: ClusterSettings, name: str, expect: int) -> int:
    with make_client(settings) as client:
        client.indices.refresh(index=name)
        count = int(client.count(index=name)["count"])
        drop_index(client, name)
    if count != expect:
        raise RuntimeError(f"{name}: {count} documents in the index, expected {expect}")
    return count


def measure(
    settings: ClusterSettings, docs: list[Article], size: int, sides: list[str], rounds: int
) -> dict[str, Any]:
    """Each side's docs/s at one batch size, ``rounds`` times (fresh index per run).

    Per side: the best round, and the median of its per-round ratios to the raw run of the
    same round (sides alternate order, so each ratio compares runs a few seconds apart).
    """
    url = settings.resolved_url()
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for r in range(rounds):
        order = sides if r % 2 == 0 else list(reversed(sides))
        for side in order:
            name = f"{PREFIX}-{side}-{size}"
            index = _fresh(settings, name)
            batches = _batches(docs, size)
            near_s = 0.0
            if side == "raw":
                bodies = [_ndjson(b, index) for b in batches]
                seconds = _raw(url, index, bodies)
            elif side == "deliver":
                seconds = asyncio.run(_deliver_only(settings, index, batches))
            else:
                seconds, near_s = asyncio.run(
                    _write_batches(settings, index, batches, neardup=(side == "flush"))
                )
            _drop(settings, name, len(docs))
            rate = len(docs) / seconds
            print(
                f"  batch {size:5d} {side:12s} round {r + 1}: {rate:8.0f} docs/s ({seconds:.2f} s)",
                flush=True,
            )
            runs[side].append({"docs_per_s": rate, "seconds": seconds, "neardup_seconds": near_s})
    best: dict[str, dict[str, Any]] = {}
    for side, mine in runs.items():
        paired = zip(mine, runs["raw"], strict=True)
        ratios = [m["docs_per_s"] / raw["docs_per_s"] for m, raw in paired]
        best[side] = max(mine, key=lambda m: m["docs_per_s"]) | {
            "round_ratios_vs_raw": ratios,
            "median_ratio_vs_raw": statistics.median(ratios),
        }
    raw_best = best["raw"]["docs_per_s"]
    for figures in best.values():
        figures["ratio_vs_raw"] = figures["docs_per_s"] / raw_best
    return {"batch_size": size, "documents": len(docs), "sides": best}


def _table(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'docs':>7} {'batch':>6} {'side':12} {'best docs/s':>11} {'x raw':>6} "
        f"{'median x raw':>12} {'neardup s':>9}"
    )
    for row in rows:
        for side, fig in row["sides"].items():
            print(
                f"{row['documents']:7d} {row['batch_size']:6d} {side:12} "
                f"{fig['docs_per_s']:11.0f} {fig['ratio_vs_raw']:6.2f} "
                f"{fig['median_ratio_vs_raw']:12.2f} {fig['neardup_seconds']:9.1f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--sizes", default="100,200,500,1000", help="batch sizes to sweep")
    parser.add_argument("--default-size", type=int, default=500, help="where the flush side runs")
    parser.add_argument(
        "--scale", default="", help="multipliers of --count at --default-size, e.g. 1,4,16"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-neardup", action="store_true", help="skip the slow flush side")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-index.json"))
    args = parser.parse_args()
    settings = _settings()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rows: list[dict[str, Any]] = []
    if args.scale:
        for factor in (int(x) for x in args.scale.split(",")):
            docs = list(articles(args.count * factor))
            t0 = time.perf_counter()
            row = measure(settings, docs, args.default_size, ["raw", "write_batch"], 1)
            row["factor"] = factor
            row["wall_seconds"] = time.perf_counter() - t0
            rows.append(row)
    else:
        docs = list(articles(args.count))
        for size in (int(x) for x in args.sizes.split(",")):
            sides = ["raw", "deliver", "write_batch"]
            if size == args.default_size and not args.no_neardup:
                sides.append("flush")
            rows.append(measure(settings, docs, size, sides, args.rounds))
    _table(rows)
    with make_client(settings) as client:
        version = next(iter(client.nodes.info()["nodes"].values()))["version"]
    report = {
        "benchmark": "index",
        "started": started,
        "elasticsearch": version,
        "python": platform.python_version(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "args": vars(args) | {"out": str(args.out)},
        "rows": rows,
    }
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True))
    print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
