"""A small, polite HTTP client for looking at a site before it is configured as a source.

``sources discover`` and ``sources try`` read a few pages of a site a person typed in, so they
keep the crawl's promises without starting a Scrapy crawl (a reactor, a process, settings) for
a dozen requests: robots.txt is obeyed the way the crawl obeys it (RFC 9309: a 4xx means no
rules, a 5xx or an unreachable file means stay out), every address dialled passes the crawl's
SSRF policy (``pipeline.crawl.safety.netpolicy``: the check and the connection use the same
resolved address, on every redirect hop), bodies are capped while they are read, and a request
budget counts every request made, robots.txt and redirect hops included. What was refused is
kept in ``refusals`` so the command can say so instead of failing silently.

Standard library only (``http.client``): the project has no general HTTP client dependency and
this one needs nothing a dependency would add.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from protego import Protego

    from pipeline.crawl.safety.netpolicy import AddressPolicy

__all__ = ["FetchLimits", "Fetched", "Fetcher", "Refusal"]

REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchLimits:
    """How much one command may ask of a site (from ``pipeline.settings`` and the flags)."""

    max_requests: int
    max_bytes: int
    timeout: float
    max_redirects: int
    delay: float
    max_crawl_delay: float
    user_agent: str


@dataclass(frozen=True)
class Fetched:
    """A response: the URL after redirects, status, lower-cased headers and the (capped) body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Refusal:
    """A URL not fetched, or fetched and not used, with a stable reason and a detail."""

    url: str
    reason: str  # ssrf_blocked, robots_denied, robots_unavailable, too_large, budget, http_404...
    detail: str


@dataclass
class _Robots:
    rules: Protego | None  # None: unreachable, nothing allowed
    why: str = ""
    # What requests to the host are refused as: robots_unavailable, or the reason the robots.txt
    # request itself was refused for (ssrf_blocked: the host is internal), as the crawl does.
    reason: str = "robots_unavailable"


