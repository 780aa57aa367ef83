"""A Bloom filter on a Redis bitmap: the bounded seen-set of a distributed crawl.

Why: scrapy-redis's stock dupefilter keeps every fingerprint in a Redis SET, which grows by about
100 bytes per URL forever (users report 16 GB). A Bloom filter answers "seen?" in a fixed
``m / 8`` bytes, chosen up front from the capacity ``n`` it must hold at a false-positive rate
``p``:

    m = ceil(-n * ln(p) / ln(2)**2)   bits
    k = round(m / n * ln(2))           hash functions
    FPR after i insertions = (1 - exp(-k * i / m)) ** k   (<= p while i <= n)

The k bit positions come from the request fingerprint by double hashing (Kirsch-Mitzenmacher):
``h1 + j * h2 mod m``, with h1 and h2 two 64-bit slices of the SHA-1 fingerprint. Testing and
setting the k bits happens in one Lua script, so two workers checking the same URL at the same
moment cannot both see it as new.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Redis strings (and so bitmaps) are at most 512 MiB: 2**32 bits.
MAX_BITS = 2**32

# ARGV[1] = k; ARGV[2..] = k bit positions per fingerprint. SETBIT returns the previous bit: a
# fingerprint was seen when all k of its bits were already set. One reply (1 seen, 0 new) each.
_TEST_AND_SET = """
local k = tonumber(ARGV[1])
local n = (#ARGV - 1) / k
local out = {}
for i = 0, n - 1 do
  local seen = 1
  for j = 1, k do
    if redis.call('SETBIT', KEYS[1], ARGV[1 + i * k + j], 1) == 0 then seen = 0 end
  end
  out[i + 1] = seen
end
return out
"""

# Same arguments, read-only (GETBIT): used to measure the false-positive rate without filling.
_TEST = """
local k = tonumber(ARGV[1])
local n = (#ARGV - 1) / k
local out = {}
for i = 0, n - 1 do
  local seen = 1
  for j = 1, k do
    if redis.call('GETBIT', KEYS[1], ARGV[1 + i * k + j]) == 0 then seen = 0; break end
  end
  out[i + 1] = seen
end
return out
"""


@dataclass(frozen=True, slots=True)
class BloomSize:
    """The shape of a Bloom filter: ``bits`` (m) and ``hashes`` (k), for ``capacity`` (n)."""

    capacity: int
    error_rate: float
    bits: int
    hashes: int

    @classmethod
    def for_capacity(cls, capacity: int, error_rate: float) -> BloomSize:
        """The smallest filter holding ``capacity`` fingerprints at ``error_rate``."""
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        if not 0.0 < error_rate < 1.0:
            raise ValueError(f"error rate must be between 0 and 1, got {error_rate}")
        bits = math.ceil(-capacity * math.log(error_rate) / math.log(2) ** 2)
        if bits > MAX_BITS:
            raise ValueError(
                f"{capacity} fingerprints at {error_rate} need {bits} bits, more than one Redis "
                f"bitmap holds ({MAX_BITS}); raise the error rate or split the run"
            )
        hashes = max(1, round(bits / capacity * math.log(2)))
        return cls(capacity, error_rate, bits, hashes)

    @property
    def memory_bytes(self) -> int:
        """What the bitmap occupies in Redis, however many fingerprints it holds."""
        return math.ceil(self.bits / 8)

    def false_positive_rate(self, inserted: int) -> float:
        """Expected probability that a new fingerprint tests as seen after ``inserted`` ones."""
        return float((1.0 - math.exp(-self.hashes * inserted / self.bits)) ** self.hashes)


def bit_positions(fingerprint: bytes, size: BloomSize) -> list[int]:
    """The k bit offsets of a fingerprint (16+ bytes, e.g. SHA-1) in a filter of ``size``."""
    if len(fingerprint) < 16:
        raise ValueError("fingerprint must be at least 16 bytes")
    h1 = int.from_bytes(fingerprint[:8], "big")
    h2 = int.from_bytes(fingerprint[8:16], "big") | 1  # odd: never a zero stride
    return [(h1 + j * h2) % size.bits for j in range(size.hashes)]


class RedisBloom:
    """The filter itself: a bitmap at ``key`` on ``server`` (a redis-py client)."""

    def __init__(self, server: Any, key: str, size: BloomSize) -> None:
        self.server = server
        self.key = key
        self.size = size
        self._script = server.register_script(_TEST_AND_SET)
        self._test = server.register_script(_TEST)

    def allocate(self) -> None:
        """Grow the bitmap to its full size now, so its memory is m/8 from the first URL on."""
        self.server.setbit(self.key, self.size.bits - 1, 0)

    def _args(self, fingerprints: Sequence[bytes]) -> list[int]:
        args: list[int] = [self.size.hashes]
        for fp in fingerprints:
            args.extend(bit_positions(fp, self.size))
        return args

    def add_many(self, fingerprints: Sequence[bytes]) -> list[bool]:
        """Test-and-set each fingerprint atomically; True where it was (probably) seen before."""
        if not fingerprints:
            return []
        return [bool(r) for r in self._script(keys=[self.key], args=self._args(fingerprints))]

    def contains_many(self, fingerprints: Sequence[bytes]) -> list[bool]:
        """Test without adding: True where the filter (probably) holds the fingerprint."""
        if not fingerprints:
            return []
        return [bool(r) for r in self._test(keys=[self.key], args=self._args(fingerprints))]

    def add(self, fingerprint: bytes) -> bool:
        """Test-and-set one fingerprint; True when it was (probably) seen before."""
        return self.add_many([fingerprint])[0]

    def clear(self) -> None:
        self.server.delete(self.key)
