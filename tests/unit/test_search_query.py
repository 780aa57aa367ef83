"""What analysts type becomes typed, filtered, highlighted Elasticsearch requests (pure)."""

from datetime import date
from typing import Any

import pytest

from pipeline.exceptions import QuerySyntaxError
from pipeline.search.query import (
    EXACT_FIELDS,
    GROUP_FIELD,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    SEARCH_FIELDS,
    SearchRequest,
    build_export_query,
    build_query,
    build_similar_query,
    build_span_query,
    resolve_interval,
)


def _must(body: dict[str, Any]) -> dict[str, Any]:
    return body["query"]["bool"]["must"][0]  # type: ignore[no-any-return]


def _walk(node: Any) -> list[str]:
    """Every key of a nested body, to check which query types appear anywhere in it."""
    if isinstance(node, dict):
        return [k for k, v in node.items() for k in [k, *_walk(v)]]
    if isinstance(node, list):
        return [k for item in node for k in _walk(item)]
    return []


def test_words_are_each_required_in_any_text_field() -> None:
    must = _must(build_query(SearchRequest(text="Iraq inspectors")))
    first, second = must["bool"]["must"]
    assert first == {
        "multi_match": {
            "query": "Iraq",
            "fields": SEARCH_FIELDS,
            "type": "best_fields",
            "operator": "and",
        }
    }
    assert second["multi_match"]["query"] == "inspectors"


def test_phrases_match_unstemmed_fields_in_order() -> None:
    must = _must(build_query(SearchRequest(text='"security council"')))
    assert must == {
        "multi_match": {"query": "security council", "fields": EXACT_FIELDS, "type": "phrase"}
    }


def test_or_and_exclusion_become_should_and_must_not() -> None:
    must = _must(build_query(SearchRequest(text="Iraq OR Iran -war")))
    assert must["bool"]["must"][0]["bool"]["minimum_should_match"] == 1
    assert len(must["bool"]["must"][0]["bool"]["should"]) == 2
    assert must["bool"]["must_not"][0]["multi_match"]["query"] == "war"


def test_only_exclusions_still_match_everything_else() -> None:
    must = _must(build_query(SearchRequest(text="-war")))
    assert must["bool"]["must"] == [{"match_all": {}}]


def test_prefixes_are_lowercased_prefix_queries_on_unstemmed_fields() -> None:
    must = _must(build_query(SearchRequest(text="Inspect*")))
    prefixes = [q["prefix"] for q in must["bool"]["should"]]
    assert {"body.exact": {"value": "inspect"}} in prefixes


def test_field_filters_are_typed_queries_on_their_fields() -> None:
    must = _must(
        build_query(
            SearchRequest(text='author:ivanov source:demo section:Opinion title:"peace and" x')
        )
    )
    clauses = must["bool"]["must"]
    assert {"match_phrase": {"authors.text": "ivanov"}} in clauses
    assert {"term": {"source": "demo"}} in clauses
    assert {"term": {"section": "Opinion"}} in clauses  # the keyword normalizer lowercases it
    assert {"match_phrase": {"title.exact": "peace and"}} in clauses


def test_no_query_string_script_or_raw_json_ever_reaches_elasticsearch() -> None:
    body = build_query(SearchRequest(text='(a OR "b c") -d ee* author:"x y" source:s'))
    keys = set(_walk(body))
    assert not keys & {"query_string", "simple_query_string", "script", "script_score", "wrapper"}


def test_hostile_text_is_refused_before_any_body_is_built() -> None:
    with pytest.raises(QuerySyntaxError):
        build_query(SearchRequest(text='{"script": {"source": "ctx._source.x = 1"}}'))


def test_facet_filters_go_to_post_filter_and_each_facet_ignores_its_own() -> None:
    body = build_query(SearchRequest(text="x", sources=("demo",), authors=("Igor Ivanov",)))
    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"source": ["demo"]}},
                {"terms": {"authors": ["Igor Ivanov"]}},
            ]
        }
    }
    source_facet = body["aggs"]["facet_source"]
    assert source_facet["filter"] == {"bool": {"filter": [{"terms": {"authors": ["Igor Ivanov"]}}]}}
    assert source_facet["aggs"]["values"]["terms"]["field"] == "source"
    timeline_filter = body["aggs"]["timeline"]["filter"]["bool"]["filter"]
    assert len(timeline_filter) == 2


