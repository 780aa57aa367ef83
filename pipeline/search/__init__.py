"""One query layer for every way of searching the archive: the CLI, the web page and the API."""

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
