"""One query layer for every way of searching the archive (CLI now; web page and API later)."""

from pipeline.search.query import SearchRequest, build_query
from pipeline.search.service import Hit, SearchResult, search

__all__ = ["Hit", "SearchRequest", "SearchResult", "build_query", "search"]