def test_date_range_includes_the_whole_last_day() -> None:
    body = build_query(
        SearchRequest(text="x", date_from=date(2016, 1, 1), date_to=date(2016, 12, 31))
    )
    assert body["query"]["bool"]["filter"] == [
        {"range": {"published_at": {"gte": "2016-01-01", "lt": "2017-01-01"}}}
    ]


def test_timeline_uses_the_requested_calendar_interval() -> None:
    body = build_query(SearchRequest(text="x", interval="week"))
    histogram = body["aggs"]["timeline"]["aggs"]["histogram"]["date_histogram"]
    assert histogram["calendar_interval"] == "week"
    assert histogram["field"] == "published_at"


def test_auto_interval_resolves_by_the_span_of_the_dates() -> None:
    body = build_query(SearchRequest(date_from=date(2016, 7, 1), date_to=date(2016, 7, 31)))
    histogram = body["aggs"]["timeline"]["aggs"]["histogram"]["date_histogram"]
    assert histogram["calendar_interval"] == "day"
    assert resolve_interval(date(2016, 7, 1), date(2016, 8, 1)) == "day"
    assert resolve_interval(date(2016, 1, 1), date(2016, 12, 1)) == "week"
    assert resolve_interval(date(2016, 1, 1), date(2024, 12, 1)) == "month"
    assert resolve_interval(date(1990, 1, 1), date(2024, 12, 1)) == "year"
    assert resolve_interval(None, None) == "month"
    span = build_span_query(SearchRequest(text="x"))
    assert span["size"] == 0 and set(span["aggs"]) == {"first", "last"}


def test_snippets_use_private_markers_not_tags() -> None:
    highlight = build_query(SearchRequest(text="x", facets=False))["highlight"]
    assert highlight["pre_tags"] == [HIGHLIGHT_PRE]
    assert highlight["post_tags"] == [HIGHLIGHT_POST]
    assert "encoder" not in highlight  # escaping happens in pipeline.search.snippets


def test_sorts_by_date_either_way() -> None:
    newest = build_query(SearchRequest(text="x", sort="date", facets=False))
    oldest = build_query(SearchRequest(text="x", sort="date_asc", facets=False))
    assert newest["sort"][0]["published_at"]["order"] == "desc"
    assert oldest["sort"][0]["published_at"]["order"] == "asc"
    assert "sort" not in build_query(SearchRequest(text="x", facets=False))


def test_collapse_groups_copies_and_lists_them() -> None:
    body = build_query(SearchRequest(text="x", collapse=True, facets=False))
    assert body["collapse"]["field"] == GROUP_FIELD
    assert body["collapse"]["inner_hits"]["name"] == "copies"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (SearchRequest(size=101), "size must be between 0 and 100"),
        (SearchRequest(offset=-1), "offset must not be negative"),
        (SearchRequest(offset=9_995, size=10), "beyond the first 10,000 hits"),
        (SearchRequest(sort="random"), "sort must be one of"),
        (SearchRequest(interval="decade"), "interval must be one of"),
        (
            SearchRequest(date_from=date(2017, 1, 1), date_to=date(2016, 1, 1)),
            "the date range is empty",
        ),
    ],
)
def test_out_of_range_parameters_are_refused(request_: SearchRequest, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_query(request_)


def test_export_query_applies_every_filter_to_the_matches() -> None:
    query = build_export_query(
        SearchRequest(text="x", sources=("demo",), date_from=date(2016, 1, 1))
    )
    assert {"terms": {"source": ["demo"]}} in query["bool"]["filter"]
    assert {"range": {"published_at": {"gte": "2016-01-01"}}} in query["bool"]["filter"]


def test_more_like_this_leaves_out_the_article_and_its_copies() -> None:
    body = build_similar_query("news-v1", "abc", "g1")
    assert body["query"]["bool"]["must"][0]["more_like_this"]["like"] == [
        {"_index": "news-v1", "_id": "abc"}
    ]
    assert {"term": {GROUP_FIELD: "g1"}} in body["query"]["bool"]["must_not"]
