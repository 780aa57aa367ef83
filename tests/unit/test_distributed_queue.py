"""The leased queue and the Bloom filter against a real Redis server (no fakes; fast)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from pipeline.crawl.distributed.bloom import BloomSize, RedisBloom
from pipeline.crawl.distributed.keys import RunKeys
from pipeline.crawl.distributed.leases import LEASE_META, PARENT_META
from pipeline.crawl.distributed.queue import LeasedPriorityQueue
from pipeline.crawl.distributed.scheduler import reset_if_finished
from pipeline.crawl.runner import own_settings


@pytest.fixture
def server(redis_url: str) -> Iterator[Any]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def make_queue(server: Any, lease_seconds: float) -> LeasedPriorityQueue:
    crawler = get_crawler(Spider, own_settings({"NEWSARCHIVE_LEASE_SECONDS": lease_seconds}))
    spider = Spider.from_crawler(crawler, name="demo")
    return LeasedPriorityQueue(server, spider, f"test:{uuid.uuid4().hex}:requests")


def test_pop_moves_the_request_to_the_taken_set_until_acknowledged(server: Any) -> None:
    queue = make_queue(server, 60)
    queue.push(Request("https://example.com/a"))
    request = queue.pop()
    assert request is not None and request.url == "https://example.com/a"
    assert (len(queue), queue.taken_count()) == (0, 1)
    lease = queue.last_lease
    assert lease is not None
    assert queue.pop() is None
    queue.acknowledge([lease])
    assert queue.taken_count() == 0


def test_an_expired_lease_goes_back_to_the_front_of_the_queue(server: Any) -> None:
    queue = make_queue(server, 0.2)
    queue.push(Request("https://example.com/first"))
    queue.push(Request("https://example.com/urgent", priority=100))
    taken = queue.pop()
    assert taken is not None and taken.url == "https://example.com/urgent"
    assert queue.requeue_expired() == 0  # still within its lease
    time.sleep(0.3)
    assert queue.requeue_expired() == 1
    assert queue.taken_count() == 0
    again = queue.pop()
    assert again is not None and again.url == "https://example.com/urgent"


def test_renewing_keeps_a_live_workers_lease_from_expiring(server: Any) -> None:
    queue = make_queue(server, 0.5)
    queue.push(Request("https://example.com/slow"))
    queue.pop()
    assert queue.last_lease is not None
    for _ in range(3):
        time.sleep(0.25)
        assert queue.renew([queue.last_lease]) == 1
        assert queue.requeue_expired() == 0
    assert queue.taken_count() == 1


def test_worker_bookkeeping_never_reaches_redis(server: Any) -> None:
    queue = make_queue(server, 60)
    meta = {LEASE_META: b"x", PARENT_META: b"y", "is_start_request": True, "via": "sitemap"}
    queue.push(Request("https://example.com/a", meta=meta))
    request = queue.pop()
    assert request is not None
    assert request.meta == {"via": "sitemap"}


def fingerprint(i: int) -> bytes:
    return hashlib.sha1(f"https://example.com/{i}".encode()).digest()


def test_the_bloom_filter_says_seen_only_after_an_add_and_keeps_its_size(server: Any) -> None:
    size = BloomSize.for_capacity(2000, 0.01)
    bloom = RedisBloom(server, f"test:{uuid.uuid4().hex}:seen", size)
    bloom.allocate()
    allocated = server.strlen(bloom.key)
    assert allocated == size.memory_bytes
    first = bloom.add_many([fingerprint(i) for i in range(2000)])
    # Filling up to capacity, a new URL is wrongly "seen" at a rate growing towards p.
    assert sum(first) <= 2000 * size.error_rate
    assert all(bloom.add_many([fingerprint(i) for i in range(2000)]))
    assert server.strlen(bloom.key) == allocated
    fresh = bloom.contains_many([fingerprint(i) for i in range(10_000, 20_000)])
    assert sum(fresh) / len(fresh) < 2 * size.error_rate  # about p at capacity


def test_a_finished_run_is_cleared_so_its_name_can_be_crawled_again(server: Any) -> None:
    keys = RunKeys(f"run-{uuid.uuid4().hex[:8]}", "demo")
    server.set(keys.seeded, "worker-a")
    server.setbit(keys.seen, 12345, 1)
    server.set(keys.finished, "worker-a")

    assert reset_if_finished(server, keys) is True
    assert server.exists(*keys.all()) == 0
    assert reset_if_finished(server, keys) is False  # only once, even if many workers start


def test_a_run_still_going_is_joined_not_cleared(server: Any) -> None:
    keys = RunKeys(f"run-{uuid.uuid4().hex[:8]}", "demo")
    server.set(keys.seeded, "worker-a")
    server.zadd(keys.queue, {b"request": 0})

    assert reset_if_finished(server, keys) is False
    assert server.exists(keys.seeded, keys.queue) == 2
