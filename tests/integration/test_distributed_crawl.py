"""Distributed crawling: several `newsarchive crawl --distributed` processes share one frontier.

Real servers only: a private redis-server (Debian's package), the local Elasticsearch node, and
the fixture site scaled with generated stories. Each worker is its own OS process, as on a fleet.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from cluster import LocalCluster
from elasticsearch import Elasticsearch

from pipeline.crawl.distributed.dupefilter import bloom_size
from pipeline.crawl.distributed.keys import RunKeys
from pipeline.crawl.runner import crawl_settings
from pipeline.index import ClusterSettings, drop_index, ensure_index, make_client
from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.local.fixture_site.scaled import scaled_articles, scaled_site
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SCALED = 2000  # generated stories on top of the 31-article catalog
SCALED_KILL = 600  # fewer in the kill test, which waits out a lease timeout
WORKERS = 3


@dataclass
class Worker:
    """One crawler process; its log goes to a file (a full pipe would stall it)."""

    name: str
    process: subprocess.Popen[str]
    log: Path

    def finish(self, timeout: float) -> tuple[int, list[dict[str, Any]], str]:
        stdout, _ = self.process.communicate(timeout=timeout)
        summaries = json.loads(stdout) if stdout.strip() else []
        return self.process.returncode, summaries, self.log.read_text()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.communicate(timeout=10)


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with scaled_site(SCALED) as s:
        yield s


@pytest.fixture(scope="module")
def small_site() -> Iterator[FixtureSite]:
    with scaled_site(SCALED_KILL) as s:
        yield s


@pytest.fixture
def sources_file(tmp_path: Path) -> Path:
    """The demo source without its page cap (each worker would stop at 500 pages)."""
    config = yaml.safe_load((REPO / "config" / "sources.yaml").read_text())
    demo = next(s for s in config["sources"] if s["name"] == "demo")
    demo.pop("max_pages", None)
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"defaults": config.get("defaults", {}), "sources": [demo]}))
    return path


def fresh_index(es: Elasticsearch) -> Iterator[str]:
    """A fresh alias, created before the workers start (as an operator's setup step would)."""
    name = f"test-dist-{uuid.uuid4().hex[:10]}"
    ensure_index(es, name)
    yield name
    drop_index(es, name)


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    """On the shared single node."""
    yield from fresh_index(es)


@pytest.fixture
def cluster_es(es_cluster: LocalCluster) -> Iterator[Elasticsearch]:
    with make_client(ClusterSettings(url=es_cluster.url)) as client:
        yield client


@pytest.fixture
def cluster_index(cluster_es: Elasticsearch) -> Iterator[str]:
    """On the session's own two-node cluster (tests/cluster.py)."""
    yield from fresh_index(cluster_es)


def start_worker(
    name: str,
    *,
    site: FixtureSite,
    es_url: str,
    redis_url: str,
    run: str,
    alias: str,
    sources_file: Path,
    data_dir: Path,
    lease_seconds: float,
) -> Worker:
    env = {
        **os.environ,
        "NEWSARCHIVE_DEMO_URL": site.base_url,
        "ELASTICSEARCH_URL": es_url,
        "NEWSARCHIVE_ALLOWED_NETWORKS": f"127.0.0.1:{site.port}",
    }
    settings = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "NEWSARCHIVE_PROGRESS_INTERVAL": 0,
        "NEWSARCHIVE_EXTRACT_WORKERS": 0,  # three workers on two cores: extract inline
        "NEWSARCHIVE_LEASE_SECONDS": lease_seconds,
        "NEWSARCHIVE_DISTRIBUTED_IDLE_CLOSE": 3,
    }
    cmd = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "crawl",
        "--distributed",
        "--redis-url",
        redis_url,
        "--run-name",
        run,
        "--sources-file",
        str(sources_file),
        "--source",
        "demo",
        "--json",
        "--index",
        alias,
        "--data-dir",
        str(data_dir / name),
    ]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    log = data_dir / f"{name}.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, cwd=REPO
        )
    return Worker(name, process, log)


def expected_ids(site: FixtureSite, scaled: int) -> set[str]:
    urls = [a.url(site.base_url) for a in manifest.expected_articles()]
    urls += [site.url(a.path) for a in scaled_articles(scaled)]
    return {document_id(canonical_url(u)) for u in urls}


def indexed_ids(es: Elasticsearch, alias: str) -> list[str]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=10000, source=False, query={"match_all": {}})
    return [hit["_id"] for hit in hits["hits"]["hits"]]


