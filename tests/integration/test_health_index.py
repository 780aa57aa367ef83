"""A run's health says what the index holds: every share recomputed from Elasticsearch.

One crawl of a fixture site into a fresh index, with two extra stories published for the
occasion: a brief without a byline and under 50 words, and a regular story. The run history's
counts for the source must equal the counts of Elasticsearch queries over the same documents.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.health.measures import NO_PAGE_DATE
from pipeline.health.store import HealthStore
from pipeline.local.fixture_site import FixtureSite, new_article
from pipeline.schedule.runs import state_db_path

pytestmark = pytest.mark.integration

BRIEF = new_article(
    "harbour-lights-switched-on-early",
    "Harbour lights switched on early",
    (
        "The harbour lights were switched on an hour early on Sunday evening because of the "
        "fog, the port authority said, and will return to the usual time tonight.",
    ),
    authors=(),
)
STORY = new_article(
    "library-extends-weekend-opening-hours",
    "Library extends weekend opening hours",
    (
        "The central library will stay open until eight on Saturdays and Sundays from next "
        "month, after a survey of readers found that most of them could only visit at weekends.",
        "The extra hours are paid for by a grant from the city's cultural fund, which covers "
        "two more librarians for a year; the council will decide in the spring whether to keep "
        "the longer hours once the grant runs out.",
    ),
)


def count(es: Elasticsearch, index: str, *filters: dict[str, Any], exclude: Any = None) -> int:
    query: dict[str, Any] = {"bool": {"filter": [{"term": {"source": "demo"}}, *filters]}}
    if exclude is not None:
        query["bool"]["must_not"] = [exclude]
    return int(es.count(index=index, query=query)["count"])


def test_health_shares_equal_the_shares_of_the_indexed_documents(
    es: Elasticsearch, es_url: str, alias: str, crawl_runner: Any, tmp_path: Path
) -> None:
    with FixtureSite() as site:
        site.publish(BRIEF)
        site.publish(STORY)
        run = crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=tmp_path)
    assert run.exit_code == 0, run.stderr[-3000:]
    [health] = HealthStore(state_db_path(tmp_path)).recent("demo", 10)
    assert health.run_dir == run.summary["run_dir"]
    es.indices.refresh(index=alias)

    documents = count(es, alias)
    assert documents == health.documents == run.summary["indexed"]
    page_dated = {"terms": {"date_source.published": sorted(NO_PAGE_DATE)}}
    no_page_date = documents - count(
        es, alias, {"exists": {"field": "date_source.published"}}, exclude=page_dated
    )
    assert health.no_date == no_page_date
    assert health.undated == count(es, alias, exclude={"exists": {"field": "published_at"}})
    assert health.no_author == count(es, alias, exclude={"exists": {"field": "authors"}})
    assert health.short_body == count(es, alias, {"range": {"word_count": {"lt": 50}}})
    assert health.no_author >= 1 and health.short_body >= 1  # the brief, at least
    words = [
        hit["_source"]["word_count"]
        for hit in es.search(
            index=alias,
            query={"term": {"source": "demo"}},
            size=1000,
            source_includes=["word_count"],
        )["hits"]["hits"]
    ]
    assert health.median_words == statistics.median(words)
    # The shares are those counts over the documents.
    assert health.share("no_author") == health.no_author / documents
    assert health.share("short_body") == health.short_body / documents
    # What the run left out is in the ledger under the same reasons.
    fetch_errors = {
        k.removeprefix("fetch/"): v
        for k, v in run.summary["skipped_by_reason"].items()
        if k.startswith("fetch/") and k != "fetch/not_modified"
    }
    assert health.fetch_errors == fetch_errors
