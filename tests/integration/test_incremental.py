"""Incremental crawls: a second crawl fetches only what changed, and updates documents in place.

Each test serves its own fixture site, so it can revise an article and publish a new one between
two real ``newsarchive crawl`` processes, and reads the site's request log to see what the
crawler fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.crawl.state import UrlStore, url_store_path
from pipeline.local.fixture_site import FixtureSite, catalog, manifest, new_article
from pipeline.local.fixture_site.model import Template
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

CORRECTION = "Correction: the council vote was postponed to Tuesday, not Monday."
FERRY = new_article(
    "ferry-service-returns-to-the-north-shore",
    "Ferry service returns to the North Shore",
    (
        "The North Shore ferry returned to service on Monday after a winter of hull repairs.",
        "The port authority said the boat will carry up to three hundred passengers a trip.",
    ),
)


def revised_article_path() -> str:
    """A feed-listed article with a modern template: its page shows the new paragraph."""
    return next(a.path for a in catalog.feed_articles() if a.template is Template.MODERN)


def article_fetches(site: FixtureSite) -> dict[str, int]:
    """Article paths requested (GET), with the status each answer had."""
    articles = {a.path for a in catalog.ARTICLES} | {FERRY.path}
    return {r.path: r.status for r in site.requests if r.path in articles and r.method == "GET"}


@pytest.fixture
def site() -> Any:
    with FixtureSite() as s:
        yield s


def test_a_second_crawl_fetches_only_the_revised_and_the_new_article(
    es: Elasticsearch,
    es_url: str,
    site: FixtureSite,
    crawl_runner: Any,
    alias: str,
    tmp_path: Path,
) -> None:
    first = crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
    assert first.exit_code == 0, first.stderr[-3000:]
    expected = len(manifest.expected_articles())
    assert first.summary["indexed"] == expected

    revised_path = revised_article_path()
    site.revise(revised_path, CORRECTION)
    site.publish(FERRY)
    site.clear_requests()

    second = crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
    assert second.exit_code == 0, second.stderr[-3000:]

    fetches = article_fetches(site)
    downloaded = sorted(path for path, status in fetches.items() if status == 200)
    assert downloaded == sorted([revised_path, FERRY.path])
    # Everything else was either not requested at all (its sitemap date was unchanged) or
    # answered 304 to a conditional GET.
    assert {s for p, s in fetches.items() if p not in downloaded} <= {304, 404}
    conditional = [r for r in site.requests if "if-none-match" in r.headers]
    assert conditional, "the second crawl should send conditional requests"

    s = second.summary
    assert (s["indexed"], s["updated"], s["unchanged"]) == (1, 1, 0)
    # Every 304 the site sent (articles, their AMP variants, linked files) is one skip.
    assert s["skipped_by_reason"]["fetch/not_modified"] == sum(
        1 for r in site.requests if r.status == 304
    )
    assert s["balanced"]


def test_a_revised_article_is_one_document_with_revision_2_and_a_new_updated_at(
    es: Elasticsearch,
    es_url: str,
    site: FixtureSite,
    crawl_runner: Any,
    alias: str,
    tmp_path: Path,
) -> None:
    revised_path = revised_article_path()
    doc_id = document_id(canonical_url(site.url(revised_path)))
    crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
    before = es.get(index=alias, id=doc_id)["_source"]
    assert before["revision"] == 1

    site.revise(revised_path, CORRECTION)
    site.publish(FERRY)
    crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)

    es.indices.refresh(index=alias)
    same_url = es.search(index=alias, query={"term": {"canonical_url": before["canonical_url"]}})[
        "hits"
    ]["hits"]
    assert [hit["_id"] for hit in same_url] == [doc_id]
    after = same_url[0]["_source"]
    assert after["revision"] == 2
    assert after["published_at"] == before["published_at"]
    assert after["updated_at"] != before["updated_at"]
    assert after["updated_at"] > (before["updated_at"] or before["published_at"])
    assert after["body"].endswith(CORRECTION)
    ferry = es.get(index=alias, id=document_id(canonical_url(site.url(FERRY.path))))
    assert ferry["_source"]["revision"] == 1
    assert ferry["_source"]["title"] == FERRY.title


def test_the_url_store_remembers_validators_of_every_article_fetched(
    es_url: str, site: FixtureSite, crawl_runner: Any, alias: str, tmp_path: Path
) -> None:
    crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
    with UrlStore(url_store_path(tmp_path)) as store:
        for article in manifest.expected_articles():
            record = store.get(article.url(site.base_url))
            assert record is not None, article.path
            assert record.last_status == 200
            assert record.etag and record.last_modified and record.content_hash
            assert record.canonical_url == canonical_url(article.url(site.base_url))