def canonical_urls_indexed_twice(es: Elasticsearch, alias: str) -> list[str]:
    aggs = {"dupes": {"terms": {"field": "canonical_url", "min_doc_count": 2, "size": 100}}}
    result = es.search(index=alias, size=0, aggs=aggs)
    return [b["key"] for b in result["aggregations"]["dupes"]["buckets"]]


def article_gets(site: FixtureSite, scaled: int) -> Counter[str]:
    articles = {a.path for a in manifest.expected_articles()}
    articles |= {a.path for a in scaled_articles(scaled)}
    return Counter(r.path for r in site.requests if r.method == "GET" and r.path in articles)


def test_three_workers_index_every_article_once_and_fetch_no_url_twice(
    es_cluster: LocalCluster,
    cluster_es: Elasticsearch,
    redis_url: str,
    site: FixtureSite,
    sources_file: Path,
    cluster_index: str,
    tmp_path: Path,
) -> None:
    """Three workers, one Redis, a two-node Elasticsearch cluster, 2,031 articles."""
    es, es_url, index = cluster_es, es_cluster.url, cluster_index
    site.clear_requests()
    run = f"t{uuid.uuid4().hex[:8]}"
    workers = [
        start_worker(
            f"w{i}",
            site=site,
            es_url=es_url,
            redis_url=redis_url,
            run=run,
            alias=index,
            sources_file=sources_file,
            data_dir=tmp_path,
            lease_seconds=60,
        )
        for i in range(WORKERS)
    ]
    results = [w.finish(timeout=240) for w in workers]

    for code, summaries, stderr in results:
        assert code == 0, stderr[-3000:]
        assert summaries[0]["finish_reason"] == "finished"
    # The work was shared: every worker fetched and indexed part of the site.
    assert all(summaries[0]["indexed"] > 0 for _, summaries, _ in results)
    ids = indexed_ids(es, index)
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids(site, SCALED)
    assert canonical_urls_indexed_twice(es, index) == []
    gets = Counter(r.path for r in site.requests if r.method == "GET")
    fetched_twice = {p: n for p, n in gets.items() if n > 1 and p != "/robots.txt"}
    assert fetched_twice == {}
    assert gets["/sitemap.xml"] == 1  # one seeder per run
    # The run ended with nothing queued or taken, and its seen-set has exactly its stated size.
    keys = RunKeys(run, "demo")
    with redis.Redis.from_url(redis_url) as server:
        assert (server.zcard(keys.queue), server.zcard(keys.taken)) == (0, 0)
        assert server.strlen(keys.seen) == bloom_size(crawl_settings()).memory_bytes


def test_a_worker_killed_mid_run_loses_nothing(
    es: Elasticsearch,
    es_url: str,
    redis_url: str,
    small_site: FixtureSite,
    sources_file: Path,
    alias: str,
    tmp_path: Path,
) -> None:
    site = small_site
    run = f"t{uuid.uuid4().hex[:8]}"

    def worker(name: str) -> Worker:
        return start_worker(
            name,
            site=site,
            es_url=es_url,
            redis_url=redis_url,
            run=run,
            alias=alias,
            sources_file=sources_file,
            data_dir=tmp_path,
            lease_seconds=6,
        )

    # The victim starts alone, so the first fifth of the articles are certainly its own: they sit
    # in its bulk buffer (500 a flush), leased. The others join, and the victim is killed once
    # they are working too.
    victim = worker("w0")
    total = len(expected_ids(site, SCALED_KILL))

    def wait_for_articles(count: int) -> None:
        deadline = time.monotonic() + 120
        while sum(article_gets(site, SCALED_KILL).values()) < count:
            assert time.monotonic() < deadline, "the crawl did not get going"
            assert victim.process.poll() is None, "the victim ended before it could be killed"
            time.sleep(0.2)

    wait_for_articles(total // 5)
    survivors = [worker(f"w{i}") for i in range(1, WORKERS)]
    wait_for_articles(total // 3)
    victim.kill()
    fetched_at_kill = sum(article_gets(site, SCALED_KILL).values())

    results = [w.finish(timeout=240) for w in survivors]

    assert victim.process.returncode == -signal.SIGKILL
    for code, summaries, stderr in results:
        assert code == 0, stderr[-3000:]
        assert summaries[0]["finish_reason"] == "finished"
    assert sum(article_gets(site, SCALED_KILL).values()) > fetched_at_kill  # killed in the middle
    # The victim's leases expired and came back to the queue: the survivors fetched them.
    assert any("expired lease(s) returned to the queue" in stderr for _, _, stderr in results)
    ids = indexed_ids(es, alias)
    assert set(ids) == expected_ids(site, SCALED_KILL)
    assert canonical_urls_indexed_twice(es, alias) == []
