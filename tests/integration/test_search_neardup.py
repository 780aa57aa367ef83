"""Syndicated copies of the seed op-ed collapse into one hit; a reply on the same topic does not.

The seed op-ed is on the Harbor City Ledger (source ``demo``) and republished by the Bay Courier
(new headline, editor's note, rewritten sign-off) and the Northern Tribune (sign-off dropped).
The Tribune also runs Margaret Ellery's op-ed about the same inspections, which is no copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from search_archive import fetch_article, index_batches, outlet_articles

from pipeline.index import drop_index, ensure_index
from pipeline.items import Article
from pipeline.local.fixture_site import FixtureSite
from pipeline.local.fixture_site.manifest import seed_article
from pipeline.search import SearchRequest, search

pytestmark = pytest.mark.integration

SEED_SOURCES = {"demo", "bay_courier", "northern_tribune"}
ELLERY = "Inspections Will Not Disarm Baghdad by Themselves"


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    name = f"test-neardup-{uuid.uuid4().hex[:8]}"
    ensure_index(es, name)
    yield name
    drop_index(es, name)


@pytest.fixture(scope="module")
def articles(fixture_site: FixtureSite) -> tuple[Article, list[Article]]:
    seed = fetch_article(fixture_site.url(seed_article().path), "demo")
    return seed, [a for a in outlet_articles() if "script" not in a.title]


def _groups_of_iraq(es: Elasticsearch, alias: str) -> list[tuple[str, set[str]]]:
    result = search(es, alias, SearchRequest(text="Iraq inspectors", collapse=True))
    assert result.total == 4  # every copy matches; collapsing changes the hits, not the total
    assert result.groups == 2
    return [(hit.title, {c.source for c in hit.copies}) for hit in result.hits]


def _assert_one_group_of_three(groups: list[tuple[str, set[str]]]) -> None:
    assert len(groups) == 2
    copies = dict(groups)
    seed_hit = next(title for title in copies if title != ELLERY)
    assert copies[seed_hit] == SEED_SOURCES
    assert copies[ELLERY] == {"northern_tribune"}


def test_copies_found_in_elasticsearch_by_a_later_writer_collapse_to_one_hit(
    es: Elasticsearch, es_url: str, alias: str, articles: tuple[Article, list[Article]]
) -> None:
    seed, others = articles
    # The seed is indexed first; each outlet later by its own writer, which has nothing in
    # memory: the copies can only be found through the band keys stored in the index.
    batches = [[seed]] + [[a] for a in others]
    index_batches(es_url, alias, batches, fresh_writer=True)
    _assert_one_group_of_three(_groups_of_iraq(es, alias))
    seed_group = next(a.neardup["group"] for a in [seed])
    assert seed_group == seed.id  # the first copy indexed names the group


def test_copies_within_one_batch_collapse_too(
    es: Elasticsearch, es_url: str, alias: str, articles: tuple[Article, list[Article]]
) -> None:
    seed, others = articles
    index_batches(es_url, alias, [[*others, seed]])
    _assert_one_group_of_three(_groups_of_iraq(es, alias))


def test_without_collapse_every_copy_is_its_own_hit(
    es: Elasticsearch, es_url: str, alias: str, articles: tuple[Article, list[Article]]
) -> None:
    seed, others = articles
    index_batches(es_url, alias, [[seed, *others]])
    result = search(es, alias, SearchRequest(text="Iraq inspectors", collapse=False))
    assert len(result.hits) == 4
    assert all(hit.copies == [] for hit in result.hits)


def test_the_cli_lists_the_copies(
    es_url: str, alias: str, articles: tuple[Article, list[Article]]
) -> None:
    seed, others = articles
    index_batches(es_url, alias, [[seed, *others]])
    env = {**os.environ, "ELASTICSEARCH_URL": es_url}
    cmd = [sys.executable, "-m", "pipeline.cli", "search", "Iraq", "inspectors", "--collapse"]
    text = subprocess.run(
        [*cmd, "--index", alias], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "published 3 times:" in text
    as_json = subprocess.run(
        [*cmd, "--index", alias, "--json"], capture_output=True, text=True, env=env, check=True
    ).stdout
    hits = json.loads(as_json)["hits"]
    assert len(hits) == 2
    assert max(len(h["copies"]) for h in hits) == 3


def test_a_real_crawl_stores_fingerprints_that_later_copies_find(
    es: Elasticsearch,
    es_url: str,
    alias: str,
    fixture_site: FixtureSite,
    crawl_runner: Any,
    tmp_path: Path,
    articles: tuple[Article, list[Article]],
) -> None:
    run = crawl_runner(
        site_url=fixture_site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path
    )
    assert run.exit_code == 0, run.stderr[-3000:]
    docs = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    assert docs and all(len(d["_source"]["neardup"]["bands"]) == 16 for d in docs)
    crawled_seed = next(d for d in docs if d["_source"]["title"] == seed_article().title)
    _, others = articles
    index_batches(es_url, alias, [others], fresh_writer=True)
    copies = search(es, alias, SearchRequest(text="Iraq inspectors", collapse=True)).hits
    seed_hit = next(h for h in copies if h.group == crawled_seed["_source"]["neardup"]["group"])
    assert {c.source for c in seed_hit.copies} == SEED_SOURCES
