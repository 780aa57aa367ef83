"""scrapy-redis's Scheduler, made safe for a fleet: leases, one seeder per run, a shared ending.

On top of the stock scheduler (shared queue and dupefilter in Redis, keys persist between workers)
this adds the three things a fleet needs and scrapy-redis leaves out:

* leases: every popped request is held in this worker's LeaseBook until its work is durable; a
  maintenance loop renews this worker's lease deadlines and puts any expired lease (a dead
  worker's) back in the queue;
* seeding: the start URLs (feeds, sitemaps, section fronts) are enqueued by the one worker that
  wins ``SET <run>:seeded NX``; the others drop theirs, so no sitemap is fetched three times;
* ending: a worker only closes when the queue and the taken set have both been empty (and the run
  was seeded) for NEWSARCHIVE_DISTRIBUTED_IDLE_CLOSE seconds; while another worker holds leases,
  what it holds may still come back, so everyone waits. The worker that ends a run marks it
  finished; a worker that later starts under the same run name (the default name is the date, so
  a scheduler's second crawl of the day) clears the finished run's keys and starts it afresh,
  rather than joining a run with nothing left and crawling nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.scheduler import Scheduler  # type: ignore[import-untyped]
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from pipeline.crawl.distributed.keys import RunKeys
from pipeline.crawl.distributed.leases import LEASE_META, PARENT_META, LeaseBook, register_book

log = logging.getLogger(__name__)

# Deletes every key of the run if, and only if, it is marked finished: atomic, so of the workers
# starting together after a finished run exactly one clears it and none clears a run just seeded.
_RESET_IF_FINISHED = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('DEL', unpack(KEYS))
    return 1
end
return 0
"""


def reset_if_finished(server: Any, keys: RunKeys) -> bool:
    """Clear a finished run's keys so its name can be crawled again; True when it did."""
    names = [keys.finished, *(key for key in keys.all() if key != keys.finished)]
    return bool(server.eval(_RESET_IF_FINISHED, len(names), *names))


class DistributedScheduler(Scheduler):  # type: ignore[misc]
    """The scheduler of distributed mode (SCHEDULER when NEWSARCHIVE_REDIS_URL is set)."""

    crawler: Any
    book: LeaseBook
    run: str
    idle_close: float
    keep_seconds: int
    worker_id: str
    _seeder: bool | None
    _empty_since: float | None
    _draining: Deferred[None] | None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedScheduler:
        instance: DistributedScheduler = super().from_crawler(crawler)
        instance.crawler = crawler
        settings = crawler.settings
        instance.run = settings.get("NEWSARCHIVE_RUN_NAME")
        instance.idle_close = settings.getfloat("NEWSARCHIVE_DISTRIBUTED_IDLE_CLOSE")
        instance.keep_seconds = settings.getint("NEWSARCHIVE_DISTRIBUTED_KEEP_SECONDS")
        instance.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        instance._seeder = None
        instance._empty_since = None
        instance._draining = None
        crawler.signals.connect(instance._on_idle, signal=signals.spider_idle)
        return instance

    def open(self, spider: Any) -> None:
        self.keys = RunKeys(self.run, spider.name)
        if reset_if_finished(self.server, self.keys):
            log.info("run %s of %s had finished: starting it afresh", self.run, spider.name)
        super().open(spider)
        self.book = LeaseBook(self.queue.acknowledge)
        register_book(self.crawler, self.book)
        interval = max(0.5, self.queue.lease_seconds / 4)
        self._maintenance = LoopingCall(self._maintain)
        self._maintenance.start(interval, now=False)
        log.info(
            "distributed crawl: run %s, queue %s, lease %.0fs, worker %s",
            self.run,
            self.queue.key,
            self.queue.lease_seconds,
            self.worker_id,
        )

    def close(self, reason: str) -> None:
        if self._maintenance.running:
            self._maintenance.stop()
        if reason != "finished":
            # Interrupted (shutdown, page cap...): what this worker still holds expires and
            # comes back to the queue for the others.
            log.info("closing (%s) with %d lease(s) left to expire", reason, len(self.book))
            return
        self.book.settle(self.book.leases())
        if not len(self.queue) and not self.queue.taken_count():
            # The run is over: mark it, and keep its keys a while rather than forever.
            self.server.set(self.keys.finished, self.worker_id)
            for key in self.keys.all():
                self.server.expire(key, self.keep_seconds)
        super().close(reason)

    # -- queue -------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get("is_start_request") and not self._may_seed():
            return False  # another worker fetches this run's start URLs
        parent = request.meta.pop(PARENT_META, None)
        previous = request.meta.pop(LEASE_META, None)  # a retry or redirect of a leased request
        try:
            return bool(super().enqueue_request(request))
        finally:
            # Pushed (or filtered as seen): the work the lease stood for is now in Redis.
            if previous is not None:
                self.book.release(previous)
            if parent is not None:
                self.book.release(parent)

    def next_request(self) -> Request | None:
        request: Request | None = super().next_request()
        if request is not None:
            lease = self.queue.last_lease
            request.meta[LEASE_META] = lease
            self.book.hold(lease)
        return request

    # -- seeding and ending ------------------------------------------------------------------

    def _may_seed(self) -> bool:
        """Whether this worker enqueues the run's start URLs (decided once, first come)."""
        if self._seeder is None:
            self._seeder = bool(self.server.set(self.keys.seeded, self.worker_id, nx=True))
            if self._seeder:
                log.info("this worker seeds run %s", self.run)
        return bool(self._seeder)

    def _on_idle(self, spider: Any) -> None:
        """Keep the spider open while the run may still have work for it."""
        self._drain()
        try:
            self._requeue_expired()
            busy = bool(len(self.queue) or self.queue.taken_count())
            seeded = bool(self.server.exists(self.keys.seeded))
        except RedisError as exc:
            log.warning("redis unavailable while idle (%s); staying open", exc)
            raise DontCloseSpider from exc
        if busy or not seeded:
            self._empty_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._empty_since is None:
            self._empty_since = now
        if now - self._empty_since < self.idle_close:
            raise DontCloseSpider
        log.info("queue and leases empty for %.0fs: closing", now - self._empty_since)

    def _drain(self) -> None:
        """Idle means all local work is done: flush buffered articles, then acknowledge all."""
        if self._draining is not None or not len(self.book):
            return
        leases = self.book.leases()

        async def drain() -> None:
            try:
                if self.book.flusher is not None:
                    await self.book.flusher()
                self.book.settle(leases)
            finally:
                self._draining = None

        self._draining = deferred_from_coro(drain())

    def _maintain(self) -> None:
        """Renew this worker's leases; return expired ones (dead workers') to the queue."""
        try:
            self.queue.renew(self.book.leases())
            self._requeue_expired()
        except RedisError as exc:
            log.warning("lease maintenance failed: %s", exc)

    def _requeue_expired(self) -> None:
        moved = self.queue.requeue_expired()
        if moved:
            log.warning("%d expired lease(s) returned to the queue", moved)
            self.crawler.stats.inc_value("distributed/leases_requeued", moved)
