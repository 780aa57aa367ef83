"""The public surface of pipeline.search, pinned: the CLI, the web service and tests use it."""

import pipeline.search
import pipeline.search.web


def test_exported_members() -> None:
    assert sorted(pipeline.search.__all__) == [
        "Bucket",
        "Copy",
        "Document",
        "FacetValue",
        "Hit",
        "QuerySyntaxError",
        "SearchRequest",
        "SearchResult",
        "build_query",
        "export_rows",
        "get_document",
        "parse",
        "search",
        "stream_export",
    ]
    assert pipeline.search.web.__all__ == ["create_app"]
