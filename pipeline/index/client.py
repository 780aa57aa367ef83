"""The only place that builds an Elasticsearch client.

With no cluster configured the project uses its own local node (``pipeline.localnode``), starting
and, on first use, downloading it; any other cluster is reached through environment settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from elasticsearch import AsyncElasticsearch, Elasticsearch

DEFAULT_INDEX_PREFIX = "news"


@dataclass(frozen=True)
class ClusterSettings:
    """How to reach Elasticsearch; ``url=None`` means "use the project-managed local node"."""

    url: str | None = None
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    verify_certs: bool = True
    index_prefix: str = DEFAULT_INDEX_PREFIX
    request_timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ClusterSettings:
        e = os.environ if env is None else env
        return cls(
            url=e.get("ELASTICSEARCH_URL") or None,
            api_key=e.get("ELASTICSEARCH_API_KEY") or None,
            username=e.get("ELASTICSEARCH_USERNAME") or None,
            password=e.get("ELASTICSEARCH_PASSWORD") or None,
            ca_file=e.get("ELASTICSEARCH_CA_FILE") or None,
            verify_certs=e.get("ELASTICSEARCH_VERIFY_CERTS", "true").lower() not in {"0", "false"},
            index_prefix=e.get("NEWSARCHIVE_INDEX", DEFAULT_INDEX_PREFIX),
        )

    def resolved_url(self) -> str:
        """The cluster URL, starting the local node when none is configured."""
        if self.url:
            return self.url
        from pipeline import localnode  # imported late: only needed without a configured cluster

        return localnode.ensure_running()

    def client_options(self) -> dict[str, object]:
        options: dict[str, object] = {
            "hosts": [self.resolved_url()],
            "request_timeout": self.request_timeout,
            "retry_on_timeout": True,
            "max_retries": 3,
        }
        if self.api_key:
            options["api_key"] = self.api_key
        elif self.username:
            options["basic_auth"] = (self.username, self.password or "")
        if self.ca_file:
            options["ca_certs"] = self.ca_file
        if not self.verify_certs:
            options["verify_certs"] = False
        return options


def make_client(settings: ClusterSettings | None = None) -> Elasticsearch:
    """A synchronous client, for the CLI, setup and tests."""
    return Elasticsearch(**(settings or ClusterSettings.from_env()).client_options())  # type: ignore[arg-type]


def make_async_client(settings: ClusterSettings | None = None) -> AsyncElasticsearch:
    """An asyncio client, for the crawl: Scrapy runs on the asyncio reactor."""
    options = (settings or ClusterSettings.from_env()).client_options()
    return AsyncElasticsearch(**options)  # type: ignore[arg-type]
