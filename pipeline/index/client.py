"""The only place that builds an Elasticsearch client.

With no cluster configured the project uses its own local node (``pipeline.local.node``), starting
and, on first use, downloading it; any other cluster is reached through environment settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from elasticsearch import AsyncElasticsearch, Elasticsearch
from elasticsearch.serializer import JsonSerializer, NdjsonSerializer, Serializer

from pipeline.index.access import check_tls, credentials_from_env, describe, warn_plaintext
from pipeline.index.secrets import install_log_redaction

# The alias when NEWSARCHIVE_INDEX is unset (pipeline.settings.NEWSARCHIVE_INDEX; a test keeps
# the two equal): search and serve read the environment, not the Scrapy settings.
DEFAULT_ALIAS = "news"


@dataclass(frozen=True, repr=False)
class ClusterSettings:
    """How to reach Elasticsearch; ``url=None`` means "use the project-managed local node".

    Secrets come from the environment or ``*_FILE`` variables (``pipeline.index.access``) and
    never show in ``repr``/``str`` or in log lines.
    """

    url: str | None = None
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    verify_certs: bool = True
    alias: str = DEFAULT_ALIAS  # what writers and searchers name; never the versioned index
    request_timeout: float = 30.0
    insecure_tls: bool = False  # accept verify_certs=False for a remote https cluster

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ClusterSettings:
        """The writer's settings: ``ELASTICSEARCH_*`` variables (``pipeline.index.access``)."""
        install_log_redaction()
        e = os.environ if env is None else env
        return cls(**credentials_from_env(e), alias=e.get("NEWSARCHIVE_INDEX", DEFAULT_ALIAS))

    @classmethod
    def for_search(cls, env: Mapping[str, str] | None = None) -> ClusterSettings:
        """Settings for ``search``/``serve``: the read-only ``ELASTICSEARCH_SEARCH_*``
        credentials when any is set, else the writer's."""
        install_log_redaction()
        e = os.environ if env is None else env
        return cls(
            **credentials_from_env(e, role="search"),
            alias=e.get("NEWSARCHIVE_INDEX", DEFAULT_ALIAS),
        )

    def __repr__(self) -> str:
        return f"ClusterSettings({describe(self.__dict__)})"

    __str__ = __repr__

    def resolved_url(self) -> str:
        """The cluster URL, starting the local node when none is configured."""
        if self.url:
            return self.url
        # Imported late: only needed without a configured cluster.
        from pipeline.local.node import ensure_running

        return ensure_running()

    def hosts(self) -> list[str]:
        """Every node of the cluster: ``ELASTICSEARCH_URL`` may list several, comma-separated."""
        return [host.strip() for host in self.resolved_url().split(",") if host.strip()]

    def client_options(self) -> dict[str, object]:
        hosts = self.hosts()
        options: dict[str, object] = {
            "hosts": hosts,
            "request_timeout": self.request_timeout,
            # A timed-out or refused request is re-sent to the next node, so a node that leaves
            # costs a retry, not an error; with several nodes every one is tried at least once.
            "retry_on_timeout": True,
            "max_retries": max(3, len(hosts)),
        }
        if self.api_key:
            options["api_key"] = self.api_key
        elif self.username:
            options["basic_auth"] = (self.username, self.password or "")
        for url in hosts:
            if self.api_key or self.username:
                warn_plaintext(url)
            if not self.verify_certs:
                check_tls(url, insecure=self.insecure_tls)
        if self.ca_file:
            options["ca_certs"] = self.ca_file
        if not self.verify_certs:
            options["verify_certs"] = False
            options["ssl_show_warn"] = False  # check_tls has said it, once and loudly
        return options


def make_client(settings: ClusterSettings | None = None) -> Elasticsearch:
    """A synchronous client, for the CLI, setup and tests."""
    options = (settings or ClusterSettings.from_env()).client_options()
    return Elasticsearch(**options, serializers=fast_serializers())  # type: ignore[arg-type]


def make_async_client(settings: ClusterSettings | None = None) -> AsyncElasticsearch:
    """An asyncio client, for the crawl: Scrapy runs on the asyncio reactor."""
    options = (settings or ClusterSettings.from_env()).client_options()
    return AsyncElasticsearch(**options, serializers=fast_serializers())  # type: ignore[arg-type]


class _OrjsonJson(JsonSerializer):
    """Request and response bodies (``mget``, ``msearch`` answers, search hits) through orjson.

    orjson refuses what stdlib ``json`` accepts with ``surrogatepass`` (a lone surrogate in text
    decoded with ``surrogateescape``): such a body falls back to the stdlib encoder rather than
    failing the whole request.
    """

    def json_dumps(self, data: Any) -> bytes:
        try:
            return orjson.dumps(data, default=self.default)
        except orjson.JSONEncodeError:
            return super().json_dumps(data)

    def json_loads(self, data: bytes) -> Any:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:  # e.g. an integer past 64 bits: stdlib takes it
            return super().json_loads(data)


class _OrjsonNdjson(_OrjsonJson, NdjsonSerializer):
    """Bulk bodies: NDJSON framing from the client, each line through ``_OrjsonJson``'s codec
    (the client's default encodes them with stdlib ``json``)."""


def fast_serializers() -> dict[str, Serializer]:
    """orjson for JSON and NDJSON: 3-5x faster than stdlib ``json`` for bulk bodies (profile in
    benchmarks/RESULTS.md); the client maps the compatibility mimetypes to these too."""
    return {JsonSerializer.mimetype: _OrjsonJson(), NdjsonSerializer.mimetype: _OrjsonNdjson()}
