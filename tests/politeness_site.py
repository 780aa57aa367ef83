"""Servers and crawl processes for the politeness tests (fleet and single machine).

``CrawlDelayProxy`` puts the fixture site behind a proxy whose robots.txt adds a
``Crawl-delay`` and which records when each request arrived; ``crawl_process`` runs one real
``newsarchive crawl`` of the demo source against it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.local.fixture_site import FixtureSite

REPO = Path(__file__).resolve().parents[1]
PAGES_PER_WORKER = 8


def crawl_process(
    site_url: str, es_url: str, alias: str, data_dir: Path, worker: str, extra: list[str]
) -> subprocess.Popen[bytes]:
    """One ``newsarchive crawl`` of the demo source; its User-Agent names the worker.

    Output goes to files under ``data_dir``: a pipe nobody drains while another worker is waited
    for would fill up and freeze this worker mid-request.
    """
    parts = urlsplit(site_url)
    env = {
        **os.environ,
        "NEWSARCHIVE_DEMO_URL": site_url,
        "ELASTICSEARCH_URL": es_url,
        "NEWSARCHIVE_ALLOWED_NETWORKS": f"{parts.hostname}:{parts.port}",
    }
    command = [
        sys.executable, "-m", "pipeline.cli", "crawl", "--source", "demo", "--json",
        "--index", alias, "--data-dir", str(data_dir),
        "-s", f"USER_AGENT=newsarchive-test/{worker}",
        "-s", "DOWNLOAD_DELAY_JITTER=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0",
        "-s", "NEWSARCHIVE_EXTRACT_WORKERS=0",  # extraction inline: no pool on 2 cores
        # Few requests in flight: on close, those already waiting for the fleet still go out.
        "-s", "CONCURRENT_REQUESTS=2",
        "-s", f"CLOSESPIDER_PAGECOUNT={PAGES_PER_WORKER}",
        *extra,
    ]  # fmt: skip
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "stdout").open("wb") as out, (data_dir / "stderr").open("wb") as err:
        return subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=REPO)


@dataclass(frozen=True, order=True)
class Seen:
    """One request as the server saw it: when it arrived, from which worker, for what."""

    time: datetime
    agent: str
    path: str


def too_close(seen: list[Seen], least: float, *, after_robots: bool = True) -> list[str]:
    """The pairs of consecutive requests closer than ``least``, described for the failure message.

    ``after_robots=False`` leaves out pairs whose second request is a robots.txt fetch.
    """
    return [
        f"{(b.time - a.time).total_seconds():.3f}s: {a.agent} {a.path} -> {b.agent} {b.path}"
        for a, b in pairwise(sorted(seen))
        if (b.time - a.time).total_seconds() < least and (after_robots or b.path != "/robots.txt")
    ]


class CrawlDelayProxy:
    """The fixture site behind a proxy whose robots.txt adds ``Crawl-delay`` for every agent.

    The fixture site renders its links for the Host header it receives, so forwarding it keeps
    the crawl on the proxy.
    """

    def __init__(self, site: FixtureSite, crawl_delay: float) -> None:
        self.site = site
        self.crawl_delay = crawl_delay
        # Arrivals as the proxy sees them: the hop to the fixture site adds a lag of its own.
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                arrival = Seen(datetime.now(UTC), self.headers.get("User-Agent", ""), self.path)
                with proxy._lock:
                    proxy.seen.append(arrival)
                upstream = urllib.request.Request(
                    proxy.site.url(self.path),
                    headers={
                        name: value
                        for name, value in self.headers.items()
                        if name.lower() not in {"connection", "accept-encoding"}
                    },
                )
                try:
                    with urllib.request.urlopen(upstream, timeout=10) as answer:
                        status, headers, body = answer.status, answer.headers, answer.read()
                except urllib.error.HTTPError as error:
                    status, headers, body = error.code, error.headers, error.read()
                if self.path == "/robots.txt":
                    body = body.replace(
                        b"User-agent: *\n",
                        f"User-agent: *\nCrawl-delay: {proxy.crawl_delay}\n".encode(),
                    )
                self.send_response(status)
                for name in ("Content-Type", "Location", "ETag", "Last-Modified"):
                    if headers.get(name):
                        self.send_header(name, headers[name])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> CrawlDelayProxy:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
