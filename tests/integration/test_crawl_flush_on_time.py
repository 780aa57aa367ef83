"""Documents are searchable while the crawl still runs: a bulk batch is written when it is full
or when its first document has waited NEWSARCHIVE_BULK_FLUSH_SECONDS, whichever comes first.

The fixture site holds back its answer to one article, so the spider cannot close (and make
its final flush) until the test lets it: whatever Elasticsearch finds before then was written
by a timed flush. The demo crawl has 31 articles, far below a batch of 500, so by size alone
nothing is searchable until the end. How soon on a real crawl is a benchmark
(benchmarks/RESULTS.md, "first searchable").
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch, NotFoundError
from holding_site import HoldingSite

from pipeline.local.fixture_site import FixtureSite

pytestmark = pytest.mark.integration

HOLD_AFTER = 6  # articles answered before the one held back


def searchable(es: Elasticsearch, index: str) -> int:
    try:
        return int(es.count(index=index)["count"])
    except NotFoundError:
        return 0  # the crawl has not created its index yet


def crawl_in_background(
    crawl_runner: Any, site: FixtureSite, es_url: str, index: str, data_dir: Path, flush: str
) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        result["run"] = crawl_runner(
            site_url=site.base_url,
            es_url=es_url,
            alias=index,
            data_dir=data_dir,
            extra=["-s", f"NEWSARCHIVE_BULK_FLUSH_SECONDS={flush}"],
        )

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_the_first_documents_are_searchable_before_the_spider_closes(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    with HoldingSite(HOLD_AFTER) as site:
        thread, result = crawl_in_background(crawl_runner, site, es_url, alias, tmp_path, flush="1")
        assert site.holding.wait(timeout=120), "the crawl never reached the held article"
        deadline = time.monotonic() + 60
        while searchable(es, alias) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        found_while_held = searchable(es, alias)
        still_held = not site.released.is_set() and thread.is_alive()
        site.release()
        thread.join(timeout=300)
    assert found_while_held > 0, "nothing was searchable while the last response was held"
    assert still_held  # the documents were written by a timed flush, not the closing one
    run = result["run"]
    assert run.exit_code == 0, run.stderr[-3000:]
    assert run.summary["balanced"]
    assert searchable(es, alias) >= found_while_held


def test_by_size_alone_nothing_is_searchable_until_the_spider_closes(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    """The control: the same crawl with timed flushes off (0) writes one batch, at the end."""
    with HoldingSite(HOLD_AFTER) as site:
        thread, result = crawl_in_background(crawl_runner, site, es_url, alias, tmp_path, flush="0")
        assert site.holding.wait(timeout=120), "the crawl never reached the held article"
        time.sleep(4)  # four times the flush interval of the test above
        found_while_held = searchable(es, alias)
        site.release()
        thread.join(timeout=300)
    assert found_while_held == 0
    run = result["run"]
    assert run.exit_code == 0, run.stderr[-3000:]
    assert searchable(es, alias) == run.summary["indexed"] > 0
