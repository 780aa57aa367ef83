"""The discovering client obeys robots.txt as the crawl does (RFC 9309): a redirected robots.txt
is followed, a 4xx one means no rules, a 5xx one means stay out; Crawl-delay paces requests."""

from __future__ import annotations

import time

import pytest
from discover_sites import Reply, Site

from pipeline import settings
from pipeline.crawl.safety.netpolicy import AddressPolicy
from pipeline.discover.fetch import Fetcher, FetchLimits

pytestmark = pytest.mark.integration


def fetcher(site: Site, *, delay: float = 0, max_crawl_delay: float = 0) -> Fetcher:
    limits = FetchLimits(20, 1 << 20, 10, 5, delay, max_crawl_delay, "newsarchive-test")
    return Fetcher(
        limits,
        AddressPolicy.from_settings(f"127.0.0.1:{site.port}", settings.NEWSARCHIVE_MAX_URL_LENGTH),
    )


def site_with_robots(robots: Reply) -> Site:
    def routes(base: str) -> dict[str, Reply]:
        return {
            "/robots.txt": robots,
            "/rules.txt": Reply(content_type="text/plain", body=b"User-agent: *\nDisallow: /x/\n"),
            "/x/page": Reply(body=b"<html>x</html>"),
            "/y/page": Reply(body=b"<html>y</html>"),
        }

    return Site(routes=routes)


def test_a_redirected_robots_txt_is_followed_and_its_rules_apply() -> None:
    with site_with_robots(Reply(301, headers=(("Location", "/rules.txt"),))) as site:
        client = fetcher(site)
        assert client.get(site.base + "/x/page") is None
        assert client.refusals[-1].reason == "robots_denied"
        assert client.get(site.base + "/y/page") is not None
        assert [r.path for r in site.requests] == ["/robots.txt", "/rules.txt", "/y/page"]


def test_a_missing_robots_txt_allows_everything() -> None:
    with site_with_robots(Reply(404, "text/plain", b"no")) as site:
        response = fetcher(site).get(site.base + "/x/page")
        assert response is not None and response.status == 200


def test_a_failing_robots_txt_means_stay_out() -> None:
    with site_with_robots(Reply(503, "text/plain", b"down")) as site:
        client = fetcher(site)
        assert client.get(site.base + "/y/page") is None
        assert client.refusals[-1].reason == "robots_unavailable"
        assert "HTTP 503" in client.refusals[-1].detail
        assert [r.path for r in site.requests] == ["/robots.txt"]


def test_crawl_delay_spaces_the_requests_up_to_the_cap() -> None:
    robots = Reply(content_type="text/plain", body=b"User-agent: *\nCrawl-delay: 30\n")
    with site_with_robots(robots) as site:
        client = fetcher(site, delay=0, max_crawl_delay=0.4)
        started = time.monotonic()
        for _ in range(3):
            assert client.get(site.base + "/y/page") is not None
        assert time.monotonic() - started >= 0.8  # two gaps of the capped 0.4 s
