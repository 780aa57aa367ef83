"""The safety middlewares, driven the way Scrapy drives them: requests in, refusals out."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from pipeline.crawl.runner import own_settings
from pipeline.crawl.safety import (
    RedirectGuardMiddleware,
    Refused,
    SafetyMiddleware,
    UnguardedResolverError,
)
from pipeline.crawl.safety.robots import Unreachable

PROJECT = {
    "TWISTED_DNS_RESOLVER": "pipeline.crawl.safety.resolver.GuardedResolver",
    "NEWSARCHIVE_ALLOWED_NETWORKS": "127.0.0.1:8765",
}


def crawler(**settings: Any) -> Any:
    return get_crawler(settings_dict=own_settings({**PROJECT, **settings}))


def test_the_middleware_refuses_to_run_without_the_guarded_resolver() -> None:
    c = crawler(TWISTED_DNS_RESOLVER="scrapy.resolver.CachingThreadedResolver")
    with pytest.raises(UnguardedResolverError, match="GuardedResolver"):
        SafetyMiddleware.from_crawler(c)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "ssrf_blocked"),
        ("http://0x7f.1:9200/_bulk", "ssrf_blocked"),
        ("file:///etc/passwd", "scheme_blocked"),
        ("http://127.0.0.1:8765/" + "a" * 3000, "url_too_long"),
    ],
)
def test_unsafe_requests_are_refused_with_a_reason(url: str, reason: str) -> None:
    mw = SafetyMiddleware.from_crawler(crawler())
    with pytest.raises(Refused) as refused:
        mw.process_request(Request(url))
    assert refused.value.reason == reason


def test_the_allowed_fixture_site_and_public_names_pass() -> None:
    mw = SafetyMiddleware.from_crawler(crawler())
    # Passing means not raising Refused: process_request returns None (typed so) to let it through.
    mw.process_request(Request("http://127.0.0.1:8765/opinion/"))
    mw.process_request(Request("https://news.example/opinion/"))


def test_a_redirect_into_the_metadata_service_is_refused_before_it_is_followed() -> None:
    mw = RedirectGuardMiddleware.from_crawler(crawler())
    request = Request("http://127.0.0.1:8765/a/x")
    response = Response(
        request.url, status=302, headers={"Location": "http://169.254.169.254/"}, request=request
    )
    with pytest.raises(Refused) as refused:
        mw.process_response(request, response)
    assert refused.value.reason == "ssrf_blocked"
    assert "cloud metadata" in refused.value.detail


def test_a_robots_txt_redirect_to_another_host_is_not_refused_as_offsite() -> None:
    c = crawler()
    c.spider = type("S", (), {"source": type("Src", (), {"allows": lambda self, u: False})()})()
    mw = RedirectGuardMiddleware.from_crawler(c)
    robots = Request("http://127.0.0.1:8765/robots.txt", meta={"dont_obey_robotstxt": True})
    page = Request("http://127.0.0.1:8765/a/x")
    for request in (robots, page):
        response = Response(
            request.url, status=301, headers={"Location": "https://cdn.example/x"}, request=request
        )
        if request is robots:
            assert mw.process_response(request, response) is response
        else:
            with pytest.raises(Refused, match="offsite_redirect"):
                mw.process_response(request, response)


def test_a_safe_redirect_is_left_to_scrapy() -> None:
    mw = RedirectGuardMiddleware.from_crawler(crawler())
    request = Request("http://127.0.0.1:8765/a/x")
    response = Response(request.url, status=301, headers={"Location": "/a/y"}, request=request)
    assert mw.process_response(request, response) is response


@pytest.mark.parametrize(
    ("target", "keeps_credentials"),
    [
        ("http://127.0.0.1:8765/same-origin", True),
        ("http://other.example/elsewhere", False),
        ("http://127.0.0.1:9999/other-port", False),
        ("https://127.0.0.1:8765/other-scheme", False),
    ],
)
def test_credentials_are_never_forwarded_to_another_host_on_redirect(
    target: str, keeps_credentials: bool
) -> None:
    # Pins the Scrapy behaviour the crawl relies on (scrapy 2.19 RedirectMiddleware).
    c = crawler()
    mw = RedirectMiddleware.from_crawler(c)
    request = Request(
        "http://127.0.0.1:8765/start",
        headers={"Authorization": "Bearer s3cret", "Cookie": "session=s3cret"},
    )
    response = Response(request.url, status=302, headers={"Location": target}, request=request)
    redirected = mw.process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url == target
    assert ("Authorization" in redirected.headers) is keeps_credentials
    if urlhost(target) != "127.0.0.1":
        assert "Cookie" not in redirected.headers


def urlhost(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


def test_an_unreachable_robots_txt_disallows_everything() -> None:
    rules = Unreachable("robots.txt answered HTTP 503")
    assert not rules.allowed("http://news.example/opinion/x/", "newsarchive")
    assert rules.reason == "robots_unavailable"
