"""The analysts' web page and JSON API (``newsarchive serve``)."""

from pipeline.search.web.app import create_app

__all__ = ["create_app"]
