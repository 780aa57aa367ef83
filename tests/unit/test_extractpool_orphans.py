"""A crawl killed with SIGKILL leaves no extraction workers behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# A stand-in for a crawl: starts a pool, makes its workers exist, prints their pids, then waits.
CRAWL = """
import asyncio, sys, time
from pipeline.extract.pool import ExtractPool
from pipeline.extract import ExtractOptions

async def main() -> None:
    pool = ExtractPool(workers=2, in_flight=2)
    html = b"<html><body><article><p>" + b"Words of an article. " * 40 + b"</p></article>"
    url = "http://example.org/a"
    await asyncio.gather(*(pool.extract(html, url, ExtractOptions()) for _ in range(4)))
    print(" ".join(str(pid) for pid in pool._executor._processes), flush=True)
    time.sleep(600)

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): look at its state.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_workers_exit_soon_after_their_crawl_is_killed() -> None:
    crawl = subprocess.Popen(
        [sys.executable, "-c", CRAWL], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert crawl.stdout is not None
        workers = [int(pid) for pid in crawl.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)

        crawl.send_signal(signal.SIGKILL)
        crawl.wait()

        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in workers), "extraction workers outlived the crawl"
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
        if crawl.stdout is not None:
            crawl.stdout.close()
