"""Crawl the whole fixture news site into a real Elasticsearch node and check every outcome.

The crawl runs as its own process (``newsarchive crawl``), as operators run it; the fixture site is
served by a real HTTP server in this process, so its request log shows what the crawler fetched.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.index import drop_index
from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.search import SearchRequest, search
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def crawl(
    es: Elasticsearch,
    es_url: str,
    fixture_site: FixtureSite,
    crawl_runner: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    """One full crawl of the fixture site into a fresh alias, shared by the tests below."""
    # Unique per run: two suites crawling into one alias at once would see each other's documents.
    index = f"test-crawl-{uuid.uuid4().hex[:10]}"
    fixture_site.clear_requests()
    data_dir = tmp_path_factory.mktemp("crawl")
    first = crawl_runner(
        site_url=fixture_site.base_url, es_url=es_url, alias=index, data_dir=data_dir
    )
    requested = [r.path for r in fixture_site.requests]
    yield index, first, requested, data_dir
    drop_index(es, index)


def _docs(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    found = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in found}


def test_the_crawl_indexes_exactly_the_expected_articles(
    es: Elasticsearch, crawl: Any, fixture_site: FixtureSite
) -> None:
    index, run, _, _ = crawl
    assert run.exit_code == 0, run.stderr[-3000:]
    docs = _docs(es, index)
    expected = {canonical_url(a.url(fixture_site.base_url)) for a in manifest.expected_articles()}
    # One document per article: AMP, print and tracking variants add none.
    assert sorted(d["canonical_url"] for d in docs.values()) == sorted(expected)
    assert set(docs) == {document_id(u) for u in expected}
    assert run.summary["indexed"] == len(expected)


def test_every_fetched_url_has_exactly_one_outcome(crawl: Any) -> None:
    _, run, _, _ = crawl
    s = run.summary
    assert s["balanced"]
    assert (
        s["fetched"]
        == s["indexed"] + s["updated"] + s["unchanged"] + s["skipped"] + s["dead_lettered"]
    )
    assert s["dead_lettered"] == 0


def test_the_404_and_non_html_files_are_recorded_as_skipped_with_reasons(
    crawl: Any, fixture_site: FixtureSite
) -> None:
    _, run, _, _ = crawl
    reasons = {r["url"]: r["reason"] for r in run.skipped()}
    for path in manifest.not_found_paths():
        assert reasons[fixture_site.base_url + path] == "fetch/http_404"
    for path in manifest.non_html_paths():
        assert reasons[fixture_site.base_url + path] == "validate/not_html"
    assert run.summary["skipped_by_reason"]["fetch/http_404"] == len(manifest.not_found_paths())


def test_nothing_under_the_robots_disallowed_path_is_fetched_or_indexed(
    es: Elasticsearch, crawl: Any
) -> None:
    index, _, requested, _ = crawl
    assert "/robots.txt" in requested
    for path in manifest.disallowed_paths():
        assert path not in requested
    hits = es.search(index=index, query={"prefix": {"url": "http"}}, size=1000)["hits"]["hits"]
    assert not [h for h in hits if "/private/" in h["_source"]["url"]]


def test_duplicate_variants_are_skipped_not_indexed(crawl: Any) -> None:
    _, run, requested, _ = crawl
    amp = [p for p in manifest.duplicate_variants() if p.endswith("/amp/")]
    assert any(p in requested for p in amp), "AMP variants should be fetched to exercise dedupe"
    assert run.summary["skipped_by_reason"].get("dedupe/duplicate_variant", 0) >= 1


def test_the_seed_op_ed_is_clean_and_dated(
    es: Elasticsearch, crawl: Any, fixture_site: FixtureSite
) -> None:
    index, _, _, _ = crawl
    seed = manifest.seed_article()
    doc = es.get(index=index, id=document_id(canonical_url(seed.url(fixture_site.base_url))))
    source = doc["_source"]
    assert source["title"] == "Russia's Pursuit of Peace and Partnership"
    assert source["body"] == "\n\n".join(seed.paragraphs)
    assert len(seed.paragraphs) == 6
    assert "Get the latest updates" not in source["body"]
    assert "Last Updated" not in source["body"]
    assert source["updated_at"].startswith("2016-07-27")
    assert source["authors"] == ["Igor Ivanov"]


def test_the_windows_1251_page_is_decoded_correctly(
    es: Elasticsearch, crawl: Any, fixture_site: FixtureSite
) -> None:
    index, _, _, _ = crawl
    russian = [
        a for a in manifest.expected_articles() if a.encoding.lower() in {"windows-1251", "cp1251"}
    ]
    assert russian
    for article in russian:
        doc = es.get(index=index, id=document_id(canonical_url(article.url(fixture_site.base_url))))
        body = doc["_source"]["body"]
        assert "\ufffd" not in body
        assert body == article.body
        assert doc["_source"]["language"] == "ru"


def test_every_article_body_matches_the_manifest(
    es: Elasticsearch, crawl: Any, fixture_site: FixtureSite
) -> None:
    index, _, _, _ = crawl
    docs = _docs(es, index)
    wrong = []
    for article in manifest.expected_articles():
        doc = docs[document_id(canonical_url(article.url(fixture_site.base_url)))]
        if doc["body"] != article.body or doc["title"] != article.title:
            wrong.append(article.path)
    assert wrong == []


def test_a_search_for_iraq_inspectors_finds_the_seed_op_ed_first(
    es: Elasticsearch, crawl: Any
) -> None:
    index, _, _, _ = crawl
    result = search(es, index, SearchRequest(text="Iraq inspectors"))
    assert result.hits
    assert result.hits[0].title == "Russia's Pursuit of Peace and Partnership"
    assert any("<mark>" in s for s in result.hits[0].snippets)


def test_a_recrawl_changes_no_count(
    es: Elasticsearch, es_url: str, crawl: Any, fixture_site: FixtureSite, crawl_runner: Any
) -> None:
    index, first, _, data_dir = crawl
    before = es.count(index=index)["count"]

    # Without the URL store's conditional requests (tests/integration/test_incremental.py),
    # so that every page is downloaded again and the content-hash comparison is what is tested.
    second = crawl_runner(
        site_url=fixture_site.base_url,
        es_url=es_url,
        alias=index,
        data_dir=Path(data_dir),
        extra=["-s", "NEWSARCHIVE_INCREMENTAL=False"],
    )

    assert second.exit_code == 0
    assert es.count(index=index)["count"] == before
    assert second.summary["indexed"] == 0
    assert second.summary["updated"] == 0
    assert second.summary["unchanged"] == first.summary["indexed"]
    assert second.summary["balanced"]


def test_a_crawl_that_cannot_set_up_its_index_fails_fast_with_the_reason(
    es_url: str, fixture_site: FixtureSite, crawl_runner: Any, tmp_path: Path
) -> None:
    # Upper-case index names are invalid: a request error, not an outage to spool through.
    run = crawl_runner(
        site_url=fixture_site.base_url, es_url=es_url, alias="BAD_upper", data_dir=tmp_path
    )
    assert run.exit_code == 1
    assert run.summary["finish_reason"] == "unknown"
    assert run.summary["fetched"] == 0
    assert "invalid_index" in run.stderr
    assert "Scraper close failure" not in run.stderr
