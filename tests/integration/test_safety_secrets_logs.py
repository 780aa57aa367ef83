"""With secrets set, no output of a crawl, a search or the search service's start-up shows them.

The local node runs without security, so it ignores the credentials; the processes still read
them, build clients with them and log at DEBUG, which is what could leak them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch
from hostile_site import HostileSite, article, page

from pipeline.index import drop_index

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
URL_PASSWORD = "url-pa55word-e81c"
API_KEY = "write-api-key-5d2f0a"
SEARCH_KEY = "search-api-key-9b7c41"
FILE_PASSWORD = "file-pa55word-06aa"
SECRETS = (URL_PASSWORD, API_KEY, SEARCH_KEY, FILE_PASSWORD)


def with_credentials(es_url: str) -> str:
    parts = urlsplit(es_url)
    return parts._replace(netloc=f"ingest:{URL_PASSWORD}@{parts.netloc}").geturl()


@pytest.fixture(scope="module")
def secret_env(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("secrets")
    (folder / "search-password").write_text(FILE_PASSWORD + "\n")
    return {
        "ELASTICSEARCH_URL": with_credentials(es_url),
        "ELASTICSEARCH_API_KEY": API_KEY,
        "ELASTICSEARCH_SEARCH_API_KEY": SEARCH_KEY,
        "ELASTICSEARCH_SEARCH_USERNAME": "reader",
        "ELASTICSEARCH_SEARCH_PASSWORD_FILE": str(folder / "search-password"),
        "NEWSARCHIVE_LOG_LEVEL": "DEBUG",
    }


@pytest.fixture(scope="module")
def crawled(
    es: Elasticsearch,
    es_url: str,
    secret_env: dict[str, str],
    crawl_runner: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Any, str]]:
    index = f"test-secrets-{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("secrets-crawl")
    saved = {name: os.environ.get(name) for name in secret_env}
    with HostileSite() as site:
        site.routes["/"] = page(b"<html><body><a href='/a/one'>one</a></body></html>")
        site.routes["/a/one"] = page(article("Harbour dues debated"))
        sources = data_dir / "sources.yaml"
        sources.write_text(
            json.dumps(
                {
                    "sources": [
                        {
                            "name": "secrets",
                            "start_urls": [f"{site.base_url}/"],
                            "domains": [f"127.0.0.1:{site.port}"],
                            "article_patterns": ["/a/"],
                        }
                    ]
                }
            )
        )
        os.environ.update(secret_env)
        try:
            run = crawl_runner(
                site_url=site.base_url,
                es_url=secret_env["ELASTICSEARCH_URL"],
                alias=index,
                data_dir=data_dir,
                source="secrets",
                extra=["--sources-file", str(sources), "-s", "LOG_LEVEL=DEBUG"],
            )
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        yield run, index
    drop_index(es, index)


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=REPO,
        timeout=120,
        check=False,
    )


def assert_no_secret(*outputs: str) -> None:
    for output in outputs:
        for secret in SECRETS:
            assert secret not in output


def test_a_crawl_with_secrets_set_never_logs_them(crawled: tuple[Any, str]) -> None:
    run, _ = crawled
    assert run.summary["indexed"] == 1, run.stderr[-2000:]
    assert "DEBUG" in run.stderr  # the most talkative level was on
    assert_no_secret(run.stdout, run.stderr)


def test_a_search_with_secrets_set_never_prints_them(
    crawled: tuple[Any, str], secret_env: dict[str, str]
) -> None:
    _, index = crawled
    proc = run_cli(secret_env, "search", "harbour", "--index", index)
    assert proc.returncode == 0, proc.stderr
    assert "Harbour dues debated" in proc.stdout
    assert_no_secret(proc.stdout, proc.stderr)


def test_a_failing_search_error_never_shows_the_url_credentials(
    secret_env: dict[str, str],
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**secret_env, "ELASTICSEARCH_URL": f"http://ingest:{URL_PASSWORD}@127.0.0.1:{port}"}
    proc = run_cli(env, "search", "harbour")
    assert proc.returncode != 0 and str(port) in proc.stderr  # it did fail, loudly
    assert_no_secret(proc.stdout, proc.stderr)


def test_the_search_service_start_up_never_logs_secrets(
    crawled: tuple[Any, str], secret_env: dict[str, str]
) -> None:
    _, index = crawled
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "pipeline.cli", "serve"),
            *("--port", str(port), "--index", index, "--log-level", "debug"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **secret_env},
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 30
        body = ""
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/api/search?q=harbour"
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "Harbour dues debated" in body
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "debug" in (out + err).lower()
    assert "GET /api/search?q=harbour" in out + err  # uvicorn's access log still formats
    assert "Logging error" not in err
    assert_no_secret(out, err)


def test_a_crawl_towards_a_remote_cluster_without_tls_verification_refuses_to_start(
    tmp_path: Path,
) -> None:
    # Refused before any connection: the remote name is never even looked up.
    env = {
        "ELASTICSEARCH_URL": f"https://ingest:{URL_PASSWORD}@es.example.org:9200",
        "ELASTICSEARCH_VERIFY_CERTS": "false",
    }
    proc = run_cli(env, "crawl", "--source", "demo", "--data-dir", str(tmp_path))
    assert proc.returncode == 2
    assert "refusing to reach https://es.example.org:9200 without verifying" in proc.stderr
    assert "ELASTICSEARCH_INSECURE_TLS=1" in proc.stderr
    assert not (tmp_path / "runs").exists()  # nothing was crawled
    assert_no_secret(proc.stdout, proc.stderr)
