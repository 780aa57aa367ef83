"""The one exception hierarchy of newsarchive.

::

    NewsArchiveError                 base of everything the project raises on purpose
    ├── ConfigError                  a bad config/ file: names file, source and field
    ├── ExtractionError              a page yields no article; ``reason`` is a short code
    │                                (``empty_body``, ``not_html``, ``undecodable``; past a
    │                                bound of extract/limits.py: ``too_large``, ``too_deep``,
    │                                ``timeout``)
    ├── ElasticsearchNodeError       the managed local node cannot be fetched or started
    └── IndexingError                writes to Elasticsearch failed beyond retries

Scrapy's ``DropItem`` is used only for "skip this item" inside item pipelines; real faults
raise one of the classes above so that callers can tell a skip from a failure.
"""


class NewsArchiveError(Exception):
    """Base class: catch this to handle any error that newsarchive raises deliberately."""


class ConfigError(NewsArchiveError):
    """A configuration file is invalid; the message names the file, the source and the field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        source: str | None = None,
        field: str | None = None,
    ) -> None:
        parts = [
            p
            for p in (
                path,
                f"source {source!r}" if source else None,
                f"field {field!r}" if field else None,
            )
            if p
        ]
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.path = path
        self.source = source
        self.field = field


class ExtractionError(NewsArchiveError):
    """A page cannot become an article; ``reason`` is a stable code used in stats and logs."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ElasticsearchNodeError(NewsArchiveError):
    """The project-managed Elasticsearch node could not be installed, started or reached."""


class IndexingError(NewsArchiveError):
    """Documents could not be written to Elasticsearch even after retries."""
