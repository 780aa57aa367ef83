"""Politeness holds for the whole fleet: three crawler processes, one host, one shared pace.

Real servers only: Debian's redis-server (the session's private one), the fixture site (whose
request log has the server's own receive time of every request) and the local Elasticsearch node.
The first tests drive the Lua script directly; the last ones run real ``newsarchive crawl``
processes side by side, each crawling the whole demo site, and read the spacing off the server.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from politeness_site import (
    PAGES_PER_WORKER,
    CrawlDelayProxy,
    Seen,
    crawl_process,
    too_close,
)
from redis.asyncio import Redis
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from pipeline.crawl.distributed.politeness import (
    FleetLimiter,
    FleetPolitenessMiddleware,
    Gap,
    fleet_keys,
)
from pipeline.crawl.runner import own_settings
from pipeline.index import ensure_index
from pipeline.local.fixture_site import FixtureSite
from pipeline.local.redis_server import free_port

pytestmark = pytest.mark.integration

DELAY = 0.3
# With concurrency 1 the next grant waits the delay after the previous answer came back, so the
# server's arrival times are the delay apart in real time; Redis' TIME and the server's
# datetime.now() read the same system clock. 5 ms covers rounding, nothing else.
CLOCK_SLACK = 0.005


# ---------------------------------------------------------------------------- the script itself


def limiter(redis_url: str, prefix: str) -> FleetLimiter:
    return FleetLimiter(Redis.from_url(redis_url), prefix)


def test_two_workers_on_one_host_are_spaced_by_the_gap_redis_measures(redis_url: str) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[float, float, float]:
        first, second = limiter(redis_url, prefix), limiter(redis_url, prefix)
        gap = Gap(floor=0.25, after=0.25)
        try:
            granted = await first.acquire("news.example", "a", limit=5, gap=gap, lease_seconds=5)
            told = await second.acquire("news.example", "b", limit=5, gap=gap, lease_seconds=5)
            started = time.monotonic()
            while await second.acquire("news.example", "b", limit=5, gap=gap, lease_seconds=5):
                await asyncio.sleep(0.01)
            return granted, told, time.monotonic() - started
        finally:
            await first.client.aclose()
            await second.client.aclose()

    granted, told, waited = asyncio.run(scenario())
    assert granted == 0.0
    assert 0.2 < told <= 0.25  # the second worker is told how long, by Redis' clock
    assert waited >= told - 0.01


def test_the_next_gap_also_counts_from_the_previous_answer(redis_url: str) -> None:
    """A slow answer pushes the next send back: the site got the request by then at the latest."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"

    async def scenario() -> float:
        first, second = limiter(redis_url, prefix), limiter(redis_url, prefix)
        gap = Gap(floor=0.2, after=0.2)
        try:
            await first.acquire("news.example", "a", limit=2, gap=gap, lease_seconds=5)
            await asyncio.sleep(0.35)  # a download slower than the gap
            await first.release("news.example", "a")
            return await second.acquire("news.example", "b", limit=2, gap=gap, lease_seconds=5)
        finally:
            await first.client.aclose()
            await second.client.aclose()

    assert 0.15 < asyncio.run(scenario()) <= 0.2


def test_the_concurrency_limit_is_fleet_wide_and_a_dead_workers_lease_expires(
    redis_url: str,
) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[float, float, float]:
        dead, alive = limiter(redis_url, prefix), limiter(redis_url, prefix)
        no_gap = Gap(floor=0.0, after=0.0)
        try:
            # The "dead" worker takes the only slot and never gives it back.
            await dead.acquire("news.example", "dead/1", limit=1, gap=no_gap, lease_seconds=0.4)
            busy = await alive.acquire(
                "news.example", "alive/1", limit=1, gap=no_gap, lease_seconds=5
            )
            started = time.monotonic()
            while await alive.acquire(
                "news.example", "alive/1", limit=1, gap=no_gap, lease_seconds=5
            ):
                await asyncio.sleep(0.02)
            reclaimed_after = time.monotonic() - started
            # Given back on time, the slot is free again at once.
            await alive.release("news.example", "alive/1")
            again = await dead.acquire("news.example", "x/2", limit=1, gap=no_gap, lease_seconds=5)
            await dead.release("news.example", "x/2")
            return busy, reclaimed_after, again
        finally:
            await dead.client.aclose()
            await alive.client.aclose()

    busy, reclaimed_after, again = asyncio.run(scenario())
    assert busy > 0
    assert 0.25 < reclaimed_after < 1.5
    assert again == 0.0


