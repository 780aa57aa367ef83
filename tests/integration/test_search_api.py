"""The JSON API and the page over a real node holding the fixture archive (Ledger + 2 outlets).

Each query feature is asked for the way an analyst's tool would ask, and hostile input gets a
400 with one readable sentence, never a stack trace.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from search_archive import Archive, build_archive

from pipeline.index import ClusterSettings, drop_index, ensure_index, make_client
from pipeline.local.fixture_site import FixtureSite
from pipeline.search.web import create_app

pytestmark = pytest.mark.integration

SEED_TITLE = "Russia's Pursuit of Peace and Partnership"
ELLERY = "Inspections Will Not Disarm Baghdad by Themselves"
SCRIPT_TITLE = "How One <script> Tag Took Down the County's Website"


@pytest.fixture(scope="module")
def archive(es: Elasticsearch, es_url: str, fixture_site: FixtureSite) -> Iterator[Archive]:
    built = build_archive(es, es_url, fixture_site)
    yield built
    drop_index(es, built.alias)


@pytest.fixture(scope="module")
def api(es: Elasticsearch, archive: Archive) -> Iterator[TestClient]:
    with TestClient(create_app(es, archive.alias), raise_server_exceptions=False) as client:
        yield client


def _search(api: TestClient, **params: Any) -> dict[str, Any]:
    response = api.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _titles(result: dict[str, Any]) -> list[str]:
    return [h["title"] for h in result["hits"]]


def _bad(api: TestClient, path: str = "/api/search", **params: Any) -> str:
    response = api.get(path, params=params)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert "Traceback" not in response.text
    return str(error["message"])


# ------------------------------------------------------------------ query syntax


def test_words_find_articles_containing_all_of_them(api: TestClient) -> None:
    result = _search(api, q="Iraq inspectors", collapse=0)
    assert result["total"] == 4  # three copies of the seed op-ed and Ellery's reply
    assert set(_titles(result)) >= {SEED_TITLE, ELLERY}


def test_stemming_finds_other_forms_of_a_word(api: TestClient) -> None:
    assert _search(api, q="inspector", collapse=0)["total"] >= 4


def test_exact_phrases_keep_word_order(api: TestClient) -> None:
    assert _search(api, q='"security council"', collapse=0)["total"] == 4
    assert _search(api, q='"council security"', collapse=0)["total"] == 0


def test_or_accepts_either_word(api: TestClient) -> None:
    baghdad = _search(api, q="Baghdad", collapse=0)["total"]
    seawall = _search(api, q="seawall", collapse=0)["total"]
    assert baghdad >= 1 and seawall >= 1
    assert _search(api, q="Baghdad OR seawall", collapse=0)["total"] == baghdad + seawall


def test_minus_excludes(api: TestClient) -> None:
    result = _search(api, q="Iraq -Baghdad", collapse=0)
    assert ELLERY not in _titles(result) and result["total"] == 3


def test_prefix_matches_word_beginnings(api: TestClient) -> None:
    prefixed = _search(api, q="inspect*", collapse=0)["total"]
    assert prefixed > _search(api, q='"inspectors"', collapse=0)["total"]


def test_field_filters_in_the_query(api: TestClient) -> None:
    assert _titles(_search(api, q='author:"Margaret Ellery"')) == [ELLERY]
    assert _search(api, q="source:bay_courier", collapse=0)["total"] == 2
    assert _search(api, q="Iraq -source:demo", collapse=0)["total"] == 3
    assert _search(api, q="title:Baghdad")["total"] == 1
    assert _search(api, q="section:technology")["total"] == 1


# ------------------------------------------------------------------ filters, facets, timeline


def test_facet_counts_for_every_facet(api: TestClient) -> None:
    facets = _search(api, q="Iraq", collapse=0)["facets"]
    sources = {f["value"]: f["count"] for f in facets["source"]}
    assert sources == {"demo": 1, "bay_courier": 1, "northern_tribune": 2}
    assert {f["value"]: f["count"] for f in facets["author"]} == {
        "Igor Ivanov": 3,
        "Margaret Ellery": 1,
    }
    assert {f["value"] for f in facets["language"]} == {"en"}
    assert {f["value"] for f in facets["section"]} == {"opinion"}


def test_a_chosen_facet_filters_hits_but_keeps_its_alternatives(api: TestClient) -> None:
    result = _search(api, q="Iraq", source="northern_tribune", collapse=0)
    assert result["total"] == 2
    sources = {f["value"]: (f["count"], f["selected"]) for f in result["facets"]["source"]}
    assert sources["northern_tribune"] == (2, True)
    assert sources["demo"] == (1, False)  # still offered, with its own count
    authors = {f["value"]: f["count"] for f in result["facets"]["author"]}
    assert authors == {"Igor Ivanov": 1, "Margaret Ellery": 1}  # other facets narrow


def test_author_section_language_filters(api: TestClient) -> None:
    assert _search(api, q="Iraq", author="Margaret Ellery")["total"] == 1
    assert _search(api, section="technology")["total"] == 1
    assert _search(api, q="Iraq", language="de")["total"] == 0


def test_date_range_filter_is_inclusive(api: TestClient) -> None:
    result = _search(api, q="Iraq", collapse=0, **{"from": "2016-07-28", "to": "2016-07-29"})
    assert {h["source"] for h in result["hits"]} == {"bay_courier", "northern_tribune"}


def test_timeline_counts_the_matches_per_bucket(api: TestClient) -> None:
    result = _search(api, q="Iraq", collapse=0, interval="day")
    buckets = {b["date"]: b["count"] for b in result["timeline"]}
    assert buckets["2016-07-27"] == 1 and buckets["2016-07-31"] == 1
    assert sum(buckets.values()) == result["total"]
    assert result["interval"] == "1d"
    narrowed = _search(api, q="Iraq", collapse=0, interval="day", source="northern_tribune")
    assert sum(b["count"] for b in narrowed["timeline"]) == 2


def test_auto_timeline_picks_buckets_by_span(api: TestClient) -> None:
    assert _search(api, q="Iraq")["interval"] == "1d"  # four days apart
    assert _search(api)["interval"] == "1M"  # the whole archive spans years


# ------------------------------------------------------------------ ranking, sorting, paging


def test_sort_by_date_both_ways(api: TestClient) -> None:
    newest = [h["published_at"] for h in _search(api, q="Iraq", collapse=0, sort="date")["hits"]]
    oldest = _search(api, q="Iraq", collapse=0, sort="date_asc")["hits"]
    assert newest == sorted(newest, reverse=True)
    assert [h["published_at"] for h in oldest] == sorted(newest)


def test_pagination_walks_the_results_without_overlap(api: TestClient) -> None:
    first = _search(api, collapse=0, size=5, page=1, sort="date")
    second = _search(api, collapse=0, size=5, page=2, sort="date")
    assert len(first["hits"]) == len(second["hits"]) == 5
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert first["total"] == second["total"] > 10


def test_snippets_mark_the_matches(api: TestClient) -> None:
    hit = _search(api, q="inspectors")["hits"][0]
    assert any("<mark>inspectors</mark>" in s for s in hit["snippets"])


# ------------------------------------------------------------------ documents


def test_document_view_has_text_metadata_copies_and_similar(
    api: TestClient, archive: Archive
) -> None:
    seed = next(a for a in archive.by_source("demo") if a.title == SEED_TITLE)
    response = api.get(f"/api/documents/{seed.id}")
    assert response.status_code == 200
    doc = response.json()
    assert doc["body"] == seed.body and doc["url"] == seed.url
    assert {c["source"] for c in doc["copies"]} == {"bay_courier", "northern_tribune"}
    similar = [s["title"] for s in doc["similar"]]
    assert ELLERY in similar  # same topic, not a copy
    assert SEED_TITLE not in similar
    page = api.get(f"/doc/{seed.id}")
    assert page.status_code == 200 and f'href="{seed.url}"' in page.text


def test_unknown_documents_are_404(api: TestClient) -> None:
    response = api.get("/api/documents/nope")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "No article with id 'nope'."
    assert api.get("/doc/nope").status_code == 404


# ------------------------------------------------------------------ export


def test_export_csv_streams_every_match(api: TestClient) -> None:
    total = _search(api, collapse=0)["total"]
    response = api.get("/api/export", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == total
    assert {"id", "url", "title", "source", "body", "group"} <= set(rows[0])


def test_export_jsonl_honours_query_and_filters(api: TestClient) -> None:
    response = api.get("/api/export", params={"format": "jsonl", "q": "Iraq", "source": "demo"})
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert [r["title"] for r in rows] == [SEED_TITLE]
    assert rows[0]["body"].startswith("On Sept. 6, Vladimir Putin")


def test_export_of_nothing_is_a_header_only_csv(api: TestClient) -> None:
    response = api.get("/api/export", params={"format": "csv", "q": "xyzzyplugh"})
    assert response.text.strip().split(",")[0] == "id"
    assert len(response.text.strip().splitlines()) == 1


# ------------------------------------------------------------------ empty results explain


def test_empty_results_name_the_word_nothing_contains(api: TestClient) -> None:
    result = _search(api, q="Iraq xyzzyplugh")
    assert result["total"] == 0
    assert result["explanation"] == ["No article in the archive contains xyzzyplugh."]


def test_empty_results_blame_the_filters_when_they_are_the_reason(api: TestClient) -> None:
    result = _search(api, q="Iraq", source="demo", **{"from": "2020-01-01"})
    assert result["total"] == 0
    assert "match the words, but not with the filters" in result["explanation"][0]
    assert "source: demo" in result["explanation"][0]


def test_empty_results_when_words_never_meet(api: TestClient) -> None:
    result = _search(api, q="Baghdad seawall")
    assert "no article matches all of them together" in result["explanation"][0]


def test_a_missing_index_explains_itself(es: Elasticsearch) -> None:
    with TestClient(create_app(es, "test-search-does-not-exist")) as client:
        result = client.get("/api/search", params={"q": "Iraq"}).json()
    assert result["total"] == 0
    assert "does not exist yet: run `newsarchive crawl`" in result["explanation"][0]


# ------------------------------------------------------------------ hostile input


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"security council', "this quote is never closed (at character 1)"),
        ("a" * 10_000, "the query is 10,000 characters long; the limit is 1,000"),
        ('{"query": {"match_all": {}}}', "the character '{' is not part of the search syntax"),
        (
            '{"script": {"source": "ctx._source.title = 1"}}',
            "the character '{' is not part of the search syntax",
        ),
        ("doc['title'].value", "the character '[' is not part of the search syntax"),
        ("<script>alert(1)</script>", "the character '<' is not part of the search syntax"),
        ("title:x^10", "the character '^' is not part of the search syntax"),
        ("colour:red", "unknown field 'colour'"),
        ("Iraq OR", "OR needs something on both sides"),
    ],
)
def test_hostile_or_malformed_queries_get_a_clear_400(
    api: TestClient, q: str, expected: str
) -> None:
    assert expected in _bad(api, q=q)
    assert expected in _bad(api, "/api/export", q=q, format="csv")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": "yesterday"}, "from: not a date (YYYY-MM-DD): 'yesterday'"),
        ({"size": "5000"}, "size: must be between 0 and 100, not 5000"),
        ({"page": "2000", "size": "10"}, "pages beyond the first 10,000 hits are not served"),
        ({"sort": "score; drop"}, "sort: must be one of relevance, date, date_asc"),
        ({"from": "2017-01-01", "to": "2016-01-01"}, "the date range is empty"),
    ],
)
def test_bad_parameters_get_a_clear_400(
    api: TestClient, params: dict[str, str], expected: str
) -> None:
    assert expected in _bad(api, **params)


def test_unknown_export_format_is_a_400(api: TestClient) -> None:
    assert "format: must be one of csv, jsonl, not 'xml'" in _bad(api, "/api/export", format="xml")


def test_the_page_shows_errors_as_a_message_not_a_trace(api: TestClient) -> None:
    response = api.get("/", params={"q": '"unbalanced'})
    assert response.status_code == 400
    assert "this quote is never closed" in response.text
    assert "Traceback" not in response.text


def test_markup_in_documents_is_shown_as_text_never_as_tags(api: TestClient) -> None:
    result = _search(api, q="script tag")
    hit = result["hits"][0]
    assert hit["title"] == SCRIPT_TITLE
    assert hit["title_html"] == (
        "How One &lt;<mark>script</mark>&gt; <mark>Tag</mark> Took Down the County&#x27;s Website"
    )
    assert all(
        "<script" not in s and "<b>" not in s and "<iframe" not in s for s in hit["snippets"]
    )
    page = api.get("/", params={"q": "script alert"})
    assert page.status_code == 200
    assert "&lt;script&gt;alert" in page.text.replace("<mark>", "").replace("</mark>", "")
    assert "<script>alert" not in page.text
    assert "<script" not in page.text.lower()  # the page itself ships no script tag at all
    doc = api.get(f"/doc/{hit['id']}")
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in doc.text
    assert "<iframe" not in doc.text


def test_elasticsearch_down_is_a_503_with_advice() -> None:
    with (
        make_client(ClusterSettings(url="http://127.0.0.1:9", request_timeout=2)) as dead,
        TestClient(create_app(dead, "news")) as client,
    ):
        response = client.get("/api/search", params={"q": "Iraq"})
        page = client.get("/", params={"q": "Iraq"})
    assert response.status_code == 503
    assert "cannot be searched right now" in response.json()["error"]["message"]
    assert page.status_code == 503 and "newsarchive es status" in page.text


def test_an_index_from_before_grouping_says_so_and_searches_ungrouped(es: Elasticsearch) -> None:
    name = "test-search-pregroup"
    es.options(ignore_status=404).indices.delete(index=name)
    es.indices.create(
        index=name,
        mappings={"properties": {"title": {"type": "text"}, "published_at": {"type": "date"}}},
    )
    try:
        es.index(index=name, document={"title": "Iraq", "published_at": "2016-07-27"})
        es.indices.refresh(index=name)
        with TestClient(create_app(es, name)) as client:
            grouped = client.get("/api/search", params={"q": "title:Iraq"})
            plain = client.get("/api/search", params={"q": "title:Iraq", "collapse": "0"})
        assert grouped.status_code == 409
        assert "created before near-duplicate grouping" in grouped.json()["error"]["message"]
        assert plain.status_code == 200 and plain.json()["total"] == 1
    finally:
        es.indices.delete(index=name)


def test_articles_indexed_before_grouping_are_not_folded_into_one_hit(es: Elasticsearch) -> None:
    name = "test-search-ungrouped"
    ensure_index(es, name)
    try:
        for n in (1, 2):
            es.index(
                index=name,
                document={"title": f"Iraq {n}", "source": "old", "published_at": "2016-07-27"},
            )
        es.indices.refresh(index=name)
        with TestClient(create_app(es, name)) as client:
            result = client.get("/api/search", params={"q": "Iraq"}).json()
        assert len(result["hits"]) == 2
        assert "indexed before near-duplicate grouping" in result["notices"][0]
    finally:
        drop_index(es, name)
