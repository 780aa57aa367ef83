"""Politeness that holds for the whole fleet: per-host concurrency and delay shared through Redis.

Why: Scrapy enforces DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN per process, so N crawler
processes sharing one frontier would hit a site N times as hard as one. Here, before a request goes
out, one Lua script in Redis (atomic, and timed by Redis' own ``TIME`` so the workers' clocks never
matter) grants it (a) one of the host's fleet-wide concurrency slots, a lease that expires on its
own so a killed worker's slots come back, and (b) a send time at least the agreed gap after the
host's previous send, and after the previous answer, by any worker. The gap is the configured
delay (with its jitter) or the host's robots.txt ``Crawl-delay`` for our user agent, whichever is
longer. A request that must wait sleeps asynchronously and asks again; its slot is given back when
its response or failure arrives.

Active when ``NEWSARCHIVE_REDIS_URL`` (distributed mode) or ``NEWSARCHIVE_FLEET_REDIS_URL`` (shared
politeness only, e.g. for independent crawls of sources on the same hosts) is set; otherwise
``NotConfigured``, so single-machine crawls keep Scrapy's own politeness. Design note, failure
modes and limits: docs/politeness.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from itertools import count
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

__all__ = [
    "ACQUIRE_SCRIPT",
    "CONFIRM_SCRIPT",
    "RELEASE_SCRIPT",
    "FleetConfig",
    "FleetKeys",
    "FleetLimiter",
    "FleetPolitenessMiddleware",
    "Gap",
    "choose_gap",
    "fleet_keys",
    "local_slot",
]

logger = logging.getLogger(__name__)

# Where the middleware keeps a granted lease on the request: (politeness key, lease token).
LEASE_META = "newsarchive_fleet_lease"
# A lease outlives the request's download timeout by this much, then Redis reclaims it.
LEASE_MARGIN_SECONDS = 30.0
# When every slot is taken, ask again after this long (a release is not announced).
BUSY_POLL_SECONDS = 0.02
# Never sleep longer than this between two asks, so a shorter gap set meanwhile is noticed.
MAX_SLEEP_SECONDS = 1.0
# After a Redis error, skip Redis for this long (fail open) or wait this long (fail closed).
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 2.0

# KEYS[1]: the host's leases, a sorted set: token -> lease expiry (µs, Redis clock).
# KEYS[2]: the host's pace, a hash: last = time of the last granted send (µs), gap = the gap that
#          send imposed on the next one (µs).
# ARGV: token, concurrency limit, floor µs (this worker's minimum gap), gap µs (imposed by this
#       send if granted), lease µs, busy poll µs.
# Returns {1, 0, "granted"} or {0, µs to wait, "pace" | "busy"}.
# Times are formatted with %.0f because Lua 5.1 would print a 16-digit µs time as 1.7e+15.
ACQUIRE_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local function int(x) return string.format('%.0f', x) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(now))
local pace = redis.call('HMGET', KEYS[2], 'last', 'gap')
local wait = 0
if pace[1] then
  local gap = math.max(tonumber(pace[2] or '0'), tonumber(ARGV[3]))
  wait = tonumber(pace[1]) + gap - now
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return {0, math.floor(math.max(wait, tonumber(ARGV[6]))), 'busy'}
end
if wait > 0 then
  return {0, math.floor(wait), 'pace'}
end
redis.call('ZADD', KEYS[1], int(now + tonumber(ARGV[5])), ARGV[1])
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], int(math.ceil(tonumber(latest[2]) / 1000) + 1))
redis.call('HSET', KEYS[2], 'last', int(now), 'gap', ARGV[4])
redis.call('PEXPIRE', KEYS[2], int(math.ceil(tonumber(ARGV[4]) / 1000) + 60000))
return {1, 0, 'granted'}
"""

# Moves the host's ``last`` forward to Redis' TIME now (never back). KEYS[1]: the pace hash.
_TOUCH = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local last = redis.call('HGET', KEYS[1], 'last')
if last and tonumber(last) < now then
  redis.call('HSET', KEYS[1], 'last', string.format('%.0f', now))
