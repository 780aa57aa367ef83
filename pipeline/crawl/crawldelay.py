"""robots.txt ``Crawl-delay`` for a single-machine crawl: a host that asks for it gets it.

Scrapy parses ``Crawl-delay`` (``RobotParser.crawl_delay``) and never uses it: a site asking
for 10 s between requests still gets ``DOWNLOAD_DELAY``, and AutoThrottle may go lower still.
This middleware keeps each host's Crawl-delay for our user agent (from the ``robots_parsed``
signal the robots middleware sends) and raises the host's download slot to it:

* before each request to the host (``process_request``, the slot exists by then: the robots.txt
  fetch created it), and after each response (``response_downloaded``), because AutoThrottle
  lowers the slot's delay on responses and the next queued request would otherwise go out
  after the lowered one;
* only ever upwards: a configured delay or an AutoThrottle delay above the Crawl-delay stands;
* with no jitter below it: Scrapy draws each gap from ``delay * (1 +/- jitter)``, so a slot
  whose shortest draw would fall under the Crawl-delay gets exactly the Crawl-delay instead;
* capped at ``NEWSARCHIVE_MAX_CRAWL_DELAY`` (seconds; 0 ignores Crawl-delay): a longer one is
  honoured up to the cap, logged once and counted.

The robots.txt request itself goes out before the delay is known, as in the fleet. In fleet
mode (a Redis URL set) ``pipeline.crawl.distributed.politeness`` spaces requests fleet-wide and
honours Crawl-delay itself, so this middleware stands aside.
"""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

from pipeline.crawl.ledger import STAT_PREFIX

log = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    """Downloader middleware: each host's download slot is kept at or above its Crawl-delay."""

    def __init__(self, crawler: Crawler, max_delay: float, user_agent: str) -> None:
        self.crawler = crawler
        self.max_delay = max_delay
        self.user_agent = user_agent
        self.delays: dict[str, float] = {}  # host name -> honoured Crawl-delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        settings = crawler.settings
        if settings.get("NEWSARCHIVE_FLEET_REDIS_URL") or settings.get("NEWSARCHIVE_REDIS_URL"):
            raise NotConfigured("fleet politeness honours Crawl-delay for the whole fleet")
        max_delay = settings.getfloat("NEWSARCHIVE_MAX_CRAWL_DELAY")
        if max_delay <= 0:
            raise NotConfigured("NEWSARCHIVE_MAX_CRAWL_DELAY is 0: Crawl-delay ignored")
        agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or ""
        middleware = cls(crawler, max_delay, agent)
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent)
        host = urlparse_cached(request).hostname
        if not asked or asked <= 0 or not host:
            return
        honoured = min(float(asked), self.max_delay)
        self.delays[host] = honoured
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"{STAT_PREFIX}/crawl_delay/hosts")
        if asked > self.max_delay:
            if stats is not None:
                stats.inc_value(f"{STAT_PREFIX}/crawl_delay/capped")
            log.warning(
                "robots.txt of %s asks for Crawl-delay %.1fs; honouring %.1fs "
                "(NEWSARCHIVE_MAX_CRAWL_DELAY)",
                host,
                asked,
                honoured,
            )
        else:
            log.info("robots.txt of %s asks for Crawl-delay %.1fs: honoured", host, asked)

    def process_request(self, request: Request) -> None:
        self._hold(request)

    def response_downloaded(self, response: Response, request: Request) -> None:
        self._hold(request)

    def _hold(self, request: Request) -> None:
        """Raise the request's download slot to its host's Crawl-delay, if it is below."""
        host = urlparse_cached(request).hostname
        delay = self.delays.get(host or "")
        engine = self.crawler.engine
        if not delay or engine is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and slot.delay * (1 - slot.jitter) < delay:
            slot.delay, slot.jitter = delay, 0.0
