"""Extraction in worker processes gives what inline extraction gives, failures included."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pipeline.exceptions import ExtractionError
from pipeline.extract import ExtractOptions, extract
from pipeline.extract.pool import ExtractPool
from pipeline.index.neardup import fingerprint

PAGE = (
    b"<html><head><title>Harbor ferry fares frozen</title></head><body><nav>Home News</nav>"
    b"<article><h1>Harbor ferry fares frozen</h1>"
    + b"".join(
        b"<p>The city council voted on Tuesday to keep ferry fares at this year's level, "
        b"citing rising costs for commuters across the harbor district. %d</p>" % n
        for n in range(6)
    )
    + b"</article><footer>Contact us</footer></body></html>"
)
OPTIONS = ExtractOptions(fetched_at=datetime(2026, 11, 28, tzinfo=UTC))


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractPool]:
    workers = ExtractPool(workers=1, in_flight=2)
    yield workers
    workers.close()


def test_a_worker_extracts_the_same_page_as_inline_extraction(pool: ExtractPool) -> None:
    url = "http://127.0.0.1/news/2026/11/28/fares/"
    inline = extract(PAGE, url, OPTIONS)
    pooled = asyncio.run(pool.extract(PAGE, url, OPTIONS))
    assert pooled.page == inline


def test_a_worker_also_returns_the_minhash_of_the_body_it_extracted(pool: ExtractPool) -> None:
    url = "http://127.0.0.1/news/2026/11/28/fares/"
    pooled = asyncio.run(pool.extract(PAGE, url, OPTIONS))
    assert pooled.fingerprint == fingerprint(extract(PAGE, url, OPTIONS).body)


def test_an_extraction_failure_keeps_its_reason_across_the_process_boundary(
    pool: ExtractPool,
) -> None:
    url = "http://127.0.0.1/empty/"
    with pytest.raises(ExtractionError) as inline:
        extract(b"<html><body></body></html>", url, OPTIONS)
    with pytest.raises(ExtractionError) as pooled:
        asyncio.run(pool.extract(b"<html><body></body></html>", url, OPTIONS))
    assert (pooled.value.reason, pooled.value.detail) == (inline.value.reason, inline.value.detail)
