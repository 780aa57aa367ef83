"""What analysts type becomes a safe, ranked, filtered and highlighted Elasticsearch query."""

from datetime import date

from pipeline.search.query import MAX_QUERY_LENGTH, SearchRequest, build_query


def _must(body: dict) -> dict:  # type: ignore[type-arg]
    return body["query"]["bool"]["must"][0]  # type: ignore[no-any-return]


def test_text_goes_only_into_simple_query_string_with_and_semantics() -> None:
    body = build_query(SearchRequest(text="Iraq inspectors"))
    sqs = _must(body)["simple_query_string"]
    assert sqs["query"] == "Iraq inspectors"
    assert sqs["default_operator"] == "and"
    assert "body" in sqs["fields"]


def test_elasticsearch_json_in_the_text_stays_plain_text() -> None:
    hostile = '{"script": {"source": "ctx._source.x = 1"}}'
    body = build_query(SearchRequest(text=hostile))
    assert _must(body)["simple_query_string"]["query"] == hostile
    assert "script" not in body["query"]["bool"]


def test_filters_are_typed_terms_and_ranges() -> None:
    body = build_query(
        SearchRequest(
            text="x",
            sources=("demo",),
            authors=("Igor Ivanov",),
            date_from=date(2016, 1, 1),
            date_to=date(2016, 12, 31),
        )
    )
    filters = body["query"]["bool"]["filter"]
    assert {"terms": {"source": ["demo"]}} in filters
    assert {"terms": {"authors": ["Igor Ivanov"]}} in filters
    assert {"range": {"published_at": {"gte": "2016-01-01", "lte": "2016-12-31"}}} in filters


def test_snippets_are_html_escaped_and_marked() -> None:
    highlight = build_query(SearchRequest(text="x"))["highlight"]
    assert highlight["encoder"] == "html"
    assert highlight["pre_tags"] == ["<mark>"]


def test_overlong_queries_are_truncated_and_sizes_bounded() -> None:
    body = build_query(SearchRequest(text="a " * 10_000, size=10_000, offset=-5))
    assert len(_must(body)["simple_query_string"]["query"]) <= MAX_QUERY_LENGTH
    assert body["size"] == 100
    assert body["from"] == 0


def test_empty_text_matches_everything_and_date_sort_is_newest_first() -> None:
    body = build_query(SearchRequest(text="  ", sort="date"))
    assert _must(body) == {"match_all": {}}
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
