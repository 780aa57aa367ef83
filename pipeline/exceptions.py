"""The one exception tree of newsarchive: every error the project raises on purpose.

::

    NewsArchiveError                 base of everything the project raises on purpose
    ├── ConfigError                  invalid configuration: a config/ file (names file, source,
    │   │                            field), a secret, an environment variable, a setting
    │   └── UnguardedResolverError   TWISTED_DNS_RESOLVER does not check dialled addresses
    │                                (also a RuntimeError: the crawl cannot start)
    ├── ExtractionError              a page yields no article; ``reason`` is a short code
    │                                (``empty_body``, ``not_html``, ``undecodable``; past a
    │                                bound of extract/limits.py: ``too_large``, ``too_deep``,
    │                                ``timeout``)
    ├── DiscoveryError               a feed or sitemap the crawler refuses to read; ``reason``
    │   │                            is its skip code (also ValueError, what its parsers raise)
    │   ├── DecompressionLimitError  a gzip body inflates past the size cap (``too_large``)
    │   └── UnsafeXmlError           XML entity declarations: billion laughs, XXE
    │                                (``unsafe_xml``)
    ├── StartPageUnreadable          ``sources discover`` cannot read the page it was given
    ├── IndexingError                writes to Elasticsearch failed beyond retries
    │   ├── MissingIdError           a bulk action without a deterministic ``_id``, refused
    │   │                            before it is sent (also ValueError)
    │   └── WriteFailed              an import's writer thread stopped on an unexpected error
    ├── SearchError                  a search that cannot be answered as asked
    │   ├── QuerySyntaxError         the query text does not parse; ``position`` says where
    │   ├── BadParameter             a search API query parameter (also ValueError); ``name``
    │   └── IndexOutdatedError       the index predates a field this search needs
    ├── LocalServiceError            a service the project runs itself is missing or down
    │   ├── ElasticsearchNodeError   the managed local node cannot be fetched or started
    │   └── RedisUnavailable         ``redis-server`` is missing or did not come up
    ├── SourceBusy                   another process holds a source's lock (a run in progress)
    └── WebhookRefused               the health webhook's URL may not be called, or the call failed

Outside the tree, on purpose: Scrapy's control-flow signals, which say "leave this out" rather
than "this failed". ``pipeline.crawl.ledger.Skip`` (a ``DropItem``) is used only for "skip this
item" inside item pipelines, and ``pipeline.crawl.safety.Refused`` and
``pipeline.crawl.state.middleware.UnchangedSinceLastSeen`` (``IgnoreRequest``) only for "do not
fetch this request"; each carries the ledger's reason. Real faults raise one of the classes
above so that callers can tell a skip from a failure. The extra builtin bases (``ValueError``,
``RuntimeError``) are kept where callers catch those.
"""

from __future__ import annotations


class NewsArchiveError(Exception):
    """Base class: catch this to handle any error that newsarchive raises deliberately."""


class ConfigError(NewsArchiveError):
    """Configuration is invalid; the message names the file, the source and the field if known."""

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


class UnguardedResolverError(ConfigError, RuntimeError):
    """TWISTED_DNS_RESOLVER names a resolver that does not check dialled addresses."""


class DiscoveryError(NewsArchiveError, ValueError):
    """A feed or sitemap the crawler refuses to read; ``reason`` is the skip code it is left as.

    Each subclass sets its own; the spider falls back to ``bad_feed``/``bad_sitemap`` without one.
    """

    reason: str


class DecompressionLimitError(DiscoveryError):
    """A gzip body inflates past the size cap (a zip bomb or a runaway sitemap)."""

    reason = "too_large"


class UnsafeXmlError(DiscoveryError):
    """A feed or sitemap declares XML entities: billion laughs or XXE, never legitimate here."""

    reason = "unsafe_xml"


class IndexingError(NewsArchiveError):
    """Documents could not be written to Elasticsearch even after retries."""


class MissingIdError(IndexingError, ValueError):
    """A bulk action without a deterministic ``_id``: a re-sent request would duplicate it."""


class SearchError(NewsArchiveError):
    """A search that cannot be answered as asked; the message says what to change."""


class QuerySyntaxError(SearchError):
    """A query the parser cannot read; ``position`` is the 0-based character offset.

    The message ends with the syntax help, so whoever shows it shows how to fix the query.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        # Imported here: the help text belongs to the parser, which imports this module.
        from pipeline.search.syntax import HELP

        where = f" (at character {position + 1})" if position is not None else ""
        super().__init__(f"{message}{where}. {HELP}")
        self.message = message
        self.position = position


class BadParameter(SearchError, ValueError):
    """A query parameter the service cannot use; the message names it."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


class IndexOutdatedError(SearchError):
    """The index lacks a field this search needs (it predates the field's mapping)."""


class LocalServiceError(NewsArchiveError):
    """A service the project runs itself (Elasticsearch node, Redis) is missing or down."""


class ElasticsearchNodeError(LocalServiceError):
    """The project-managed Elasticsearch node could not be installed, started or reached."""


class RedisUnavailable(LocalServiceError):
    """``redis-server`` is missing or did not come up."""


class SourceBusy(NewsArchiveError):
    """Another process holds the source's lock: a run of it is in progress."""


class StartPageUnreadable(NewsArchiveError):
    """``sources discover`` could not read the page it was given: nothing to discover from."""


class WebhookRefused(NewsArchiveError):
    """The health webhook's URL may not be called (SSRF rules), or the call failed."""


class WriteFailed(IndexingError):
    """An import's writer thread stopped unexpectedly; nothing after it was checkpointed."""
