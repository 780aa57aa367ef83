"""robots.txt as RFC 9309 says, not as Scrapy defaults: an unavailable file means "stay out".

RFC 9309 section 2.3.1: a 4xx answer ("unavailable") lets the crawler go anywhere, but a 5xx answer
or an unreachable server ("unreachable") means the crawler must assume complete disallow. Scrapy's
middleware treats every failure as allow-all; this subclass keeps its fetching and caching and only
changes what a failure means. Requests refused this way are recorded as ``robots_unavailable``.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from twisted.internet.defer import Deferred

from pipeline.crawl.safety.reasons import refusal_reason
from pipeline.crawl.safety.refusal import ROBOTS_UNAVAILABLE, Refused


class Unreachable(RobotParser):
    """Stands in for the rules of a host whose robots.txt could not be read: nothing allowed.

    ``reason`` is what requests to the host are refused as: ``robots_unavailable``, or
    ``ssrf_blocked`` when the safety layer refused the robots.txt fetch itself (a host name whose
    DNS answer points inside is first dialled for its robots.txt).
    """

    def __init__(self, why: str, reason: str = ROBOTS_UNAVAILABLE) -> None:
        self.why = why
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Any, robotstxt_body: bytes) -> Unreachable:
        return cls("unreachable")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class Rfc9309RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's failure semantics."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if 500 <= status < 600:
            self._set_rules(netloc, Unreachable(f"robots.txt answered HTTP {status}"))
            self._stats.inc_value(f"robotstxt/response_status_count/{status}")
            return
        if 400 <= status < 500:
            # "Unavailable": no rules at all. An empty file parses to allow-all.
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc).__name__}")
        refused = refusal_reason(exc, f"http://{netloc}/robots.txt")
        if refused is not None:
            self._set_rules(netloc, Unreachable(refused[1], refused[0]))
        else:
            self._set_rules(netloc, Unreachable(f"robots.txt unreachable: {exc}"))

    def _set_rules(self, netloc: str, rules: RobotParser) -> None:
        pending = self._parsers[netloc]
        self._parsers[netloc] = rules
        if isinstance(pending, Deferred):
            pending.callback(rules)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, Unreachable):
            self._stats.inc_value("robotstxt/unreachable_denied")
            raise Refused(rp.reason, rp.why)
        super().process_request_2(rp, request)