end
"""
# Run when the granted request is actually on its way: a worker whose event loop was busy when
# the grant arrived sends later than granted, and the next gap must count from the real send.
CONFIRM_SCRIPT = _TOUCH + "return 1\n"
# Run when the response (or failure) is back. KEYS[2]: leases, ARGV[1]: token. The next send to
# the host then also waits the gap after this answer: the site has certainly received the request
# by now, however late this worker's event loop really sent it (see docs/politeness.md, Clocks).
RELEASE_SCRIPT = _TOUCH + "redis.call('ZREM', KEYS[2], ARGV[1])\nreturn 1\n"


@dataclass(frozen=True)
class FleetKeys:
    """The two Redis keys of one host; the ``{host}`` hash tag keeps both in one Cluster slot."""

    leases: str
    pace: str


def fleet_keys(prefix: str, host: str) -> FleetKeys:
    """Keys of the politeness budget of ``host``: the host name, not the registered domain.

    Per host because Scrapy's own slots, robots.txt and its Crawl-delay are all per host.
    """
    name = host.strip().lower().rstrip(".")
    if not name:
        raise ValueError("a politeness key needs a host name")
    return FleetKeys(leases=f"{prefix}:{{{name}}}:leases", pace=f"{prefix}:{{{name}}}:pace")


def local_slot(host: str) -> str:
    """The Scrapy download slot of fleet-paced requests: no per-process delay of its own."""
    return f"fleet:{host}"


@dataclass(frozen=True)
class Gap:
    """Seconds between two sends to one host, as one worker sees them.

    ``floor``: this worker never sends sooner than this after the host's previous send, whoever
    sent it. ``after``: the gap this worker's send imposes on the next one (the jittered delay).
    """

    floor: float
    after: float


def choose_gap(
    delay: float, jitter: float, crawl_delay: float | None, max_crawl_delay: float, draw: float
) -> Gap:
    """The gap for one send: the jittered delay, never below the host's (capped) Crawl-delay.

    ``draw`` in [-1, 1] picks the jitter, as Scrapy does: delay × (1 ± jitter). The floor is the
    shortest gap any jittered draw may give, so workers with the same settings agree on it.
    """
    jitter = min(max(jitter, 0.0), 1.0)
    honoured = min(max(crawl_delay or 0.0, 0.0), max_crawl_delay)
    after = max(delay * (1.0 + jitter * draw), honoured, 0.0)
    floor = max(delay * (1.0 - jitter), honoured, 0.0)
    return Gap(floor=floor, after=max(after, floor))


def _micros(seconds: float) -> int:
    return max(0, round(seconds * 1_000_000))


class FleetLimiter:
    """The Redis side: ask for a slot and a send time for one host, give the slot back."""

    def __init__(self, client: Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._acquire = client.register_script(ACQUIRE_SCRIPT)
        self._confirm = client.register_script(CONFIRM_SCRIPT)
        self._release = client.register_script(RELEASE_SCRIPT)

    async def acquire(
        self, host: str, token: str, *, limit: int, gap: Gap, lease_seconds: float
    ) -> float:
        """0.0 when the send is granted (and the lease taken); else seconds to wait first."""
        keys = fleet_keys(self.prefix, host)
        granted, wait_us, _why = await self._acquire(
            keys=[keys.leases, keys.pace],
            args=[
                token,
                max(1, limit),
                _micros(gap.floor),
                _micros(gap.after),
                _micros(lease_seconds),
                _micros(BUSY_POLL_SECONDS),
            ],
        )
        if int(granted) == 1:
            return 0.0
        return max(int(wait_us), 1) / 1_000_000

    async def confirm_sent(self, host: str) -> None:
        """The granted request goes out now: the host's next gap counts from this moment."""
        await self._confirm(keys=[fleet_keys(self.prefix, host).pace])

    async def release(self, host: str, token: str) -> None:
        """Give the slot back; the host's next gap counts from now at the earliest."""
        keys = fleet_keys(self.prefix, host)
        await self._release(keys=[keys.pace, keys.leases], args=[token])