class Fetcher:
    """GETs within a request budget, robots.txt and the SSRF policy; records what it refused."""

    def __init__(self, limits: FetchLimits, policy: AddressPolicy) -> None:
        self.limits = limits
        self.policy = policy
        self.requests_made = 0
        self.refusals: list[Refusal] = []
        self._robots: dict[str, _Robots] = {}
        self._last_request = 0.0

    @property
    def budget_left(self) -> int:
        return self.limits.max_requests - self.requests_made

    def refuse(self, url: str, reason: str, detail: str) -> None:
        self.refusals.append(Refusal(url, reason, detail))

    def get(self, url: str) -> Fetched | None:
        """The response to ``url`` (redirects followed, each hop checked), or None if refused.

        Non-2xx answers are returned too (the caller decides); refusals and network errors are
        recorded and give None.
        """
        current = url
        for _hop in range(self.limits.max_redirects + 1):
            refused = self.policy.url_refusal(current)
            if refused is not None:  # judged from the URL alone: before any robots.txt request
                self.refuse(current, refused.reason, refused.detail)
                return None
            if not self._robots_allow(current):
                return None
            response = self._request(current)
            if response is None:
                return None
            location = response.headers.get("location")
            if response.status in REDIRECTS and location:
                current = urljoin(current, location)
                continue
            return response
        self.refuse(url, "too_many_redirects", f"more than {self.limits.max_redirects} redirects")
        return None

    def sitemaps_in_robots(self, url: str) -> list[str]:
        """``Sitemap:`` lines of the robots.txt of ``url``'s host (fetched once)."""
        rules = self._robots_for(url).rules
        return list(rules.sitemaps) if rules is not None else []

    # -- robots.txt ----------------------------------------------------------------------------

    def _robots_allow(self, url: str) -> bool:
        robots = self._robots_for(url)
        if robots.rules is None:
            self.refuse(url, robots.reason, robots.why)
            return False
        if not robots.rules.can_fetch(url, self.limits.user_agent):
            self.refuse(url, "robots_denied", "disallowed by robots.txt")
            return False
        return True

    def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        known = self._robots.get(origin)
        if known is not None:
            return known
        from protego import Protego

        robots_url = f"{origin}/robots.txt"
        response = self._request(robots_url)
        for _hop in range(self.limits.max_redirects):
            # RFC 9309 2.3.1.2: follow at least five redirects (http -> https, bare -> www.),
            # each hop checked by the SSRF policy like any other request.
            location = response.headers.get("location") if response is not None else None
            if response is None or response.status not in REDIRECTS or not location:
                break
            response = self._request(urljoin(response.url, location))
        if response is None:
            last = self.refusals[-1] if self.refusals else None
            why = f"robots.txt not read ({last.reason}: {last.detail})" if last else "unreachable"
            carried = {"ssrf_blocked", "scheme_blocked", "url_too_long", "budget"}
            reason = last.reason if last and last.reason in carried else "robots_unavailable"
            robots = _Robots(None, why, reason)
            if reason == "budget":
                return robots  # not remembered: the rules are unknown, not unreachable
        elif response.status >= 500:
            robots = _Robots(None, f"robots.txt answered HTTP {response.status}")
        elif response.status >= 400 or response.status in REDIRECTS:
            # RFC 9309 "unavailable" (4xx, or more redirects than followed): no rules.
            robots = _Robots(Protego.parse(""))
        else:
            robots = _Robots(Protego.parse(response.body.decode("utf-8", "replace")))
        self._robots[origin] = robots
        return robots

    # -- one request ---------------------------------------------------------------------------

    def _request(self, url: str) -> Fetched | None:
        refused = self.policy.url_refusal(url)
        if refused is not None:
            self.refuse(url, refused.reason, refused.detail)
            return None
        if self.requests_made >= self.limits.max_requests:
            self.refuse(url, "budget", f"request budget of {self.limits.max_requests} spent")
            return None
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._address(url, host, port)
        if address is None:
            return None
        self._pace(url)
        self.requests_made += 1
        connection: http.client.HTTPConnection = (
            _PinnedHTTPS(host, port, address, self.limits.timeout)
            if parts.scheme == "https"
            else _PinnedHTTP(host, port, address, self.limits.timeout)
        )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET",
                target,
                headers={
                    "User-Agent": self.limits.user_agent,
                    "Accept-Encoding": "gzip",
                    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                },
            )
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            body = self._read_capped(url, response, headers)
        except (OSError, http.client.HTTPException) as exc:
            self.refuse(url, "fetch_error", f"{type(exc).__name__}: {exc}")
            return None
        finally:
            connection.close()
        if body is None:
            return None
        return Fetched(url, response.status, headers, body)

    def _address(self, url: str, host: str, port: int) -> str | None:
        """The first resolved address of ``host`` that the SSRF policy allows."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            self.refuse(url, "dns_error", str(exc))
            return None
        why = ""
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            why = self.policy.address_refusal(ip, port) or ""
            if not why:
                return str(ip)
        self.refuse(url, "ssrf_blocked", f"{host} resolves to {why}")
        return None

    def _read_capped(
        self, url: str, response: http.client.HTTPResponse, headers: dict[str, str]
    ) -> bytes | None:
        cap = self.limits.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            self.refuse(url, "too_large", f"Content-Length {declared} > {cap} bytes")
            return None
        data = response.read(cap + 1)
        if len(data) > cap:
            self.refuse(url, "too_large", f"body larger than {cap} bytes")
            return None
        if headers.get("content-encoding", "").lower() == "gzip":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                data = inflater.decompress(data, cap + 1)
            except zlib.error as exc:
                self.refuse(url, "fetch_error", f"bad gzip body: {exc}")
                return None
            if len(data) > cap or inflater.unconsumed_tail:
                self.refuse(url, "too_large", f"gzip body inflates past {cap} bytes")
                return None
        return data

    def _pace(self, url: str) -> None:
        """Wait the configured delay (or the robots.txt Crawl-delay, capped) between requests."""
        delay = self.limits.delay
        robots = self._robots.get(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
        if robots is not None and robots.rules is not None:
            asked = robots.rules.crawl_delay(self.limits.user_agent) or 0.0
            delay = max(delay, min(float(asked), self.limits.max_crawl_delay))
        wait = self._last_request + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address chosen (and checked) beforehand, not re-resolved."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is verified against the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address
        self.context = ssl.create_default_context()

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.context.wrap_socket(sock, server_hostname=self.host)
