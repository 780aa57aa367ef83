"""How to reach Elasticsearch, and how hard to retry: settings without the client library.

Kept apart from ``pipeline.index.client`` (which imports ``elasticsearch``, ~0.5 s) so that a
process that only plans work -- ``newsarchive import``'s main process, a worker that has not yet
met a record to write -- can hold and pass these on without paying for the client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.index.access import check_tls, credentials_from_env, describe, warn_plaintext
from pipeline.index.secrets import install_log_redaction

__all__ = ["DEFAULT_ALIAS", "ClusterSettings", "RetryPolicy"]

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


@dataclass(frozen=True)
class RetryPolicy:
    """Bulk writes: retries of a retryable failure, with exponential backoff (seconds)."""

    max_retries: int = 5
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
