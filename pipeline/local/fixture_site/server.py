"""A real HTTP server for the fixture site, on loopback, in a background thread.

Integration tests point Scrapy at ``FixtureSite.base_url`` and then look at ``requests`` to see
what was fetched (robots.txt honoured? conditional requests sent?). The server speaks plain
HTTP/1.1 with keep-alive, ETag/Last-Modified validators, 304 answers and HEAD, because those
are the behaviours a polite incremental crawler depends on.
"""

from __future__ import annotations

import logging
import re
import socket
import socketserver
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from pipeline.local.fixture_site.model import SITE_NAME, FixtureArticle
from pipeline.local.fixture_site.mutations import Edition
from pipeline.local.fixture_site.routes import Resource, SiteBuild

logger = logging.getLogger(__name__)

# Distinct Host headers we render the site for before falling back to the configured base URL;
# bounds memory if something sends many made-up Host values.
_MAX_BUILDS = 8
# Host headers that are safe to echo into pages: host names, IPv4/IPv6 literals and a port.
_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the server answered: what was asked, with which headers, and the status."""

    method: str
    path: str  # the request target as sent: path plus query string
    headers: dict[str, str]  # lower-cased header names
    time: datetime  # timezone-aware, UTC
    status: int


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Tests start and stop servers quickly; without this a new bind could hit TIME_WAIT.
    allow_reuse_address = True

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse-DNS lookup, which can stall on offline machines."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class _Server6(_Server):
    address_family = socket.AF_INET6


class FixtureSite:
    """The fixture news site served over HTTP; use as a context manager or start()/stop().

    ``port=0`` picks a free port; ``base_url`` then tells where the site is. Absolute URLs in
    pages, feeds and sitemaps are rendered for the Host header the client sends (normally the
    same as ``base_url``), so the site is consistent however it is addressed.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None
        self._lock = threading.Lock()
        self._requests: list[RequestRecord] = []
        self._builds: dict[str, SiteBuild] = {}
        self._edition = Edition()

    # ------------------------------------------------------------------ public API

    @property
    def base_url(self) -> str:
        """E.g. ``http://127.0.0.1:54321``; only known once the server is started."""
        if self._base_url is None:
            raise RuntimeError("FixtureSite is not started")
        return self._base_url

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FixtureSite is not started")
        return int(self._server.server_address[1])

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of every request answered so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the request log, e.g. between the two crawls of an incremental-crawl test."""
        with self._lock:
            self._requests.clear()

    def url(self, path: str) -> str:
        """Absolute URL of a root-relative path on this server."""
        return f"{self.base_url}{path}"

    def revise(self, path: str, paragraph: str, *, at: datetime | None = None) -> FixtureArticle:
        """Append a paragraph to the article at ``path``: new ETag, Last-Modified, feed dates."""
        with self._lock:
            revised = self._edition.revise(path, paragraph, at)
            for build in self._builds.values():
                self._edition.apply(build)
        return revised

    def edit(
        self, path: str, old: str, new: str, *, at: datetime | None = None, silent: bool = False
    ) -> FixtureArticle:
        """Replace ``old`` by ``new`` in the body of the article at ``path`` (an edit in place).

        ``silent``: the dates (Last-Modified, feeds, sitemaps) do not move.
        """
        with self._lock:
            edited = self._edition.edit(path, old, new, at, silent=silent)
            for build in self._builds.values():
                self._edition.apply(build)
        return edited

    def redesign(self, *, at: datetime | None = None) -> None:
        """Serve every article in a redesigned template without bylines and dates."""
        with self._lock:
            self._edition.redesign(at)
            for build in self._builds.values():
                self._edition.apply(build)

    def publish(self, article: FixtureArticle) -> None:
        """Put a new article online and into the feeds and sitemaps (see ``new_article``)."""
        with self._lock:
            self._edition.publish(article)
            for build in self._builds.values():
                self._edition.apply(build)

    def start(self) -> FixtureSite:
        if self._server is not None:
            raise RuntimeError("FixtureSite is already started")
        server_class = _Server6 if ":" in self._host else _Server
        server = server_class((self._host, self._port), _handler_for(self))
        port = int(server.server_address[1])
        self._server = server
        self._base_url = f"http://{_url_host(self._host)}:{port}"
        # Render eagerly so the first request does not pay for it and errors surface here.
        self._build_for(self._base_url)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"fixture-site-{port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ internals

    def _build_for(self, base_url: str) -> SiteBuild:
        with self._lock:
            build = self._builds.get(base_url)
            if build is None:
                if len(self._builds) >= _MAX_BUILDS and self._base_url in self._builds:
                    return self._builds[self._base_url]
                build = SiteBuild(base_url)
                self._edition.apply(build)
                self._builds[base_url] = build
            return build

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)


def _url_host(host: str) -> str:
    """The host part for URLs: wildcard binds are reached via loopback; IPv6 gets brackets."""
    if host in {"", "0.0.0.0"}:
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _handler_for(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    class Handler(_FixtureHandler):
        fixture = site

    return Handler


class _FixtureHandler(BaseHTTPRequestHandler):
    """Serves prebuilt resources; only GET and HEAD (plus the newsletter form's POST)."""

    fixture: FixtureSite
    protocol_version = "HTTP/1.1"
    server_version = "HarborLedger/1.0"
    sys_version = ""
    timeout = 15  # close idle keep-alive connections so stop() leaves nothing lingering

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        build = self._build()
        if self.path.split("?", 1)[0] == "/newsletter/":
            location = f"{build.base_url}/newsletter/?subscribed=1"
            self._respond(Resource(303, "text/plain; charset=utf-8", b"", location=location))
        else:
            self._respond(Resource(405, "text/plain; charset=utf-8", b"Method Not Allowed\n"))

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def version_string(self) -> str:
        return self.server_version

    def _build(self) -> SiteBuild:
        host = self.headers.get("Host", "")
        base = f"http://{host}" if _HOST_HEADER.match(host) else self.fixture.base_url
        return self.fixture._build_for(base)

    def _serve(self, *, send_body: bool) -> None:
        resource = self._build().resolve(self.path)
        if resource.status == 200 and self._not_modified(resource):
            self._respond(resource, status=304, send_body=False)
        else:
            self._respond(resource, send_body=send_body)

    def _not_modified(self, resource: Resource) -> bool:
        """RFC 9110 precedence: If-None-Match wins; If-Modified-Since only without it."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or resource.etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since and resource.last_modified is not None:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return resource.last_modified.replace(microsecond=0) <= since
        return False

    def _respond(
        self, resource: Resource, *, status: int | None = None, send_body: bool = True
    ) -> None:
        code = status or resource.status
        # Logged before the reply goes out, so a client that has its answer can rely on the
        # request being in the log already.
        self.fixture._record(
            RequestRecord(
                method=self.command,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                time=datetime.now(UTC),
                status=code,
            )
        )
        self.send_response(code)
        if code != 304:
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Length", str(len(resource.body)))
        if resource.status == 200:
            self.send_header("ETag", resource.etag)
            if resource.last_modified is not None:
                stamp = format_datetime(resource.last_modified.astimezone(UTC), usegmt=True)
                self.send_header("Last-Modified", stamp)
            self.send_header("Cache-Control", "public, max-age=60")
        if resource.location is not None:
            self.send_header("Location", resource.location)
        if code == 405:
            self.send_header("Allow", "GET, HEAD")
        self.end_headers()
        if send_body and code != 304:
            self.wfile.write(resource.body)


def serve_forever(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the fixture site in the foreground until interrupted (the README demo)."""
    site = FixtureSite(host, port).start()
    print(f"Serving the fixture site ({SITE_NAME}) at {site.base_url}/")
    print(f"  feed: {site.base_url}/rss.xml   sitemap: {site.base_url}/sitemap.xml")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        thread = site._thread
        while thread is not None and thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
