"""A small hostile web server on loopback, for tests: bombs, huge bodies, traps and redirects.

Each route is one scenario; every request is logged (path and headers) so a test can prove what the
crawler did and did not fetch. ``Listener`` is a bare TCP socket that only counts connections: bound
on 127.0.0.2 (or any loopback address) it stands for an internal service that must never be reached.
"""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import brotli

BOMB_INFLATED = 64 * 1024 * 1024  # each bomb inflates to 64 MiB; the tests' cap is far below


@cache
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * BOMB_INFLATED, compresslevel=9)


@cache
def deflate_bomb() -> bytes:
    return zlib.compress(b"\0" * BOMB_INFLATED, 9)


@cache
def brotli_bomb() -> bytes:
    return bytes(brotli.compress(b"\0" * BOMB_INFLATED, quality=5))


def article(title: str, body: str = "") -> bytes:
    paragraphs = body or " ".join(["The harbour commission met on Tuesday to debate the dues."] * 8)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p>{paragraphs}</p><p>{paragraphs}</p><p>{paragraphs}</p></article></body></html>"
    ).encode("utf-8", "surrogatepass")


def nested_divs(depth: int = 100_000) -> bytes:
    """An article wrapped in ``depth`` nested ``<div>`` elements."""
    inner = article("Buried under divs").split(b"<body>", 1)[1].split(b"</body>", 1)[0]
    return b"<html><body>" + b"<div>" * depth + inner + b"</div>" * depth + b"</body></html>"


def unclosed_tags(tags: bytes = b"<div><b><span>", size: int = 1024 * 1024) -> bytes:
    """An article's text followed, inside its body, by ``size`` bytes of ``tags`` never closed."""
    start = article("Never closed").rsplit(b"</article>", 1)[0]
    return start + tags * (size // len(tags))


def huge_text_node(chars: int) -> bytes:
    """An article page with one more paragraph: a single text node of ``chars`` characters."""
    start, end = article("One huge text node").rsplit(b"</article>", 1)
    return start + b"<p>" + b"word " * (chars // 5) + b"</p></article>" + end


def mislabelled(text: str, codec: str, label: str = "utf-8") -> bytes:
    """An article in ``codec`` whose ``<meta charset>`` says ``label``."""
    head = f'<!doctype html><html><head><meta charset="{label}"><title>{text[:30]}</title></head>'
    return (head + f"<body><article><p>{text}</p></article></body></html>").encode(codec)


@dataclass
class Logged:
    path: str
    headers: dict[str, str]


Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class HostileSite:
    """Serve ``routes`` (path -> handler) on ``host``; ``requests`` logs what was asked."""

    host: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Logged] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def __enter__(self) -> HostileSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # close-delimited bodies: "no Content-Length" is real

            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append(Logged(self.path, dict(self.headers.items())))
                route = site.routes.get(self.path.split("?", 1)[0]) or _prefix_route(
                    site, self.path
                )
                try:
                    if route is None:
                        send(self, 404, b"not found", "text/plain")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up: that is what caps do

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


def _prefix_route(site: HostileSite, path: str) -> Route | None:
    for prefix, route in site.routes.items():
        if prefix.endswith("*") and path.startswith(prefix[:-1]):
            return route
    return None


def send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    ctype: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


def redirect(location: str, status: int = 302) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        send(h, status, b"", "text/plain", {"Location": location})

    return route


def page(body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, body, ctype, {k.replace("_", "-"): v for k, v in headers.items()})

    return route


def endless(declared_length: int | None, limit: int = 2 * 1024**3) -> Route:
    """A body of up to ``limit`` bytes, streamed until the client hangs up."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if declared_length is not None:
            h.send_header("Content-Length", str(declared_length))
        h.end_headers()
        chunk = b"<p>" + b"x" * 65_000 + b"</p>\n"
        h.wfile.write(b"<!doctype html><html><body>")
        sent = 0
        while sent < limit:
            h.wfile.write(chunk)
            sent += len(chunk)

    return route


class Listener:
    """A TCP listener that accepts and counts connections, standing for an internal service."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.connections = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()
