"""Shared fixtures: the real local Elasticsearch node and the fixture news site on loopback.

Integration tests never skip for lack of Elasticsearch: they start the project's node (or use
``ELASTICSEARCH_URL``) and fail loudly when it cannot start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

# es_cluster: a two-node Elasticsearch cluster of the session's own (tests/cluster.py).
from cluster import es_cluster  # noqa: F401
from elasticsearch import Elasticsearch

# Hooks that write test-artifacts/faults.md: the reliability scenarios and their results.
from scenario_report import pytest_runtest_logreport, pytest_sessionfinish  # noqa: F401

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def es_url() -> str:
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        return url
    from pipeline.local import node as localnode

    return localnode.ensure_running()


@pytest.fixture(scope="session")
def es(es_url: str) -> Iterator[Elasticsearch]:
    from pipeline.index import ClusterSettings, make_client

    with make_client(ClusterSettings(url=es_url)) as client:
        yield client


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    """A fresh alias (and versioned index) per test, removed afterwards."""
    from pipeline.index import drop_index

    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    drop_index(es, name)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A private Redis server (Debian's redis-server) for the distributed-mode tests."""
    from pipeline.local.redis_server import LocalRedis

    with LocalRedis() as server:
        yield server.url


@pytest.fixture(scope="session")
def fixture_site() -> Iterator[Any]:
    from pipeline.local.fixture_site import FixtureSite

    with FixtureSite() as site:
        yield site


@dataclass
class CrawlRun:
    exit_code: int
    summary: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def run_dir(self) -> Path:
        return Path(self.summary["run_dir"])

    def skipped(self) -> list[dict[str, Any]]:
        path = self.run_dir / "skipped.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_crawl_process(
    *,
    site_url: str,
    es_url: str,
    alias: str,
    data_dir: Path,
    source: str = "demo",
    extra: list[str] | None = None,
    allowed_networks: str | None = None,
) -> CrawlRun:
    """Run ``newsarchive crawl`` as its own OS process, as operators and the scheduler do.

    The crawl refuses internal addresses unless allowed, so the loopback site's own address and
    port (only that port: not the Elasticsearch node's) is allowed unless ``allowed_networks`` says
    otherwise.
    """
    if allowed_networks is None:
        site = urlsplit(site_url)
        allowed_networks = f"{site.hostname}:{site.port}"
    env = {
        **os.environ,
        "NEWSARCHIVE_DEMO_URL": site_url,
        "ELASTICSEARCH_URL": es_url,
        "NEWSARCHIVE_ALLOWED_NETWORKS": allowed_networks,
    }
    cmd = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "crawl",
        "--source",
        source,
        "--json",
        "--index",
        alias,
        "--data-dir",
        str(data_dir),
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "NEWSARCHIVE_PROGRESS_INTERVAL=0",
        *(extra or []),
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=600, check=False
    )
    try:
        summary = json.loads(proc.stdout)[0]
    except (json.JSONDecodeError, IndexError) as exc:
        raise AssertionError(
            f"crawl printed no summary\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-5000:]}"
        ) from exc
    return CrawlRun(proc.returncode, summary, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def crawl_runner() -> Any:
    return run_crawl_process
