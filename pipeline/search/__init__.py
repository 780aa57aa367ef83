"""One query layer for every way of searching the archive: the CLI, the web page and the API."""

from typing import TYPE_CHECKING

from pipeline.lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.exceptions import QuerySyntaxError
    from pipeline.search.export import export_rows, stream_export
    from pipeline.search.query import SearchRequest, build_query
    from pipeline.search.service import (
        Bucket,
        Copy,
        Document,
        FacetValue,
        Hit,
        SearchResult,
        get_document,
        search,
    )
    from pipeline.search.syntax import parse
else:  # imported on first use (pipeline/lazy.py says why)
    __getattr__ = lazy_exports(
        __name__,
        {
            "export": ("export_rows", "stream_export"),
            "query": ("SearchRequest", "build_query"),
            "service": (
                "Bucket",
                "Copy",
                "Document",
                "FacetValue",
                "Hit",
                "SearchResult",
                "get_document",
                "search",
            ),
            "syntax": ("QuerySyntaxError", "parse"),
        },
    )

__all__ = [
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
