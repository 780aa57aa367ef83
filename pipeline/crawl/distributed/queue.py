"""A scrapy-redis priority queue with leases: a popped request is taken, not gone.

Why: scrapy-redis's PriorityQueue removes a request when a worker pops it, so a worker killed
mid-request loses it. Here one Lua script moves the request from the queue (sorted set, score
``-priority``) to the "taken" sorted set with a deadline ``now + lease timeout`` on the Redis
server's clock (so the workers' clocks do not matter). The worker renews the deadlines of what it
still works on and removes (acknowledges) a lease when the work is durable; any worker moves the
leases whose deadline passed back to the queue, in front of everything else.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue  # type: ignore[import-untyped]

from pipeline.crawl.distributed.keys import taken_key
from pipeline.crawl.distributed.leases import PRIVATE_META

# Expired leases are queued with this score: before any fresh request (scores are -priority).
REQUEUE_SCORE = -(2**50)

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: queue, taken. ARGV: lease seconds. Returns the member, or false when the queue is empty.
_POP = (
    _NOW
    + """
local m = redis.call('ZRANGE', KEYS[1], 0, 0)
if #m == 0 then return false end
redis.call('ZREM', KEYS[1], m[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), m[1])
return m[1]
"""
)

# KEYS: queue, taken. ARGV: score for requeued members, max count. Returns how many moved.
_REQUEUE_EXPIRED = (
    _NOW
    + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), m)
end
return #expired
"""
)

# KEYS: taken. ARGV: lease seconds, members... Moves the deadline of members still taken (XX: a
# lease that expired and was requeued meanwhile is not re-created). Returns how many renewed.
_RENEW = (
    _NOW
    + """
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return n
"""
)


class LeasedPriorityQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's PriorityQueue whose pop leases instead of removing."""

    lease_seconds: float = 120.0

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.taken_key = taken_key(self.key)
        self.lease_seconds = spider.settings.getfloat("NEWSARCHIVE_LEASE_SECONDS")
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE_EXPIRED)
        self._renew = server.register_script(_RENEW)
        self.last_lease: bytes | None = None

    def _encode_request(self, request: Request) -> bytes:
        """Serialize without this worker's bookkeeping (lease, parent, start-request flag)."""
        obj = request.to_dict(spider=self.spider)
        obj["meta"] = {k: v for k, v in obj.get("meta", {}).items() if k not in PRIVATE_META}
        return bytes(self.serializer.dumps(obj))

    def pop(self, timeout: int = 0) -> Request | None:
        """The next request, leased; ``last_lease`` is its member in the taken set."""
        member = self._pop(keys=[self.key, self.taken_key], args=[self.lease_seconds])
        self.last_lease = member
        if not member:
            return None
        return self._decode_request(member)  # type: ignore[no-any-return]

    def acknowledge(self, leases: list[bytes]) -> None:
        """The work of these leases is durable: forget them."""
        if leases:
            self.server.zrem(self.taken_key, *leases)

    def renew(self, leases: list[bytes]) -> int:
        """Push the deadlines of these leases ``lease_seconds`` into the future."""
        if not leases:
            return 0
        return int(self._renew(keys=[self.taken_key], args=[self.lease_seconds, *leases]))

    def requeue_expired(self, limit: int = 1000) -> int:
        """Put requests whose lease expired (their worker died or hung) back in the queue."""
        return int(self._requeue(keys=[self.key, self.taken_key], args=[REQUEUE_SCORE, limit]))

    def taken_count(self) -> int:
        return int(self.server.zcard(self.taken_key))

    def clear(self) -> None:
        self.server.delete(self.key, self.taken_key)