def test_keys_expire_so_an_idle_host_leaves_nothing_behind(redis_url: str) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[int, int]:
        worker = limiter(redis_url, prefix)
        try:
            gap = Gap(floor=0.1, after=0.1)
            await worker.acquire("news.example", "w/1", limit=1, gap=gap, lease_seconds=2)
            keys = fleet_keys(prefix, "news.example")
            return await worker.client.pttl(keys.leases), await worker.client.pttl(keys.pace)
        finally:
            await worker.client.aclose()

    leases_ttl, pace_ttl = asyncio.run(scenario())
    assert 0 < leases_ttl <= 2_100
    assert 0 < pace_ttl <= 60_100 + 100


# ---------------------------------------------------------------------------- the middleware


def fleet_middleware(redis_url: str, **settings: object) -> FleetPolitenessMiddleware:
    crawler = get_crawler(
        Spider,
        own_settings(
            {
                "NEWSARCHIVE_FLEET_REDIS_URL": redis_url,
                "NEWSARCHIVE_FLEET_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
                "DOWNLOAD_DELAY": 0.2,
                "DOWNLOAD_DELAY_JITTER": 0,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                **settings,
            }
        ),
    )
    crawler.stats = MemoryStatsCollector(crawler)
    return FleetPolitenessMiddleware.from_crawler(crawler)


def test_a_granted_request_holds_a_lease_until_its_response_arrives(redis_url: str) -> None:
    mw = fleet_middleware(redis_url)
    keys = fleet_keys(mw.config.key_prefix, "news.example")
    request = Request("https://news.example/world/")

    async def scenario() -> tuple[int, int]:
        try:
            await mw.process_request(request)
            held = await mw.limiter.client.zcard(keys.leases)
            await mw.process_response(request, Response(request.url, request=request))
            return held, await mw.limiter.client.zcard(keys.leases)
        finally:
            await mw.spider_closed()

    held, after = asyncio.run(scenario())
    assert (held, after) == (1, 0)
    assert request.meta["download_slot"] == "fleet:news.example"  # no per-process delay on top
    assert request.meta["autothrottle_dont_adjust_delay"] is True
    assert mw.crawler.stats is not None
    assert mw.crawler.stats.get_value("fleet_politeness/granted") == 1


