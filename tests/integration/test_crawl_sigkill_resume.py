"""A crawl killed outright (a real SIGKILL to a real process) resumes without refetching.

Nothing of the crawl's own shutdown runs: no final bulk flush, no spider_closed, no JOBDIR
bookkeeping. What the next run can rely on is what was made durable while the crawl ran: the
documents Elasticsearch acknowledged and the URL store records written right after each
acknowledgement (``pipeline.crawl.state``).
"Refetch" means a full (200) download of a page the killed
run had finished; the resumed run revalidates those with conditional GETs, answered 304.

To kill at a well-defined moment the fixture site holds back its answer to one article: the
crawl, one request at a time, can fetch nothing else, so the test waits until every page it has
downloaded is recorded and then kills it. The held page was in flight and is downloaded once, by
the second run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch
from holding_site import HoldingSite
from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from pipeline.crawl.runner import job_dir
from pipeline.crawl.state import UrlStore, url_store_path
from pipeline.crawl.state.jobdir import IN_USE
from pipeline.local.fixture_site import FixtureSite, catalog, manifest
from pipeline.sources import get_source, load_sources
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EXPECTED_PATHS = frozenset(a.path for a in catalog.ARTICLES)
DOWNLOADED_BEFORE_HOLD = 8
# One request at a time, and every document flushed to Elasticsearch on its own: the killed run
# then has nothing finished that is not yet durable.
SLOW = [
    "-s",
    "DOWNLOAD_DELAY=0.1",
    "-s",
    "DOWNLOAD_DELAY_JITTER=0",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "NEWSARCHIVE_PROGRESS_INTERVAL=0",
    "-s",
    "NEWSARCHIVE_BULK_BATCH_SIZE=1",
]


def is_expected(path: str) -> bool:
    return path in EXPECTED_PATHS


def downloads(site: FixtureSite, wanted: Callable[[str], bool]) -> list[str]:
    """Paths answered in full (200), once per download."""
    return [r.path for r in site.requests if r.status == 200 and wanted(r.path)]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def flushed_fingerprints(jobdir: Path, urls: list[str]) -> None:
    """What a longer crawl's kill leaves in ``requests.seen``: the first fingerprints written.

    Scrapy writes them through a file buffer of a few KiB, so this small crawl's file is still
    empty when it is killed; in a crawl of a few hundred requests the seeds' fingerprints are on
    disk while the requests they led to were only in memory. Resuming that would filter out the
    seeds and find nothing: the next run must not resume it.
    """
    dupefilter = RFPDupeFilter(str(jobdir))
    for url in urls:
        dupefilter.request_seen(Request(url))
    dupefilter.close("shutdown")


def test_a_crawl_killed_with_sigkill_resumes_without_refetching_finished_pages(
    es: Elasticsearch,
    es_url: str,
    crawl_runner: Any,
    alias: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = HoldingSite(DOWNLOADED_BEFORE_HOLD, log_held=False)
    with site:
        monkeypatch.setenv("NEWSARCHIVE_DEMO_URL", site.base_url)
        demo = get_source(load_sources(), "demo")

        def is_article(path: str) -> bool:
            return demo.is_article(site.url(path))

        parts = urlsplit(site.base_url)
        env = {
            **os.environ,
            "ELASTICSEARCH_URL": es_url,
            "NEWSARCHIVE_DEMO_URL": site.base_url,
            "NEWSARCHIVE_ALLOWED_NETWORKS": f"{parts.hostname}:{parts.port}",
        }
        command = ["crawl", "--source", "demo", "--json", "--resumable", "--index", alias]
        log_path = tmp_path / "killed-run.log"
        with log_path.open("wb") as log:
            # Its own process group, killed as a whole (as the OOM killer or a service manager
            # would): the extraction workers die with it.
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pipeline.cli",
                    *command,
                    "--data-dir",
                    str(tmp_path),
                    *SLOW,
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=env,
                cwd=REPO,
                start_new_session=True,
            )
        try:
            wait_for(lambda: site.holding.is_set() or proc.poll() is not None, "the held article")
            assert proc.poll() is None, "the crawl ended before it could be killed"
            with UrlStore(url_store_path(tmp_path)) as store:
                wait_for(
                    lambda: all(
                        store.get(site.url(p)) is not None for p in downloads(site, is_article)
                    ),
                    "every downloaded article page to be recorded",
                )
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL, log_path.read_text()[-3000:]
        first = downloads(site, is_article)
        es.indices.refresh(index=alias)
        indexed_when_killed = es.count(index=alias)["count"]
        assert indexed_when_killed >= DOWNLOADED_BEFORE_HOLD
        assert (job_dir(tmp_path, "demo") / IN_USE).exists()  # the killed run's mark

        # Never a record before its document: every recorded article is in the index.
        with UrlStore(url_store_path(tmp_path)) as store:
            recorded = [p for p in EXPECTED_PATHS if store.get(site.url(p)) is not None]
        ids = [document_id(canonical_url(site.url(p))) for p in recorded]
        assert all(es.exists(index=alias, id=i) for i in ids)

        flushed_fingerprints(
            job_dir(tmp_path, "demo"), [*demo.start_urls, *demo.feeds, *demo.sitemaps]
        )
        site.release()
        site.clear_requests()
        second = crawl_runner(
            site_url=site.base_url,
            es_url=es_url,
            alias=alias,
            data_dir=tmp_path,
            extra=["--resumable"],
        )
        assert second.exit_code == 0, second.stderr[-3000:]
        after = downloads(site, is_article)

    assert second.summary["finish_reason"] == "finished"
    assert second.summary["balanced"]
    assert not job_dir(tmp_path, "demo").exists()
    # No page the killed run had finished was downloaded again: at most revalidated (304).
    assert set(first).isdisjoint(after)
    assert not [p for p, n in Counter(first + after).items() if n > 1]
    assert site.held in after and site.held not in first
    # Every article indexed exactly once, the rest of them by the second run.
    expected_ids = {
        document_id(canonical_url(a.url(site.base_url))) for a in manifest.expected_articles()
    }
    es.indices.refresh(index=alias)
    docs = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    assert sorted(h["_id"] for h in docs) == sorted(expected_ids)
    assert {h["_source"]["revision"] for h in docs} == {1}
    twice = es.search(
        index=alias,
        size=0,
        aggs={"dup": {"terms": {"field": "canonical_url", "min_doc_count": 2, "size": 10}}},
    )["aggregations"]["dup"]["buckets"]
    assert twice == []
    assert second.summary["indexed"] == len(expected_ids) - indexed_when_killed
    assert "discarding the crawl state" in second.stderr  # the half-written JOBDIR
