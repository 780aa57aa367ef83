"""Tell people about alerts: the log at WARNING and, when configured, a JSON POST to a webhook.

The webhook URL is configuration, but it is still a URL the process dials, so the crawl's SSRF
rules (``pipeline.crawl.safety.netpolicy``) apply: only http(s), and an internal address
(loopback, private, link-local, metadata...) only when ``NEWSARCHIVE_ALLOWED_NETWORKS`` lists it.
The host is resolved once, every address is checked, and the connection goes to the checked
address (no second lookup a DNS rebinding could answer differently); redirects are not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import socket
import ssl
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from pipeline import settings
from pipeline.crawl.safety.netpolicy import AddressPolicy
from pipeline.exceptions import WebhookRefused
from pipeline.health.alerts import Alert

log = logging.getLogger("pipeline.health")

TIMEOUT = 10.0


def log_alerts(alerts: Sequence[Alert]) -> None:
    for alert in alerts:
        log.warning("health alert: %s", alert.message())


def alert_body(source: str, alerts: Sequence[Alert]) -> dict[str, Any]:
    """The JSON a webhook receives: one body per source and run, every shifted measure in it."""
    return {
        "event": "newsarchive.health.alert",
        "source": source,
        "run_id": alerts[0].run_id if alerts else None,
        "measures": sorted({a.measure for a in alerts}),
        "alerts": [a.to_dict() for a in alerts],
    }


def post_webhook(url: str, body: dict[str, Any], allowed_networks: str) -> int:
    """POST ``body`` as JSON to ``url``; the HTTP status. Raises ``WebhookRefused``."""
    policy = AddressPolicy.from_settings(allowed_networks, settings.NEWSARCHIVE_MAX_URL_LENGTH)
    refused = policy.url_refusal(url)
    if refused is not None:
        raise WebhookRefused(f"webhook {url!r} refused: {refused}")
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise WebhookRefused(f"webhook host {host!r} does not resolve: {exc}") from exc
    address = ""
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        reason = policy.address_refusal(ip, port)
        if reason is not None:
            raise WebhookRefused(f"webhook {url!r} refused: {reason}")
        address = address or str(ip)
    payload = json.dumps(body).encode()
    connection = _connection(parts.scheme, host, address, port)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(
            "POST",
            path,
            body=payload,
            headers={"Content-Type": "application/json", "User-Agent": "newsarchive-health"},
        )
        status = connection.getresponse().status
    except OSError as exc:
        raise WebhookRefused(f"webhook {url!r} failed: {exc}") from exc
    finally:
        connection.close()
    if not 200 <= status < 300:
        raise WebhookRefused(f"webhook {url!r} answered {status}")
    return status


def _connection(scheme: str, host: str, address: str, port: int) -> http.client.HTTPConnection:
    """A connection to the vetted ``address`` that still says (and, for TLS, verifies) ``host``."""

    if scheme == "https":

        class _Pinned(http.client.HTTPSConnection):
            def connect(self) -> None:
                sock = socket.create_connection((address, port), TIMEOUT)
                self.sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)

        return _Pinned(host, port, timeout=TIMEOUT)

    class _PinnedPlain(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = socket.create_connection((address, port), TIMEOUT)

    return _PinnedPlain(host, port, timeout=TIMEOUT)
