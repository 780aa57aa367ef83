"""Run ``newsarchive`` in this process, then record its CPU time and peak RSS (children included).

Why a wrapper: ``getrusage(RUSAGE_CHILDREN)`` in the driver reports only the largest child's
peak, so two runs in one benchmark could not be told apart; the wrapper reports each run's own.
It also samples RSS every ``BENCH_RSS_INTERVAL`` seconds in a thread (the memory benchmark's
curve). Output: JSON to the file named by ``BENCH_RUSAGE``.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

from pipeline.cli import main

# The spider's own open-to-close time, from Scrapy's stats as they are closed: "spider time",
# the figure the fetch-only comparison uses (the process's wall time adds start-up).
_spider: dict[str, float] = {}


def _record_spider_time() -> None:
    from scrapy.statscollectors import MemoryStatsCollector

    persist = MemoryStatsCollector._persist_stats

    def record(self: MemoryStatsCollector, stats: dict[str, object]) -> None:
        elapsed = stats.get("elapsed_time_seconds")
        if isinstance(elapsed, int | float):
            _spider["spider_s"] = _spider.get("spider_s", 0.0) + float(elapsed)
        persist(self, stats)  # type: ignore[arg-type]

    MemoryStatsCollector._persist_stats = record  # type: ignore[method-assign]


def _rss_mb() -> float:
    """Current resident set of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run() -> int:
    samples: list[tuple[float, float]] = []
    interval = float(os.environ.get("BENCH_RSS_INTERVAL", "1"))
    done = threading.Event()
    started = time.perf_counter()

    def sample() -> None:
        while not done.wait(interval):
            samples.append((round(time.perf_counter() - started, 2), round(_rss_mb(), 1)))

    threading.Thread(target=sample, daemon=True).start()
    _record_spider_time()
    try:
        code = main(sys.argv[1:])
    finally:
        done.set()
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        Path(os.environ["BENCH_RUSAGE"]).write_text(
            json.dumps(
                {
                    "wall_s": time.perf_counter() - started,
                    "cpu_s": own.ru_utime + own.ru_stime,
                    "children_cpu_s": kids.ru_utime + kids.ru_stime,
                    "peak_rss_mb": own.ru_maxrss / 1024,
                    "children_peak_rss_mb": kids.ru_maxrss / 1024,
                    "rss_samples": samples,
                    "spider_s": _spider.get("spider_s"),
                }
            )
        )
    return code


if __name__ == "__main__":
    sys.exit(run())
