"""The seen-set's Bloom filter: its size follows from capacity and error rate, nothing else."""

from __future__ import annotations

import hashlib
import math

import pytest

from pipeline.crawl.distributed.bloom import MAX_BITS, BloomSize, bit_positions


def fingerprint(i: int) -> bytes:
    return hashlib.sha1(f"https://example.com/{i}".encode()).digest()


def test_sizing_follows_the_textbook_formulas() -> None:
    size = BloomSize.for_capacity(1_000_000, 0.001)
    assert size.bits == math.ceil(-1_000_000 * math.log(0.001) / math.log(2) ** 2)
    assert size.bits == 14_377_588
    assert size.hashes == 10
    assert size.memory_bytes == 1_797_199  # 1.7 MiB for a million URLs


def test_the_production_default_takes_23_mib_for_ten_million_urls() -> None:
    size = BloomSize.for_capacity(10_000_000, 1e-4)
    assert (size.bits, size.hashes) == (191_701_168, 13)
    assert size.memory_bytes / 2**20 == pytest.approx(22.85, abs=0.01)


def test_the_expected_false_positive_rate_reaches_p_at_capacity() -> None:
    size = BloomSize.for_capacity(100_000, 0.01)
    assert size.false_positive_rate(100_000) == pytest.approx(0.01, rel=0.05)
    assert size.false_positive_rate(10_000) < 1e-6
    assert size.false_positive_rate(0) == 0.0


def test_memory_does_not_depend_on_how_many_urls_were_added() -> None:
    size = BloomSize.for_capacity(50_000, 0.01)
    assert size.memory_bytes == math.ceil(size.bits / 8)


@pytest.mark.parametrize(("capacity", "rate"), [(0, 0.01), (10, 0.0), (10, 1.0), (10, -0.5)])
def test_nonsense_sizes_are_refused(capacity: int, rate: float) -> None:
    with pytest.raises(ValueError):
        BloomSize.for_capacity(capacity, rate)


def test_a_filter_larger_than_one_redis_bitmap_is_refused() -> None:
    with pytest.raises(ValueError, match="bitmap"):
        BloomSize.for_capacity(1_000_000_000, 1e-6)
    assert BloomSize.for_capacity(100_000_000, 1e-3).bits < MAX_BITS


def test_positions_are_k_distinct_offsets_inside_the_bitmap_and_stable() -> None:
    size = BloomSize.for_capacity(1000, 0.01)
    positions = bit_positions(fingerprint(1), size)
    assert len(positions) == size.hashes
    assert len(set(positions)) == size.hashes
    assert all(0 <= p < size.bits for p in positions)
    assert bit_positions(fingerprint(1), size) == positions
    assert bit_positions(fingerprint(2), size) != positions


def test_positions_need_a_real_hash_not_a_short_key() -> None:
    with pytest.raises(ValueError):
        bit_positions(b"short", BloomSize.for_capacity(10, 0.1))
