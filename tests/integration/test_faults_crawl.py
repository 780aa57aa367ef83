"""A crawl while the node is down: nothing lost, non-zero exit, then `replay` lands it exactly once.

The crawl talks to the real node through ``tests/faultproxy.py`` switched to "down" (every
connection closed at once, as a dead node looks to a client); the fixture site is the real loopback
site. Afterwards ``newsarchive replay`` runs as its own process against the node, twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from faultproxy import FaultProxy

from pipeline.index import drop_index
from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def replay(es_url: str, run_dir: Path) -> tuple[int, list[dict[str, Any]]]:
    env = {**os.environ, "ELASTICSEARCH_URL": es_url}
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "replay", str(run_dir), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert proc.stdout.strip(), proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout)


def test_a_node_down_for_a_whole_crawl_then_back_loses_and_duplicates_nothing(
    es: Elasticsearch,
    es_url: str,
    fixture_site: FixtureSite,
    crawl_runner: Any,
    tmp_path: Path,
) -> None:
    index = f"test-node-down-{uuid.uuid4().hex[:8]}"  # unique: suites may run side by side
    drop_index(es, index)
    expected = {
        document_id(canonical_url(a.url(fixture_site.base_url)))
        for a in manifest.expected_articles()
    }
    try:
        with FaultProxy(es_url) as proxy:
            proxy.down = True
            run = crawl_runner(
                site_url=fixture_site.base_url,
                es_url=proxy.url,
                alias=index,
                data_dir=tmp_path,
                extra=["-s", "NEWSARCHIVE_BULK_MAX_RETRIES=1"],
            )
        s = run.summary
        assert run.exit_code != 0  # the job is not done while articles wait in the spool
        assert s["balanced"], s
        assert s["indexed"] == 0 and s["dead_lettered"] == 0
        assert s["skipped_by_reason"]["index/spooled"] == len(expected)

        code, outcomes = replay(es_url, run.run_dir)
        assert code == 0
        assert sum(o["created"] for o in outcomes) == len(expected)
        code, again = replay(es_url, run.run_dir)
        assert code == 0 and sum(o["created"] + o["updated"] for o in again) == 0

        es.indices.refresh(index=index)
        hits = es.search(index=index, size=1000, source=False)["hits"]["hits"]
        assert sorted(h["_id"] for h in hits) == sorted(expected)
        dupes = es.search(
            index=index,
            size=0,
            aggs={"d": {"terms": {"field": "canonical_url", "min_doc_count": 2}}},
        )
        assert dupes["aggregations"]["d"]["buckets"] == []
    finally:
        drop_index(es, index)
