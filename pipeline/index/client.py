"""The only place that builds an Elasticsearch client.

With no cluster configured the project uses its own local node (``pipeline.localnode``), starting
and, on first use, downloading it; any other cluster is reached through environment settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from elasticsearch import AsyncElasticsearch, Elasticsearch

from pipeline.index.access import check_tls, credentials_from_env, describe, warn_plaintext
from pipeline.index.secrets import install_log_redaction

DEFAULT_INDEX_PREFIX = "news"


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
    index_prefix: str = DEFAULT_INDEX_PREFIX
    request_timeout: float = 30.0
    insecure_tls: bool = False  # accept verify_certs=False for a remote https cluster

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ClusterSettings:
        """The writer's settings: ``ELASTICSEARCH_*`` variables (``pipeline.index.access``)."""
        install_log_redaction()
        e = os.environ if env is None else env
        return cls(
            **credentials_from_env(e), index_prefix=e.get("NEWSARCHIVE_INDEX", DEFAULT_INDEX_PREFIX)
        )

    @classmethod
    def for_search(cls, env: Mapping[str, str] | None = None) -> ClusterSettings:
        """Settings for ``search``/``serve``: the read-only ``ELASTICSEARCH_SEARCH_*``
        credentials when any is set, else the writer's."""
        install_log_redaction()
        e = os.environ if env is None else env
        return cls(
            **credentials_from_env(e, role="search"),
            index_prefix=e.get("NEWSARCHIVE_INDEX", DEFAULT_INDEX_PREFIX),
        )

    def __repr__(self) -> str:
        return f"ClusterSettings({describe(self.__dict__)})"

    __str__ = __repr__

    def resolved_url(self) -> str:
        """The cluster URL, starting the local node when none is configured."""
        if self.url:
            return self.url
        from pipeline import localnode  # imported late: only needed without a configured cluster

        return localnode.ensure_running()

    def client_options(self) -> dict[str, object]:
        url = self.resolved_url()
        options: dict[str, object] = {
            "hosts": [url],
            "request_timeout": self.request_timeout,
            "retry_on_timeout": True,
            "max_retries": 3,
        }
        if self.api_key:
            options["api_key"] = self.api_key
        elif self.username:
            options["basic_auth"] = (self.username, self.password or "")
        if self.api_key or self.username:
            warn_plaintext(url)
        if self.ca_file:
            options["ca_certs"] = self.ca_file
        if not self.verify_certs:
            check_tls(url, insecure=self.insecure_tls)
            options["verify_certs"] = False
            options["ssl_show_warn"] = False  # check_tls has said it, once and loudly
        return options


def make_client(settings: ClusterSettings | None = None) -> Elasticsearch:
    """A synchronous client, for the CLI, setup and tests."""
    return Elasticsearch(**(settings or ClusterSettings.from_env()).client_options())  # type: ignore[arg-type]


def make_async_client(settings: ClusterSettings | None = None) -> AsyncElasticsearch:
    """An asyncio client, for the crawl: Scrapy runs on the asyncio reactor."""
    options = (settings or ClusterSettings.from_env()).client_options()
    return AsyncElasticsearch(**options)  # type: ignore[arg-type]
