"""Re-processing: every document re-extracted from the WARC archive into a new index version,
with the source site unreachable, then the alias moved atomically while searches keep answering.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.boilerplate import ACCEPTED, BoilerplateStore
from pipeline.boilerplate.learn import line_key, sightings
from pipeline.index.setup import current_version, versions
from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.search import SearchRequest, search
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def newsarchive(*args: str, es_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ELASTICSEARCH_URL": es_url}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def crawl_fixture_site(crawl_runner: Any, es_url: str, alias: str, data_dir: Path) -> str:
    """Crawl the fixture site once into ``index``; its base URL (the site is gone afterwards)."""
    with FixtureSite() as site:
        run = crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=data_dir)
        assert run.exit_code == 0, run.stderr[-3000:]
        return site.base_url


class Searcher(threading.Thread):
    """Analysts searching the alias without pause; records every answer or error."""

    def __init__(self, es: Elasticsearch, alias: str) -> None:
        super().__init__(daemon=True)
        self.es, self.alias = es, alias
        self.stop = threading.Event()
        self.hits: list[int] = []
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                result = search(self.es, self.alias, SearchRequest(text="harbor city"))
                self.hits.append(len(result.hits))
            except Exception as exc:  # any failure is what the test must see
                self.errors.append(repr(exc))


def test_reprocess_rebuilds_from_warc_offline_and_swaps_the_alias_under_live_searches(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    base = crawl_fixture_site(crawl_runner, es_url, alias, tmp_path)
    # The site is gone from here on: re-processing must not need it.

    old = current_version(es, alias)
    assert old == f"{alias}-v1"
    before = {
        h["_id"]: h["_source"]
        for h in es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    }
    # Simulate an extractor bug in the stored version: re-extraction must repair it.
    seed = manifest.seed_article()
    seed_id = document_id(canonical_url(seed.url(base)))
    es.update(index=old, id=seed_id, doc={"body": "garbled by an old extractor"}, refresh=True)

    searcher = Searcher(es, alias)
    searcher.start()
    try:
        result = newsarchive(
            "reprocess",
            "--index",
            alias,
            "--data-dir",
            str(tmp_path),
            "--json",
            es_url=es_url,
        )
    finally:
        searcher.stop.set()
        searcher.join(30)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)

    assert searcher.errors == []
    assert len(searcher.hits) >= 3 and all(n > 0 for n in searcher.hits)

    new = f"{alias}-v2"
    assert (report["old_index"], report["new_index"]) == (old, new)
    assert report["documents"] == report["reextracted"] == len(before)
    assert current_version(es, alias) == new
    assert versions(es, alias) == [old, new]  # the old version is kept
    after = {
        h["_id"]: h["_source"]
        for h in es.search(index=new, size=1000, query={"match_all": {}})["hits"]["hits"]
    }
    assert set(after) == set(before)
    assert after[seed_id]["body"] == "\n\n".join(seed.paragraphs)
    for doc_id, doc in after.items():
        assert doc["warc"] == before[doc_id]["warc"]
        assert doc["revision"] == before[doc_id]["revision"]
        assert doc["fetched_at"] == before[doc_id]["fetched_at"]


def test_old_versions_are_dropped_only_when_asked_and_never_the_live_one(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    with FixtureSite() as site:
        crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
    first = newsarchive("reprocess", "--index", alias, "--data-dir", str(tmp_path), es_url=es_url)
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"alias {alias} -> {alias}-v2" in first.stdout

    refused = newsarchive("index", "drop-version", f"{alias}-v2", "--index", alias, es_url=es_url)
    assert refused.returncode == 2
    assert "behind the alias" in refused.stderr

    second = newsarchive(
        "reprocess",
        "--index",
        alias,
        "--data-dir",
        str(tmp_path),
        "--drop-old",
        es_url=es_url,
    )
    assert second.returncode == 0, second.stderr[-3000:]
    assert versions(es, alias) == [f"{alias}-v1", f"{alias}-v3"]

    dropped = newsarchive("index", "drop-version", f"{alias}-v1", "--index", alias, es_url=es_url)
    assert dropped.returncode == 0, dropped.stderr
    listing = newsarchive("index", "versions", "--index", alias, es_url=es_url)
    assert listing.stdout.strip().startswith(f"{alias}-v3")
    assert f"<- {alias}" in listing.stdout


def test_recover_indexes_archived_articles_that_have_no_document(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    with FixtureSite() as site:
        crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
        base = site.base_url
    # As if an older extractor had rejected the seed op-ed: archived, but never indexed.
    seed = manifest.seed_article()
    seed_id = document_id(canonical_url(seed.url(base)))
    total = es.count(index=alias)["count"]
    es.delete(index=alias, id=seed_id, refresh=True)

    result = newsarchive(
        "reprocess",
        "--index",
        alias,
        "--data-dir",
        str(tmp_path),
        "--recover",
        "--json",
        es_url=es_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["recovered"] == 1
    assert es.count(index=alias)["count"] == total
    recovered = es.get(index=alias, id=seed_id)["_source"]
    assert recovered["body"] == "\n\n".join(seed.paragraphs)
    assert recovered["revision"] == 1 and recovered["warc"]["file"].startswith("demo/")


def test_reprocess_strips_what_the_crawls_learned_as_the_sources_boilerplate(
    es: Elasticsearch, es_url: str, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    base = crawl_fixture_site(crawl_runner, es_url, alias, tmp_path)
    seed = manifest.seed_article()
    seed_id = document_id(canonical_url(seed.url(base)))
    opening = seed.paragraphs[0]
    stored = es.get(index=alias, id=seed_id)["_source"]
    assert stored["body"].startswith(opening)
    # After the crawl, the line turns up at the top of more pages and a reviewer accepts it.
    with closing(BoilerplateStore(tmp_path)) as store:
        for n in range(3):
            page = [opening, f"Story {n} of a later crawl, in words of its own."]
            store.observe("demo", f"{base}/later/{n}/", sightings(page))
        store.review("demo", [line_key(opening)], ACCEPTED)

    result = newsarchive(
        "reprocess", "--index", alias, "--data-dir", str(tmp_path), "--json", es_url=es_url
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rebuilt = es.get(index=alias, id=seed_id)["_source"]  # the alias now: version 2
    assert opening not in rebuilt["body"]
    assert rebuilt["body"] == "\n\n".join(seed.paragraphs[1:])
