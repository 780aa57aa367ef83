"""A single-machine crawl honours robots.txt ``Crawl-delay``, which Scrapy parses and ignores.

One real ``newsarchive crawl`` of the fixture site behind a proxy whose robots.txt asks for
0.6 s between requests, with the project's realistic settings for what could undercut it: a
0.05 s ``DOWNLOAD_DELAY`` with jitter, AutoThrottle on (it lowers a slot's delay after fast
responses) and four requests at a time per host. The proxy's arrival times must be the
Crawl-delay apart; the same crawl with Crawl-delay switched off shows the test can tell.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from politeness_site import CrawlDelayProxy, crawl_process, too_close

from pipeline.local.fixture_site import FixtureSite

pytestmark = pytest.mark.integration

CRAWL_DELAY = 0.6
# Scrapy spaces the moments it hands requests to the HTTP client; the proxy sees them after
# the client's own work and, for a new connection, a TCP handshake: a few ms on loopback, more
# on a busy CI machine. Far below the 0.55 s that ignoring the Crawl-delay would save.
SEND_SLACK = 0.05
EAGER = [
    "-s", "DOWNLOAD_DELAY=0.05",
    "-s", "DOWNLOAD_DELAY_JITTER=0.5",
    "-s", "AUTOTHROTTLE_ENABLED=True",
    "-s", "AUTOTHROTTLE_START_DELAY=0.05",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "-s", "CONCURRENT_REQUESTS=4",
]  # fmt: skip


@pytest.fixture
def proxy() -> Iterator[CrawlDelayProxy]:
    with FixtureSite() as site, CrawlDelayProxy(site, crawl_delay=CRAWL_DELAY) as proxy:
        yield proxy


def crawl(proxy: CrawlDelayProxy, es_url: str, alias: str, data_dir: Path, *extra: str) -> None:
    proc = crawl_process(proxy.base_url, es_url, alias, data_dir, "solo", [*EAGER, *extra])
    proc.wait(timeout=120)
    assert proc.returncode == 0, (data_dir / "stderr").read_text(errors="replace")[-4000:]


def test_every_request_after_robots_txt_waits_out_the_crawl_delay(
    proxy: CrawlDelayProxy, es_url: str, alias: str, tmp_path: Path
) -> None:
    crawl(proxy, es_url, alias, tmp_path)
    assert proxy.seen[0].path == "/robots.txt"
    assert len(proxy.seen) >= 8
    assert too_close(proxy.seen, CRAWL_DELAY - SEND_SLACK) == []
    stderr = (tmp_path / "stderr").read_text(errors="replace")
    assert f"asks for Crawl-delay {CRAWL_DELAY:.1f}s: honoured" in stderr


def test_with_crawl_delay_switched_off_the_same_crawl_sends_faster(
    proxy: CrawlDelayProxy, es_url: str, alias: str, tmp_path: Path
) -> None:
    crawl(proxy, es_url, alias, tmp_path, "-s", "NEWSARCHIVE_MAX_CRAWL_DELAY=0")
    assert too_close(proxy.seen, CRAWL_DELAY - SEND_SLACK) != []
