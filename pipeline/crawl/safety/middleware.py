"""Downloader middleware: refuse unsafe requests before they are queued for a connection.

Runs on every request, including each redirect hop and robots.txt fetches, because Scrapy sends the
requests redirects produce back through the whole middleware chain. It refuses non-http(s) schemes,
over-long URLs and IP literals (in every encoding) that point inside; names are judged at dial time
by ``pipeline.crawl.safety.resolver.GuardedResolver``,
which this middleware insists is installed, since
without it a name resolving to an internal address would be dialled.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import load_object
from w3lib.url import safe_url_string

from pipeline.crawl.safety.netpolicy import AddressPolicy
from pipeline.crawl.safety.refusal import OFFSITE_REDIRECT, Refused
from pipeline.crawl.safety.resolver import GuardedResolver
from pipeline.exceptions import UnguardedResolverError

log = logging.getLogger(__name__)


class SafetyMiddleware:
    """Refuse, with a ledger reason, requests whose URL alone shows they are unsafe."""

    def __init__(self, crawler: Crawler, policy: AddressPolicy) -> None:
        self.crawler = crawler
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        settings = crawler.settings
        resolver = load_object(settings.get("TWISTED_DNS_RESOLVER"))
        if not (isinstance(resolver, type) and issubclass(resolver, GuardedResolver)):
            raise UnguardedResolverError(
                f"TWISTED_DNS_RESOLVER is {settings.get('TWISTED_DNS_RESOLVER')!r}; the crawl "
                "needs pipeline.crawl.safety.resolver.GuardedResolver to check dialled addresses"
            )
        policy = AddressPolicy.from_settings(
            settings.get("NEWSARCHIVE_ALLOWED_NETWORKS"),
            settings.getint("NEWSARCHIVE_MAX_URL_LENGTH"),
        )
        return cls(crawler, policy)

    def process_request(self, request: Request) -> None:
        refusal = self.policy.url_refusal(request.url)
        if refusal is not None:
            if self.crawler.stats:
                self.crawler.stats.inc_value(f"safety/refused/{refusal.reason}")
            log.info("refused %s: %s", request.url[:200], refusal.detail)
            raise refusal


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectGuardMiddleware:
    """Judge a redirect's target before Scrapy's RedirectMiddleware turns it into a request.

    Sits closer to the downloader than RedirectMiddleware (600) so it sees the 3xx first. Without
    it an unsafe or off-source redirect would still never be dialled (the SafetyMiddleware, the
    guarded resolver and Scrapy's OffsiteMiddleware stop it), but Scrapy drops off-source requests
    at scheduling time without calling any errback, so the page that redirected would vanish from
    the ledger. Raising here hands the refusal to the original request's errback instead.
    """

    def __init__(self, crawler: Crawler, policy: AddressPolicy) -> None:
        self.crawler = crawler
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        settings = crawler.settings
        policy = AddressPolicy.from_settings(
            settings.get("NEWSARCHIVE_ALLOWED_NETWORKS"),
            settings.getint("NEWSARCHIVE_MAX_URL_LENGTH"),
        )
        return cls(crawler, policy)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        target = urljoin(request.url, safe_url_string(location))
        refusal = self.policy.url_refusal(target)
        # robots.txt may redirect to another host (RFC 9309 allows five hops): safety only.
        robots = bool(request.meta.get("dont_obey_robotstxt"))
        if refusal is None and not robots:
            source = getattr(self.crawler.spider, "source", None)
            if source is not None and not source.allows(target):
                refusal = Refused(OFFSITE_REDIRECT, "target is not on the source's domains")
        if refusal is None:
            return response
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"safety/refused/{refusal.reason}")
        log.info("refused redirect %s -> %s: %s", request.url, target[:200], refusal.detail)
        raise Refused(refusal.reason, f"redirect to {target[:300]}: {refusal.detail}")
