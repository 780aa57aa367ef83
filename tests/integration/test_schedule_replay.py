"""A scheduled run first indexes what an earlier run of its source had to spool.

Why it matters: a spooled page's validators are in the URL store (the spool file is durable), so
the next crawl gets a 304 for it. If nobody ran ``newsarchive replay``, the page would stay out
of the index for good while every run reported it "unchanged". The scheduler's runner replays the
source's spools before each run. Real parts: the demo fixture site, the local node, and a fault
proxy in front of it that refuses every connection for the first run.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch
from faultproxy import FaultProxy

from pipeline.index import drop_index
from pipeline.index.spool import find_spools
from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.schedule.runner import CrawlCommand, CrawlRunner
from pipeline.schedule.runs import RunStore, state_db_path
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    name = f"test-sched-replay-{uuid.uuid4().hex[:8]}"  # unique: suites may run side by side
    yield name
    drop_index(es, name)


def test_a_page_spooled_by_one_run_is_indexed_by_the_next_run_of_its_source(
    es: Elasticsearch,
    es_url: str,
    fixture_site: FixtureSite,
    alias: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = urlsplit(fixture_site.base_url)
    monkeypatch.setenv("NEWSARCHIVE_DEMO_URL", fixture_site.base_url)
    monkeypatch.setenv("NEWSARCHIVE_ALLOWED_NETWORKS", f"{site.hostname}:{site.port}")
    fast = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "NEWSARCHIVE_PROGRESS_INTERVAL=0"]
    command = CrawlCommand(
        data_dir=tmp_path, alias=alias, settings=[*fast, "NEWSARCHIVE_BULK_MAX_RETRIES=1"]
    )
    runner = CrawlRunner(command, RunStore(state_db_path(tmp_path)))
    expected = {
        document_id(canonical_url(a.url(fixture_site.base_url)))
        for a in manifest.expected_articles()
    }

    with FaultProxy(es_url) as proxy:
        proxy.down = True
        monkeypatch.setenv("ELASTICSEARCH_URL", proxy.url)
        first = runner.run("demo")
    assert first.summary["skipped_by_reason"]["index/spooled"] == len(expected)
    assert len(find_spools([command.spool_folder("demo")])) == 1

    monkeypatch.setenv("ELASTICSEARCH_URL", es_url)
    second = runner.run("demo")

    # The second crawl had nothing new to index: its pages answered 304 or were known.
    assert second.summary["indexed"] == 0, second.summary
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=1000, source=False)["hits"]["hits"]
    assert sorted(h["_id"] for h in hits) == sorted(expected)
    assert find_spools([command.spool_folder("demo")]) == []  # replayed, renamed