@dataclass(frozen=True)
class FleetConfig:
    """What the middleware reads from the settings; in fleet mode these values are fleet-wide."""

    redis_url: str
    delay: float
    jitter: float
    concurrency: int
    download_timeout: float
    max_crawl_delay: float
    key_prefix: str
    fail_open: bool
    user_agent: str

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> FleetConfig:
        return cls(
            redis_url=(
                settings.get("NEWSARCHIVE_FLEET_REDIS_URL")
                or settings.get("NEWSARCHIVE_REDIS_URL")
                or ""
            ),
            delay=settings.getfloat("DOWNLOAD_DELAY"),
            jitter=settings.getfloat("DOWNLOAD_DELAY_JITTER"),
            concurrency=max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")),
            download_timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
            max_crawl_delay=settings.getfloat("NEWSARCHIVE_FLEET_MAX_CRAWL_DELAY"),
            key_prefix=settings.get("NEWSARCHIVE_FLEET_KEY_PREFIX"),
            fail_open=settings.getbool("NEWSARCHIVE_FLEET_FAIL_OPEN"),
            user_agent=settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "",
        )


class FleetPolitenessMiddleware:
    """Downloader middleware: no request leaves before the fleet-wide budget of its host allows.

    Sits last before the downloader (after the cache and the robots check), so requests refused
    or answered locally never take a slot. Granted requests go to a per-host download slot with
    no per-process delay (and AutoThrottle off for them), because a local delay after the grant
    would push the send past the agreed time and break the fleet-wide spacing.
    """

    def __init__(self, crawler: Crawler, config: FleetConfig, limiter: FleetLimiter) -> None:
        self.crawler = crawler
        self.config = config
        self.limiter = limiter
        self.crawl_delays: dict[str, float] = {}  # netloc -> robots.txt Crawl-delay for us
        self._locks: dict[str, asyncio.Lock] = {}
        self._held: dict[str, str] = {}  # token -> host, to give back at close
        self._slots_configured: set[str] = set()
        self._tokens = count(1)
        self._worker = f"{socket.gethostname()}/{os.getpid()}"
        self._skip_redis_until = 0.0
        self._background: set[asyncio.Task[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FleetPolitenessMiddleware:
        config = FleetConfig.from_settings(crawler.settings)
        if not config.redis_url:
            raise NotConfigured("no Redis URL: per-process politeness only")
        client = Redis.from_url(
            config.redis_url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        middleware = cls(crawler, config, FleetLimiter(client, config.key_prefix))
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # ------------------------------------------------------------------ signals

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Remember the host's Crawl-delay for our user agent (RobotsTxtMiddleware parsed it)."""
        delay = robotparser.crawl_delay(self.config.user_agent)
        if delay is None or delay <= 0:
            return
        netloc = urlparse_cached(request).netloc
        self.crawl_delays[netloc] = float(delay)
        if delay > self.config.max_crawl_delay:
            self._stats_inc("fleet_politeness/crawl_delay_capped")
            logger.warning(
                "robots.txt of %s asks for Crawl-delay %.1fs; honouring %.1fs "
                "(NEWSARCHIVE_FLEET_MAX_CRAWL_DELAY)",
                netloc,
                delay,
                self.config.max_crawl_delay,
            )

    def request_dropped(self, request: Request) -> None:
        """A request the scheduler refused cannot send: give back a lease it might carry."""
        if request.meta.get(LEASE_META) is not None:
            self._in_background(self._release(request))

    async def spider_closed(self) -> None:
        """Give back every lease still held (requests cut off by the close), then disconnect."""
        for token, host in list(self._held.items()):
            try:
                await self.limiter.release(host, token)
            except RedisError:
                break  # the leases expire on their own
        self._held.clear()
        await self.limiter.client.aclose()

    # ------------------------------------------------------------------ middleware hooks

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname
        if not host:
            return
        if time.monotonic() < self._skip_redis_until:
            self._fall_back(request)
            return
        token = f"{self._worker}/{next(self._tokens)}"
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:  # one asker per host per process; local waiters queue in order
            granted = await self._wait_for_grant(request, host, token)
        if not granted:
            self._fall_back(request)
            return
        self._held[token] = host
        request.meta[LEASE_META] = (host, token)
        self._use_undelayed_slot(request, host)
        self._stats_inc("fleet_politeness/granted")
        # Not awaited: the task runs on the loop's next turn, next to the download task that
        # Scrapy schedules for this request, so the confirmed time is the send time.
        self._in_background(self._confirm_sent(host))

    async def process_response(self, request: Request, response: Response) -> Response:
        await self._release(request)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        await self._release(request)

    # ------------------------------------------------------------------ internals

    async def _wait_for_grant(self, request: Request, host: str, token: str) -> bool:
        """Ask Redis until the send is granted; False means "go ahead without the fleet"."""
        waited = 0.0
        while True:
            gap = choose_gap(
                self.config.delay,
                self.config.jitter,
                self.crawl_delays.get(urlparse_cached(request).netloc),
                self.config.max_crawl_delay,
                random.uniform(-1.0, 1.0),  # jitter, not security
            )
            try:
                wait = await self.limiter.acquire(
                    host,
                    token,
                    limit=self.config.concurrency,
                    gap=gap,
                    lease_seconds=self._lease_seconds(request),
                )
            except RedisError as exc:
                if self._redis_failed(exc):
                    return False
                await asyncio.sleep(REDIS_RETRY_SECONDS)
                continue
            self._redis_recovered()
            if wait <= 0:
                if waited:
                    self._stats_inc("fleet_politeness/waited_requests")
                    self._stats_inc("fleet_politeness/wait_ms", round(waited * 1000))
                return True
            pause = min(wait, MAX_SLEEP_SECONDS)
            waited += pause
            await asyncio.sleep(pause)

    def _lease_seconds(self, request: Request) -> float:
        timeout = float(request.meta.get("download_timeout") or self.config.download_timeout)
        return timeout + LEASE_MARGIN_SECONDS

    def _use_undelayed_slot(self, request: Request, host: str) -> None:
        """Route the request to a local slot without delay: the fleet already spaced it."""
        slot = local_slot(host)
        if slot not in self._slots_configured:
            try:
                downloader = self.crawler.engine.downloader
            except RuntimeError:  # no engine outside a crawl (the middleware driven directly)
                downloader = None
            if downloader is not None:
                downloader.per_slot_settings.setdefault(
                    slot, {"concurrency": self.config.concurrency, "delay": 0.0, "jitter": 0.0}
                )
                self._slots_configured.add(slot)
        request.meta["download_slot"] = slot
        request.meta["autothrottle_dont_adjust_delay"] = True

    def _fall_back(self, request: Request) -> None:
        """Send under per-process politeness: Scrapy's own slot of the host, with its delay.

        A retried or redirected copy of a fleet-paced request still names the undelayed slot.
        """
        if str(request.meta.get("download_slot", "")).startswith(local_slot("")):
            del request.meta["download_slot"]
            request.meta.pop("autothrottle_dont_adjust_delay", None)
        self._stats_inc("fleet_politeness/fallback_requests")

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _confirm_sent(self, host: str) -> None:
        try:
            await self.limiter.confirm_sent(host)
        except RedisError as exc:
            self._stats_inc("fleet_politeness/redis_errors")
            logger.debug("could not confirm a send to %s: %s", host, exc)

    async def _release(self, request: Request) -> None:
        lease = request.meta.pop(LEASE_META, None)
        if lease is None:
            return
        host, token = lease
        self._held.pop(token, None)
        try:
            await self.limiter.release(host, token)
        except RedisError as exc:
            self._stats_inc("fleet_politeness/release_errors")
            logger.debug("could not give back fleet lease %s (it will expire): %s", token, exc)

    def _redis_failed(self, exc: RedisError) -> bool:
        """Count and log a Redis error; True when this request should go on without the fleet."""
        self._stats_inc("fleet_politeness/redis_errors")
        first = self._skip_redis_until == 0.0
        self._skip_redis_until = time.monotonic() + REDIS_RETRY_SECONDS
        if self.config.fail_open:
            if first:
                logger.warning(
                    "fleet politeness: Redis unavailable (%s); falling back to per-process "
                    "politeness, retrying Redis every %.0fs",
                    exc,
                    REDIS_RETRY_SECONDS,
                )
            return True
        self._skip_redis_until = 0.0  # fail closed: keep asking, never bypass
        logger.warning("fleet politeness: Redis unavailable (%s); requests wait for it", exc)
        return False

    def _redis_recovered(self) -> None:
        if self._skip_redis_until:
            self._skip_redis_until = 0.0
            logger.warning("fleet politeness: Redis is back; fleet-wide politeness resumes")

    def _stats_inc(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)
