"""Who the pipeline is towards Elasticsearch: credentials from the environment, and TLS policy.

==========================================  ===============================================
variable (each secret also as ``NAME_FILE``)  meaning
==========================================  ===============================================
``ELASTICSEARCH_URL``                       cluster; credentials in it move to basic auth
``ELASTICSEARCH_API_KEY``                   API key (preferred over user/password)
``ELASTICSEARCH_USERNAME``, ``_PASSWORD``   basic auth
``ELASTICSEARCH_SEARCH_API_KEY``            read-only key for ``search``/``serve``
``ELASTICSEARCH_SEARCH_USERNAME``, ...      read-only user (``_SEARCH_PASSWORD``)
``ELASTICSEARCH_CA_FILE``                   CA certificate for TLS
``ELASTICSEARCH_VERIFY_CERTS=false``        only for loopback, or with the flag below
``ELASTICSEARCH_INSECURE_TLS=1``            accept an unverified remote https cluster
==========================================  ===============================================
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from typing import TypedDict
from urllib.parse import urlsplit

from pipeline.exceptions import ConfigError
from pipeline.index.secrets import MASK, read_secret, redact, register_secret, split_userinfo

log = logging.getLogger(__name__)

_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}
_SECRET_FIELDS = ("api_key", "password")


class Access(TypedDict):
    """The ClusterSettings fields that say where the cluster is and who we are to it."""

    url: str | None
    api_key: str | None
    username: str | None
    password: str | None
    ca_file: str | None
    verify_certs: bool
    insecure_tls: bool


def credentials_from_env(env: Mapping[str, str], role: str = "write") -> Access:
    """ClusterSettings fields for ``role`` ("write", or "search": the read-only credentials
    ``ELASTICSEARCH_SEARCH_*`` when any is set, else the writer's)."""
    for name in ("API_KEY", "PASSWORD", "SEARCH_API_KEY", "SEARCH_PASSWORD"):
        if env.get(f"ELASTICSEARCH_{name}"):  # masked in logs even by a role that does not use it
            register_secret(env[f"ELASTICSEARCH_{name}"])
    url = env.get("ELASTICSEARCH_URL") or None
    url_user = url_password = None
    if url is not None:
        url, url_user, url_password = split_userinfo(url)
    prefix = "ELASTICSEARCH_"
    if role == "search" and any(
        env.get(f"ELASTICSEARCH_SEARCH_{name}")
        for name in ("API_KEY", "API_KEY_FILE", "USERNAME", "PASSWORD", "PASSWORD_FILE")
    ):
        prefix, url_user, url_password = "ELASTICSEARCH_SEARCH_", None, None
    elif role not in {"write", "search"}:
        raise ValueError(f"unknown role {role!r}")
    verify_certs = env.get("ELASTICSEARCH_VERIFY_CERTS", "true").lower() not in _FALSE
    insecure_tls = env.get("ELASTICSEARCH_INSECURE_TLS", "").lower() in _TRUE
    if url is not None and not verify_certs:
        # Fail at start-up, before a crawl has fetched anything; the warning comes with the client.
        check_tls(url, insecure=insecure_tls, warn=False)
    return {
        "url": url,
        "api_key": read_secret(env, f"{prefix}API_KEY"),
        "username": env.get(f"{prefix}USERNAME") or url_user,
        "password": read_secret(env, f"{prefix}PASSWORD") or url_password,
        "ca_file": env.get("ELASTICSEARCH_CA_FILE") or None,
        "verify_certs": verify_certs,
        "insecure_tls": insecure_tls,
    }


def describe(fields: Mapping[str, object]) -> str:
    """``name=value, ...`` for a repr, with secrets masked and URLs redacted."""
    shown = []
    for name, value in fields.items():
        if name in _SECRET_FIELDS and value:
            shown.append(f"{name}={MASK!r}")
        elif isinstance(value, str):
            shown.append(f"{name}={redact(value)!r}")
        else:
            shown.append(f"{name}={value!r}")
    return ", ".join(shown)


def is_loopback(url: str) -> bool:
    """True when ``url`` names this machine (localhost or a loopback address)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_tls(url: str, *, insecure: bool, warn: bool = True) -> None:
    """Refuse unverified TLS to a remote cluster unless ``insecure``; warn loudly when it is."""
    if urlsplit(url).scheme != "https" or is_loopback(url):
        return
    if not insecure:
        raise ConfigError(
            f"refusing to reach {redact(url)} without verifying its TLS certificate: "
            "ELASTICSEARCH_VERIFY_CERTS=false is only accepted for loopback clusters. Give the "
            "cluster's CA with ELASTICSEARCH_CA_FILE, or set ELASTICSEARCH_INSECURE_TLS=1 to "
            "accept a man in the middle"
        )
    if not warn:
        return
    log.warning(
        "TLS CERTIFICATE VERIFICATION IS OFF for %s (ELASTICSEARCH_INSECURE_TLS): anyone on the "
        "path can read the credentials and the data",
        redact(url),
    )


def warn_plaintext(url: str) -> None:
    """Warn when credentials are about to cross the network unencrypted."""
    if urlsplit(url).scheme == "http" and not is_loopback(url):
        log.warning("credentials for %s are sent unencrypted over http: use https", redact(url))
