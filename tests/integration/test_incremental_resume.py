"""A crawl killed half-way (a real SIGTERM to a real process) resumes without refetching.

Scrapy's JOBDIR (``--resumable``) keeps the pending requests and the fingerprints of those done;
the URL store keeps the validators. The fixture site's request log shows that no page answered
with content in the first part was downloaded again in the second.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch

from pipeline.crawl.runner import job_dir
from pipeline.local.fixture_site import FixtureSite, catalog, manifest
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
# Slow enough to be stopped half-way: one request at a time, a fifth of a second apart.
SLOW = [
    "-s",
    "DOWNLOAD_DELAY=0.2",
    "-s",
    "DOWNLOAD_DELAY_JITTER=0",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "NEWSARCHIVE_PROGRESS_INTERVAL=0",
]


def article_downloads(site: FixtureSite) -> list[str]:
    paths = {a.path for a in catalog.ARTICLES}
    return [r.path for r in site.requests if r.path in paths and r.status == 200]


def test_a_crawl_stopped_half_way_resumes_without_refetching_and_indexes_each_article_once(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    with FixtureSite() as site:
        parts = urlsplit(site.base_url)
        env = {
            **os.environ,
            "ELASTICSEARCH_URL": es_url,
            "NEWSARCHIVE_DEMO_URL": site.base_url,
            "NEWSARCHIVE_ALLOWED_NETWORKS": f"{parts.hostname}:{parts.port}",
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "crawl",
                "--source",
                "demo",
                "--json",
                "--resumable",
                "--index",
                alias,
                "--data-dir",
                str(tmp_path),
                *SLOW,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
        )
        deadline = time.monotonic() + 120
        while len(article_downloads(site)) < 8 and time.monotonic() < deadline:
            assert proc.poll() is None, "the crawl ended before it could be interrupted"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        first = json.loads(out)[0]
        assert first["finish_reason"] == "shutdown", err.decode()[-3000:]
        assert first["balanced"]
        before = article_downloads(site)
        expected = {a.path for a in manifest.expected_articles()}
        assert 8 <= len(set(before) & expected) < len(expected), "not stopped half-way"
        assert job_dir(tmp_path, "demo").is_dir()

        site.clear_requests()
        second = crawl_runner(
            site_url=site.base_url,
            es_url=es_url,
            alias=alias,
            data_dir=tmp_path,
            extra=["--resumable"],
        )
        assert second.exit_code == 0, second.stderr[-3000:]
        assert second.summary["finish_reason"] == "finished"
        after = article_downloads(site)

    assert set(before).isdisjoint(after)
    assert not [p for p, n in Counter(before + after).items() if n > 1]
    assert not job_dir(tmp_path, "demo").exists()  # a finished run leaves no checkpoint
    es.indices.refresh(index=alias)
    docs = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    expected_ids = {
        document_id(canonical_url(a.url(site.base_url))) for a in manifest.expected_articles()
    }
    assert sorted(h["_id"] for h in docs) == sorted(expected_ids)
    assert {h["_source"]["revision"] for h in docs} == {1}
    assert first["indexed"] + second.summary["indexed"] == len(expected_ids)
