"""Search benchmark: build a large synthetic archive, then time searches and exports.

    .venv/bin/python benchmarks/search/bench.py build --count 200000
    .venv/bin/python benchmarks/search/bench.py run
    .venv/bin/python benchmarks/search/bench.py drop

``build`` goes through the real indexing path (near-duplicate assignment with its Elasticsearch
lookups, then the bulk writer) in batches of 1,000. ``run`` times the page's own request (the
service's ``search()``: typed query, facets, timeline, collapse by near-duplicate group, auto
interval) over a fixed query mix, and streams exports of a 100,000+ hit result set to CSV and
JSON Lines, reporting throughput and the process's peak memory. Not part of the test suite.
Elasticsearch: ``ELASTICSEARCH_URL`` or the project's local node.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from corpus import articles

from pipeline.index import (
    ClusterSettings,
    DeadLetterFile,
    drop_index,
    ensure_index,
    make_async_client,
    make_client,
    write_batch,
)
from pipeline.index.neardup import NearDuplicateIndex
from pipeline.search import SearchRequest, search, stream_export

DEFAULT_INDEX = "bench-search"
BATCH = 1000

# (label, query text, extra request fields): words, phrases, OR, exclusion, prefixes, field
# filters, facet filters, date ranges and date sorting, as analysts mix them.
QUERY_MIX: list[tuple[str, str, dict[str, Any]]] = [
    ("word", "inspectors", {}),
    ("two words", "flood defenses", {}),
    ("phrase", '"security council"', {}),
    ("phrase+word", '"interest rates" inflation', {}),
    ("or", "Iraq OR Iran", {}),
    ("exclusion", "sanctions -Moscow", {}),
    ("prefix", "automat*", {}),
    ("author field", 'author:"Igor Ivanov" disarmament', {}),
    ("source field", "source:bay_courier ferry", {}),
    ("section filter", "budget", {"sections": ("opinion",)}),
    ("date range", "seawall", {"date_from": date(2020, 1, 1), "date_to": date(2021, 12, 31)}),
    ("newest first", "championship", {"sort": "date"}),
    ("facets only", "", {}),
    ("rare words", "wildfire insurers", {}),
    ("grouped copies", '"first appeared"', {}),
    ("three words", "mayor ferry fares", {"sources": ("harbor_ledger", "eastgate_post")}),
]


def _settings(index: str) -> ClusterSettings:
    base = ClusterSettings.from_env()
    return ClusterSettings(**{**base.__dict__, "alias": index, "request_timeout": 120})


def build(index: str, count: int) -> dict[str, Any]:
    settings = _settings(index)
    url = settings.resolved_url()
    settings = ClusterSettings(**{**settings.__dict__, "url": url})
    with make_client(settings) as client:
        ensure_index(client, index)

    async def run() -> dict[str, Any]:
        client = make_async_client(settings)
        neardup = NearDuplicateIndex()
        written = parked = 0
        fingerprint_s = 0.0
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            dead = DeadLetterFile(Path(tmp) / "dead-letter.jsonl")
            batch: list[Any] = []
            try:
                for article in articles(count):
                    batch.append(article)
                    if len(batch) == BATCH or written + len(batch) == count:
                        t0 = time.perf_counter()
                        await neardup.assign(client, index, batch)
                        fingerprint_s += time.perf_counter() - t0
                        outcome = await write_batch(client, batch, alias=index, dead_letter=dead)
                        written += len(batch)
                        parked += len(outcome.parked)
                        batch = []
                        if written % 20_000 == 0:
                            rate = written / (time.perf_counter() - started)
                            print(f"  {written:,} indexed ({rate:,.0f}/s)", flush=True)
                await client.indices.refresh(index=index)
                stats = await client.count(index=index)
            finally:
                await client.close()
        elapsed = time.perf_counter() - started
        return {
            "articles": written,
            "in_index": stats["count"],
            "dead_lettered": parked,
            "seconds": round(elapsed, 1),
            "articles_per_second": round(written / elapsed),
            "neardup_seconds": round(fingerprint_s, 1),
        }

    return asyncio.run(run())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(index: str, rounds: int) -> dict[str, Any]:
    settings = _settings(index)
    with make_client(settings) as client:
        total = client.count(index=index)["count"]
        requests = [
            (label, SearchRequest(text=text, collapse=True, size=10, **extra))
            for label, text, extra in QUERY_MIX
        ]
        for _, request in requests:  # warm-up: caches, JIT, connection pool
            search(client, index, request)
        timings: dict[str, list[float]] = {label: [] for label, _ in requests}
        hits: dict[str, int] = {}
        for _ in range(rounds):
            for label, request in requests:
                t0 = time.perf_counter()
                result = search(client, index, request)
                timings[label].append((time.perf_counter() - t0) * 1000)
                hits[label] = result.total
        every = [t for values in timings.values() for t in values]
        latency = {
            "queries": len(every),
            "p50_ms": round(_percentile(every, 0.50), 1),
            "p95_ms": round(_percentile(every, 0.95), 1),
            "max_ms": round(max(every), 1),
            "per_query": {
                label: {
                    "hits": hits[label],
                    "p50_ms": round(statistics.median(values), 1),
                    "max_ms": round(max(values), 1),
                }
                for label, values in timings.items()
            },
        }
        export_request = SearchRequest(date_from=date(2020, 1, 1))
        exports = {fmt: _export(client, index, export_request, fmt) for fmt in ("jsonl", "csv")}
    return {"index_size": total, "rounds": rounds, "latency": latency, "export": exports}


def _export(client: Any, index: str, request: SearchRequest, fmt: str) -> dict[str, Any]:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = size = 0
    started = time.perf_counter()
    with tempfile.TemporaryFile("w", encoding="utf-8") as sink:
        for chunk in stream_export(client, index, request, fmt):
            sink.write(chunk)
            size += len(chunk.encode("utf-8"))
            rows += 1
    elapsed = time.perf_counter() - started
    rows -= 1 if fmt == "csv" else 0  # the header arrives with the first row; the last is ""
    return {
        "rows": rows,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(elapsed, 1),
        "rows_per_second": round(rows / elapsed),
        "megabytes_per_second": round(size / 1e6 / elapsed, 1),
        "peak_rss_growth_mb": round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", default=DEFAULT_INDEX, help=f"alias (default {DEFAULT_INDEX})")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="index synthetic articles")
    p.add_argument("--count", type=int, default=200_000)
    p = sub.add_parser("run", help="time the query mix and the exports")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--out", type=Path, help="also write the figures as JSON here")
    sub.add_parser("drop", help="delete the benchmark index")
    args = parser.parse_args()
    if args.command == "build":
        print(json.dumps(build(args.index, args.count), indent=2))
    elif args.command == "run":
        figures = run(args.index, args.rounds)
        figures["machine"] = f"{platform.machine()}, {platform.python_version()}"
        text = json.dumps(figures, indent=2)
        print(text)
        if args.out:
            args.out.write_text(text + "\n")
    else:
        with make_client(_settings(args.index)) as client:
            drop_index(client, args.index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
