"""Memory of the distributed seen-set: the Bloom filter vs scrapy-redis's stock SET, at 1x and 10x.

Why: the seen-set must stay bounded (scrapy-redis users report a 16 GB dupefilter). This fills both
structures with the same URLs' fingerprints on a private redis-server
(pipeline.local.redis_server) and reads Redis's own accounting: ``MEMORY USAGE <key> SAMPLES 0``
and the ``used_memory`` delta of ``INFO memory``. It also measures the Bloom filter's
false-positive rate (fingerprints never added, tested read-only) against the rate its sizing
states.

The stock structure is what ``scrapy_redis.dupefilter.RFPDupeFilter.request_seen`` stores: one
SADD of the 40-character hex SHA-1 fingerprint per request; the benchmark writes those members
in pipelined batches (the same data, without a million round trips).

    .venv/bin/python benchmarks/distributed/seen_set.py --base 100000 \\
        --out benchmarks/distributed/results-seen-set.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.crawl.distributed.bloom import BloomSize, RedisBloom  # noqa: E402
from pipeline.local.redis_server import LocalRedis  # noqa: E402

BATCH = 2000
PROBES = 200_000


def url(i: int) -> str:
    return f"https://news.example.com/world/2026/11/{i % 28 + 1:02d}/story-{i}/"


def sha1(i: int) -> bytes:
    return hashlib.sha1(url(i).encode()).digest()


def used_memory(server: Any) -> int:
    return int(server.info("memory")["used_memory"])


def fill_bloom(bloom: RedisBloom, start: int, stop: int) -> float:
    began = time.perf_counter()
    for i in range(start, stop, BATCH):
        bloom.add_many([sha1(j) for j in range(i, min(i + BATCH, stop))])
    return time.perf_counter() - began


def fill_set(server: Any, key: str, start: int, stop: int) -> float:
    began = time.perf_counter()
    for i in range(start, stop, BATCH):
        server.sadd(key, *(sha1(j).hex() for j in range(i, min(i + BATCH, stop))))
    return time.perf_counter() - began


def measured_fpr(bloom: RedisBloom, probes: int) -> float:
    """Share of never-added fingerprints the filter claims to hold."""
    hits = 0
    offset = 10**12  # far from every added index
    for i in range(0, probes, BATCH):
        batch = [sha1(offset + j) for j in range(i, min(i + BATCH, probes))]
        hits += sum(bloom.contains_many(batch))
    return hits / probes


def run(base: int, error_rate: float, probes: int) -> dict[str, Any]:
    levels = [base, 10 * base]
    size = BloomSize.for_capacity(levels[-1], error_rate)
    rows: list[dict[str, Any]] = []
    with LocalRedis(maxmemory="2gb") as local:
        server = redis.Redis.from_url(local.url)
        before = used_memory(server)
        bloom = RedisBloom(server, "bench:bloom", size)
        bloom.allocate()
        done = 0
        for n in levels:
            seconds = fill_bloom(bloom, done, n)
            done = n
            rows.append(
                {
                    "structure": "bloom",
                    "urls": n,
                    "key_bytes": int(server.memory_usage(bloom.key, samples=0) or 0),
                    "used_memory_delta": used_memory(server) - before,
                    "fill_seconds": round(seconds, 2),
                    "fpr_stated": size.false_positive_rate(n),
                    "fpr_measured": measured_fpr(bloom, probes),
                }
            )
        server.delete(bloom.key)
        before = used_memory(server)
        done = 0
        for n in levels:
            seconds = fill_set(server, "bench:set", done, n)
            done = n
            rows.append(
                {
                    "structure": "scrapy-redis SET",
                    "urls": n,
                    "key_bytes": int(server.memory_usage("bench:set", samples=0) or 0),
                    "used_memory_delta": used_memory(server) - before,
                    "fill_seconds": round(seconds, 2),
                }
            )
        version = server.info("server")["redis_version"]
        server.close()
    return {
        "bloom": {
            "capacity": size.capacity,
            "error_rate": size.error_rate,
            "bits": size.bits,
            "hashes": size.hashes,
            "stated_bytes": size.memory_bytes,
        },
        "probes": probes,
        "rows": rows,
        "redis": version,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"Bloom filter sized for n={result['bloom']['capacity']:,} at "
        f"p={result['bloom']['error_rate']}: m={result['bloom']['bits']:,} bits, "
        f"k={result['bloom']['hashes']}, stated {result['bloom']['stated_bytes']:,} bytes",
        "",
        f"{'structure':<18} {'URLs':>10} {'MEMORY USAGE':>14} {'used_memory +':>14} "
        f"{'B/URL':>7} {'fill s':>7} {'FPR stated':>11} {'FPR measured':>13}",
    ]
    for r in result["rows"]:
        stated = f"{r['fpr_stated']:.2e}" if "fpr_stated" in r else "-"
        measured = f"{r['fpr_measured']:.2e}" if "fpr_measured" in r else "-"
        lines.append(
            f"{r['structure']:<18} {r['urls']:>10,} {r['key_bytes']:>14,} "
            f"{r['used_memory_delta']:>14,} {r['key_bytes'] / r['urls']:>7.1f} "
            f"{r['fill_seconds']:>7} {stated:>11} {measured:>13}"
        )
    lines.append(f"(false-positive rate measured on {result['probes']:,} fingerprints never added)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=100_000, help="1x URL count (10x is also run)")
    parser.add_argument("--error-rate", type=float, default=0.001, help="Bloom p at 10x")
    parser.add_argument("--probes", type=int, default=PROBES, help="fingerprints for the FPR")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    result = run(args.base, args.error_rate, args.probes)
    print(table(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
