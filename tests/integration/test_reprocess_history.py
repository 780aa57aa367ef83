"""Re-processing keeps the history honest: a text the new extractor changes keeps its previous
version (as a re-extraction, not an edit), and each source's health is recorded as a run.

The fixture site is crawled once; then the archive is re-processed with the source configured to
drop one paragraph as boilerplate, which changes the ferry story's body (and no other text).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from edited_article import FERRY
from elasticsearch import Elasticsearch

from pipeline.health.store import HealthStore
from pipeline.local.fixture_site import FixtureSite
from pipeline.revisions.store import revisions_alias
from pipeline.schedule.runs import state_db_path
from pipeline.search import SearchRequest, search
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DROPPED = "Commuters on the north shore had asked for an earlier crossing"


def newsarchive(es_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "ELASTICSEARCH_URL": es_url},
        timeout=300,
        check=False,
    )


def test_reprocess_keeps_the_replaced_text_without_calling_it_an_edit_and_records_health(
    es: Elasticsearch, es_url: str, alias: str, crawl_runner: Any, tmp_path: Path
) -> None:
    with FixtureSite() as site:
        site.publish(FERRY)
        doc_id = document_id(canonical_url(site.url(FERRY.path)))
        run = crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
    assert run.exit_code == 0, run.stderr[-3000:]

    shipped = yaml.safe_load((REPO / "config" / "sources.yaml").read_text())
    demo = next(s for s in shipped["sources"] if s["name"] == "demo")
    demo["boilerplate"] = [*demo.get("boilerplate", []), f"^{DROPPED}"]
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"defaults": shipped["defaults"], "sources": [demo]}))
    done = newsarchive(
        es_url,
        *("reprocess", "--index", alias, "--data-dir", str(tmp_path)),
        *("--sources-file", str(sources), "--json"),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["changed"] == 1

    es.indices.refresh(index=f"{alias},{revisions_alias(alias)}")
    stored = es.get(index=alias, id=doc_id)["_source"]
    assert DROPPED not in stored["body"] and stored["revision"] == 1
    kept = es.search(
        index=revisions_alias(alias),
        query={"term": {"doc_id": doc_id}},
        sort=[{"captured_at": "asc"}],
    )["hits"]["hits"]
    assert [(h["_source"]["kind"], h["_source"]["revision"]) for h in kept] == [
        ("version", 1),
        ("reextracted", 1),
    ]
    assert DROPPED in kept[0]["_source"]["body"] and DROPPED not in kept[1]["_source"]["body"]
    listing = json.loads(
        newsarchive(es_url, "revisions", doc_id, "--index", alias, "--json").stdout
    )
    assert [v["revision"] for v in listing["versions"]] == [1]
    assert len(listing["reextractions"]) == 1
    # Not an edit after publication: the publisher changed nothing.
    assert search(es, alias, SearchRequest(edited=True, facets=False)).total == 0

    crawl, redone = HealthStore(state_db_path(tmp_path)).recent("demo", 10)
    assert (crawl.kind, redone.kind) == ("crawl", "reprocess")
    assert redone.documents == crawl.documents == run.summary["indexed"]
    assert redone.share("no_author") == crawl.share("no_author")
    assert redone.run_dir.startswith("reprocess ")
