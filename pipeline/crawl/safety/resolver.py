"""A Twisted name resolver that hands the connector only addresses the policy allows.

Scrapy's HTTP handler connects through Twisted's ``HostnameEndpoint``, which asks the reactor's name
resolver for addresses -- for IP literals too -- and dials exactly what it gets back. Filtering here
therefore checks the address actually dialled, on every hop (redirects, robots.txt, feeds), and a
DNS answer pointing inside is refused without a connection attempt. Because the check and the
connection use the same answer, DNS rebinding between a check and the dial is not possible.

Residual risk: an HTTP proxy dials on the crawler's behalf, so the proxy middleware is disabled in
``pipeline.settings``; with a proxy re-enabled the guard only sees the proxy's address.

Install with
``TWISTED_DNS_RESOLVER = "pipeline.crawl.safety.resolver.GuardedResolver"``. It resolves with
getaddrinfo in the reactor's thread pool, IPv4 and IPv6, without Scrapy's DNS cache (a cached answer
would be one more thing to keep filtered) and without DNS_TIMEOUT; DOWNLOAD_TIMEOUT still bounds
each request.
"""

from __future__ import annotations

import ipaddress
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from twisted.internet._resolver import GAIResolver
from twisted.internet.interfaces import (
    IAddress,
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
)
from zope.interface import implementer, provider  # type: ignore[import-untyped]

from pipeline.crawl.safety.netpolicy import AddressPolicy

log = logging.getLogger(__name__)

_MEMORY = 10_000
_refused_hosts: OrderedDict[str, str] = OrderedDict()


def refused_host(host: str) -> str | None:
    """Why the resolver refused every address of ``host`` in this process, if it did."""
    return _refused_hosts.get(host.lower().strip("[]"))


def _remember(host: str, why: str) -> None:
    _refused_hosts[host.lower().strip("[]")] = why
    while len(_refused_hosts) > _MEMORY:
        _refused_hosts.popitem(last=False)


@provider(IResolutionReceiver)
class _FilteringReceiver:
    """Forwards allowed addresses to the connector; keeps the refused ones out of its sight."""

    def __init__(self, inner: Any, host: str, port: int, policy: AddressPolicy) -> None:
        # ``Any``: zope interfaces are not types mypy can check calls against.
        self.inner = inner
        self.host = host
        self.port = port
        self.policy = policy
        self.forwarded = 0
        self.refusals: list[str] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.inner.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        host = str(getattr(address, "host", "")).split("%", 1)[0]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            self.refusals.append(f"unparsable address {host!r}")
            return
        why = self.policy.address_refusal(ip, getattr(address, "port", None) or self.port)
        if why is None:
            self.forwarded += 1
            self.inner.addressResolved(address)
        else:
            self.refusals.append(why)

    def resolutionComplete(self) -> None:
        if self.refusals and not self.forwarded:
            why = f"{self.host} resolves to {self.refusals[0]}"
            _remember(self.host, why)
            log.warning("refused to connect: %s", why)
        elif self.forwarded:
            _refused_hosts.pop(self.host.lower().strip("[]"), None)  # answers change
        self.inner.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    """getaddrinfo-based resolution (IPv4 and IPv6), filtered through an ``AddressPolicy``."""

    def __init__(self, reactor: Any, policy: AddressPolicy, inner: Any = None) -> None:
        self.reactor = reactor
        self.policy = policy
        self.inner = inner if inner is not None else GAIResolver(reactor)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        # Scrapy passes the CrawlerProcess here; only its settings are used.
        settings = crawler.settings
        policy = AddressPolicy.from_settings(
            settings.get("NEWSARCHIVE_ALLOWED_NETWORKS"),
            settings.getint("NEWSARCHIVE_MAX_URL_LENGTH"),
        )
        return cls(reactor, policy)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        receiver = _FilteringReceiver(resolutionReceiver, hostName, portNumber, self.policy)
        inner: Any = self.inner
        result: IHostResolution = inner.resolveHostName(
            receiver, hostName, portNumber, addressTypes, transportSemantics
        )
        return result
