"""A crawl's WARC file cut mid-record: re-processing detects it, keeps every complete record,
and loses no document (the one whose capture was cut is carried over unchanged)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from hostile_site import HostileSite, article, page

from pipeline.archive import check_warc, warc_root

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PAGES = 6


def newsarchive(*args: str, es_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "ELASTICSEARCH_URL": es_url},
        cwd=REPO,
        timeout=300,
        check=False,
    )


def test_reprocess_keeps_the_complete_records_of_a_truncated_warc_and_loses_no_document(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    with HostileSite() as site:
        titles = [f"Harbour report number {n}" for n in range(PAGES)]
        for n, title in enumerate(titles):
            site.routes[f"/a/{n}"] = page(article(title))
        anchors = "".join(f'<a href="/a/{n}">{n}</a>' for n in range(PAGES))
        site.routes["/"] = page(f"<html><body>{anchors}</body></html>".encode())
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            json.dumps(
                {
                    "sources": [
                        {
                            "name": "cut",
                            "start_urls": [f"{site.base_url}/"],
                            "domains": [f"127.0.0.1:{site.port}"],
                            "article_patterns": ["/a/"],
                        }
                    ]
                }
            )
        )
        run = crawl_runner(
            site_url=site.base_url,
            es_url=es_url,
            alias=alias,
            data_dir=tmp_path,
            source="cut",
            extra=["--sources-file", str(sources)],
        )
    assert run.summary["indexed"] == PAGES, run.stderr[-3000:]
    es.indices.refresh(index=alias)
    docs = [h["_source"] for h in es.search(index=alias, size=100)["hits"]["hits"]]
    docs.sort(key=lambda d: int(d["warc"]["offset"]))
    files = {d["warc"]["file"] for d in docs}
    assert len(files) == 1  # one run, one WARC file
    path = warc_root(tmp_path) / files.pop()
    assert not check_warc(path).truncated

    # Cut the file in the middle of the last article's response record, as a crash would.
    victim = docs[-1]
    cut = int(victim["warc"]["offset"]) + 300
    path.write_bytes(path.read_bytes()[:cut])
    check = check_warc(path)
    assert check.truncated and check.complete_bytes == int(victim["warc"]["offset"])
    assert check.responses >= PAGES - 1  # the index page's and every other article's capture

    result = newsarchive(
        *("reprocess", "--index", alias, "--data-dir", str(tmp_path)),
        *("--sources-file", str(sources), "--recover", "--json"),
        es_url=es_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["documents"] == PAGES
    assert report["reextracted"] == PAGES - 1  # every complete record was used
    assert report["no_capture"] == 1 and report["recovered"] == 0
    problems = report["problems"]
    assert any(victim["url"] in p and "truncated WARC record" in p for p in problems), problems
    assert "truncated WARC file" in result.stderr  # the archive scan says so too

    es.indices.refresh(index=alias)
    after = {
        h["_source"]["url"]: h["_source"] for h in es.search(index=alias, size=100)["hits"]["hits"]
    }
    assert sorted(after) == sorted(d["url"] for d in docs)  # no document lost
    assert after[victim["url"]]["body"] == victim["body"]  # carried over unchanged
