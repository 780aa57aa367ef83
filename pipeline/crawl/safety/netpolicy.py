"""Which network addresses a crawl may connect to: public ones, plus an explicit allowlist.

A crawler reads URLs written by strangers, so every address it dials is checked: loopback, private,
link-local (the cloud metadata service at 169.254.169.254), shared carrier-grade NAT
(100.64.0.0/10), multicast, reserved and unspecified addresses are refused unless an operator lists
them in ``NEWSARCHIVE_ALLOWED_NETWORKS``. IPv6 forms that embed an IPv4 address (``::ffff:a.b.c.d``,
6to4, Teredo, NAT64) are judged by the embedded address, so wrapping 127.0.0.1 in IPv6 changes
nothing.

Host names in URLs are parsed the way the C resolver parses them (``inet_aton``), so ``2130706433``,
``0177.0.0.1`` and ``0x7f.1`` are all recognised as 127.0.0.1 before any request is made.

Pure functions of their arguments; the resolver and the downloader middleware apply them.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.crawl.safety.refusal import SCHEME_BLOCKED, SSRF_BLOCKED, URL_TOO_LONG, Refused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

FETCHABLE_SCHEMES = frozenset({"http", "https"})
DEFAULT_MAX_URL_LENGTH = 2083  # what browsers and Scrapy's URLLENGTH_LIMIT have long used

_SHARED_NAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = ipaddress.ip_address("169.254.169.254")


def internal_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public internet address (``"loopback"``...), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            kind = internal_kind(embedded)
            return f"{kind} (IPv4 {embedded} inside IPv6)" if kind else None
    if ip == _METADATA:
        return "link-local (cloud metadata service)"
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared address space (100.64.0.0/10)", ip in _SHARED_NAT),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return kind
    if not ip.is_global:
        return "not globally routable"
    return None


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def host_literal(host: str) -> IPAddress | None:
    """The address a URL host denotes if it is an IP literal in any encoding getaddrinfo takes."""
    text = host.strip("[]")
    if "%" in text:  # IPv6 zone index: fe80::1%eth0
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if ":" in text or not text or not all(c in "0123456789abcdefxABCDEFX." for c in text):
        return None
    try:
        # inet_aton is what getaddrinfo uses for numeric hosts: 2130706433, 0177.0.0.1, 0x7f.1.
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


@dataclass(frozen=True)
class Allowed:
    """One allowlist entry: a network, optionally limited to one port."""

    network: IPNetwork
    port: int | None = None

    def admits(self, ip: IPAddress, port: int | None) -> bool:
        if self.port is not None and port != self.port:
            return False
        return ip.version == self.network.version and ip in self.network


def parse_allowlist(text: str) -> tuple[Allowed, ...]:
    """Parse ``NEWSARCHIVE_ALLOWED_NETWORKS``: comma or space separated ``CIDR`` or ``CIDR:PORT``.

    IPv6 entries with a port are bracketed: ``[::1]:8080``; ``127.0.0.1:8765`` admits one port of
    one address, ``10.0.0.0/8`` a whole network on any port.
    """
    entries: list[Allowed] = []
    for raw in text.replace(",", " ").split():
        net_text, port_text = raw, ""
        if raw.startswith("["):
            net_text, _, rest = raw[1:].partition("]")
            port_text = rest.removeprefix(":")
        elif raw.count(":") == 1:
            net_text, _, port_text = raw.partition(":")
        try:
            network = ipaddress.ip_network(net_text, strict=False)
            port = int(port_text) if port_text else None
        except ValueError as exc:
            raise ValueError(f"NEWSARCHIVE_ALLOWED_NETWORKS: bad entry {raw!r}: {exc}") from exc
        if port is not None and not 0 < port < 65536:
            raise ValueError(f"NEWSARCHIVE_ALLOWED_NETWORKS: bad port in {raw!r}")
        entries.append(Allowed(network, port))
    return tuple(entries)


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses are fine; internal ones only when the allowlist names them."""

    allowed: tuple[Allowed, ...] = ()
    max_url_length: int = DEFAULT_MAX_URL_LENGTH

    @classmethod
    def from_settings(cls, allowlist: str, max_url_length: int) -> AddressPolicy:
        return cls(parse_allowlist(allowlist), max_url_length)

    def address_refusal(self, ip: IPAddress, port: int | None) -> str | None:
        """Why connecting to ``ip:port`` is refused, or None when it is allowed."""
        v4 = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
        if v4 is not None and any(a.admits(v4, port) for a in self.allowed):
            return None
        if any(a.admits(ip, port) for a in self.allowed):
            return None
        kind = internal_kind(ip)
        if kind is None:
            return None
        where = f"{ip}" if port is None else f"{ip} port {port}"
        return f"{where} is {kind} and not in NEWSARCHIVE_ALLOWED_NETWORKS"

    def url_refusal(self, url: str) -> Refused | None:
        """Refuse before any connection what can be judged from the URL alone."""
        if len(url) > self.max_url_length:
            return Refused(URL_TOO_LONG, f"{len(url)} characters > {self.max_url_length}")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            return Refused(SCHEME_BLOCKED, f"unparsable URL: {exc}")
        scheme = parts.scheme.lower()
        if scheme not in FETCHABLE_SCHEMES:
            return Refused(SCHEME_BLOCKED, f"{scheme or 'no'} scheme; only http(s) is fetched")
        ip = host_literal(parts.hostname or "")
        if ip is None:
            return None  # a name: judged at dial time by the guarded resolver
        why = self.address_refusal(ip, port or (443 if scheme == "https" else 80))
        return Refused(SSRF_BLOCKED, why) if why else None