def test_with_redis_down_requests_fall_back_to_per_process_politeness_and_are_counted() -> None:
    mw = fleet_middleware(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    first = Request("https://news.example/a")
    # A retried copy of a request that was fleet-paced before the outage.
    second = Request(
        "https://news.example/b",
        meta={"download_slot": "fleet:news.example", "autothrottle_dont_adjust_delay": True},
    )

    async def scenario() -> None:
        try:
            await mw.process_request(first)
            await mw.process_request(second)  # within the retry pause: Redis is not even asked
        finally:
            await mw.spider_closed()

    asyncio.run(scenario())
    for request in (first, second):
        assert "download_slot" not in request.meta  # Scrapy's own slot, with its own delay
        assert "autothrottle_dont_adjust_delay" not in request.meta
    assert mw.crawler.stats is not None
    assert mw.crawler.stats.get_value("fleet_politeness/redis_errors") == 1
    assert mw.crawler.stats.get_value("fleet_politeness/fallback_requests") == 2


def test_failing_closed_a_request_waits_for_redis_instead_of_going_out() -> None:
    mw = fleet_middleware(f"redis://127.0.0.1:{free_port()}/0", NEWSARCHIVE_FLEET_FAIL_OPEN=False)
    request = Request("https://news.example/a")

    async def scenario() -> bool:
        try:
            await asyncio.wait_for(mw.process_request(request), timeout=1.0)
        except TimeoutError:
            return False
        finally:
            await mw.spider_closed()
        return True

    assert asyncio.run(scenario()) is False
    assert "download_slot" not in request.meta


# ---------------------------------------------------------------------------- whole crawls


def run_fleet(
    es: Elasticsearch, site_url: str, es_url: str, alias: str, tmp_path: Path, extra: list[str]
) -> None:
    """Three crawler processes at once; each must finish cleanly."""
    ensure_index(es, alias)  # created once here, not raced by three first writers
    workers = [tmp_path / f"w{n}" for n in range(3)]
    procs = [crawl_process(site_url, es_url, alias, w, w.name, extra) for w in workers]
    try:
        for proc, data_dir in zip(procs, workers, strict=True):
            proc.wait(timeout=180)
            stderr = (data_dir / "stderr").read_text(errors="replace")
            assert proc.returncode == 0, stderr[-4000:]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def seen_by(site: FixtureSite) -> list[Seen]:
    return sorted(Seen(r.time, r.headers.get("user-agent", ""), r.path) for r in site.requests)


def send_times(seen: list[Seen]) -> tuple[list[float], set[str]]:
    """Gaps (s) between consecutive requests to the host, in server time; the workers seen."""
    ordered = sorted(seen)
    gaps = [(b.time - a.time).total_seconds() for a, b in pairwise(ordered)]
    return gaps, {r.agent for r in ordered}


def test_three_crawlers_sharing_redis_keep_the_delay_for_the_whole_fleet(
    es: Elasticsearch, es_url: str, alias: str, redis_url: str, tmp_path: Path
) -> None:
    fleet = [
        "-s", f"DOWNLOAD_DELAY={DELAY}",
        "-s", f"NEWSARCHIVE_FLEET_REDIS_URL={redis_url}",
        "-s", f"NEWSARCHIVE_FLEET_KEY_PREFIX=test-{uuid.uuid4().hex[:8]}",
    ]  # fmt: skip
    with FixtureSite() as site:
        run_fleet(es, site.base_url, es_url, alias, tmp_path, fleet)
        seen = seen_by(site)
    gaps, workers = send_times(seen)

    assert workers == {f"newsarchive-test/w{n}" for n in range(3)}
    assert len(gaps) >= 3 * PAGES_PER_WORKER
    assert too_close(seen, DELAY - CLOCK_SLACK) == []


def test_without_the_fleet_limiter_three_polite_crawlers_are_impolite_together(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    """The control: each process keeps DOWNLOAD_DELAY on its own, yet the host sees far less.

    (Scrapy's own per-process spacing, seen from the server, also dips below the delay now and
    then on a busy machine, so each process is checked on its median gap.)
    """
    # More pages, so the three crawls overlap although they start a few seconds apart.
    solo = ["-s", f"DOWNLOAD_DELAY={DELAY}", "-s", "CLOSESPIDER_PAGECOUNT=15"]
    with FixtureSite() as site:
        run_fleet(es, site.base_url, es_url, alias, tmp_path, solo)
        seen = seen_by(site)
    gaps, workers = send_times(seen)
    assert len(workers) == 3
    for worker in workers:  # each process on its own is polite...
        own, _ = send_times([r for r in seen if r.agent == worker])
        assert statistics.median(own) >= DELAY - CLOCK_SLACK
    too_soon = [gap for gap in gaps if gap < DELAY / 2]
    assert len(too_soon) >= 5, sorted(gaps)[:10]  # ...the three of them are not


# ---------------------------------------------------------------------------- robots Crawl-delay


@pytest.fixture
def crawl_delay_proxy() -> Iterator[CrawlDelayProxy]:
    with FixtureSite() as site, CrawlDelayProxy(site, crawl_delay=0.6) as proxy:
        yield proxy


def test_robots_crawl_delay_longer_than_the_configured_delay_holds_across_the_fleet(
    es: Elasticsearch,
    es_url: str,
    alias: str,
    redis_url: str,
    tmp_path: Path,
    crawl_delay_proxy: CrawlDelayProxy,
) -> None:
    proxy = crawl_delay_proxy
    fleet = [
        "-s", "DOWNLOAD_DELAY=0.05",
        "-s", f"NEWSARCHIVE_FLEET_REDIS_URL={redis_url}",
        "-s", f"NEWSARCHIVE_FLEET_KEY_PREFIX=test-{uuid.uuid4().hex[:8]}",
        "-s", "CLOSESPIDER_PAGECOUNT=4",
    ]  # fmt: skip
    run_fleet(es, proxy.base_url, es_url, alias, tmp_path, fleet)
    # A worker sends its robots.txt request before it can know the Crawl-delay; every request it
    # sends afterwards must wait out the Crawl-delay after the previous send, whoever sent it.
    assert {r.agent for r in proxy.seen} == {f"newsarchive-test/w{n}" for n in range(3)}
    assert len(proxy.seen) >= 3 * 4
    assert too_close(proxy.seen, proxy.crawl_delay - CLOCK_SLACK, after_robots=False) == []
