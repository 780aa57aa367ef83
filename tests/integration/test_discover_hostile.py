"""``sources discover`` on a hostile site stays within its request budget and its limits, and
says what it refused: redirects to internal addresses, entity declarations, a redirect loop,
sitemaps over the size cap (declared or streamed), a gzip bomb.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from discover_sites import Site, hostile_routes

from pipeline import settings
from pipeline.crawl.safety.netpolicy import AddressPolicy
from pipeline.discover.fetch import Fetcher, FetchLimits
from pipeline.discover.site import discover

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
MIB = 1 << 20
CLI = [sys.executable, "-m", "pipeline.cli", "sources"]


@pytest.fixture
def hostile() -> Iterator[Site]:
    with Site(routes=hostile_routes) as site:
        yield site


def fetcher_for(site: Site, max_requests: int) -> Fetcher:
    limits = FetchLimits(
        max_requests=max_requests,
        max_bytes=MIB,
        timeout=10,
        max_redirects=5,
        delay=0,
        max_crawl_delay=0,
        user_agent="newsarchive-test",
    )
    return Fetcher(
        limits,
        AddressPolicy.from_settings(f"127.0.0.1:{site.port}", settings.NEWSARCHIVE_MAX_URL_LENGTH),
    )


def test_every_trap_is_refused_with_its_reason_and_nothing_internal_is_dialled(
    hostile: Site,
) -> None:
    fetcher = fetcher_for(hostile, max_requests=20)
    found = discover(hostile.base + "/", fetcher, max_size=MIB)
    refused = {(r.url.removeprefix(hostile.base), r.reason) for r in found.refusals}
    assert ("/feed.xml", "unsafe_xml") in refused
    assert ("http://127.0.0.1:9200/_cat/indices", "ssrf_blocked") in refused
    assert ("http://169.254.169.254/latest/meta-data/", "ssrf_blocked") in refused
    assert ("/loop/0", "too_many_redirects") in refused
    assert ("/huge-sitemap.xml", "too_large") in refused
    assert ("/streamed-sitemap.xml", "too_large") in refused
    assert ("/bomb-sitemap.xml.gz", "too_large") in refused
    assert found.feeds == [] and found.sitemaps == []
    assert found.proposal.article_patterns == []
    # Within the budget, counted by the server itself; the rest is refused as "budget".
    assert len(hostile.requests) == fetcher.requests_made <= 20
    assert any(r.reason == "budget" for r in found.refusals)


@pytest.mark.parametrize("budget", [2, 5, 11])
def test_the_request_budget_holds_whatever_the_site_offers(hostile: Site, budget: int) -> None:
    fetcher = fetcher_for(hostile, max_requests=budget)
    discover(hostile.base + "/", fetcher, max_size=MIB)
    assert len(hostile.requests) == fetcher.requests_made == budget


def test_the_command_prints_what_it_refused_and_still_a_valid_file(
    hostile: Site, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "NEWSARCHIVE_ALLOWED_NETWORKS": f"127.0.0.1:{hostile.port}",
        "NEWSARCHIVE_DISCOVER_DELAY": "0",
    }
    out = subprocess.run(
        [*CLI, "discover", hostile.base + "/", "--max-requests", "8"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=True,
    ).stdout
    assert "# Refused http://127.0.0.1:9200/_cat/indices: ssrf_blocked" in out
    assert f"# Refused {hostile.base}/feed.xml: unsafe_xml" in out
    assert "(8 of 8 requests" in out
    assert "No article shape found" in out
    assert len(hostile.requests) <= 8
