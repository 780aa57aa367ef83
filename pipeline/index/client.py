"""The only place that builds an Elasticsearch client.

With no cluster configured the project uses its own local node (``pipeline.local.node``), starting
and, on first use, downloading it; any other cluster is reached through environment settings.
"""

from __future__ import annotations

from typing import Any

import orjson
from elasticsearch import AsyncElasticsearch, Elasticsearch
from elasticsearch.serializer import JsonSerializer, NdjsonSerializer, Serializer

from pipeline.index.cluster import DEFAULT_ALIAS, ClusterSettings

__all__ = [
    "DEFAULT_ALIAS",
    "ClusterSettings",
    "fast_serializers",
    "make_async_client",
    "make_client",
]


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
