"""The fleet's seen-set as a Scrapy dupefilter: a Bloom filter shared by every worker of a run.

scrapy-redis's Scheduler builds it with ``from_spider`` (so the key can name the source). Its
memory is fixed by two settings: NEWSARCHIVE_SEEN_CAPACITY (n, URLs per source and run) and
NEWSARCHIVE_SEEN_ERROR_RATE (p); see pipeline/crawl/distributed/bloom.py for the formulas and
docs/distributed.md for what a false positive costs.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.dupefilters import BaseDupeFilter
from scrapy_redis.connection import get_redis_from_settings  # type: ignore[import-untyped]

from pipeline.crawl.distributed.bloom import BloomSize, RedisBloom

log = logging.getLogger(__name__)


def bloom_size(settings: Any) -> BloomSize:
    """The filter shape the settings ask for."""
    return BloomSize.for_capacity(
        settings.getint("NEWSARCHIVE_SEEN_CAPACITY"),
        settings.getfloat("NEWSARCHIVE_SEEN_ERROR_RATE"),
    )


class BloomDupeFilter(BaseDupeFilter):
    """``request_seen`` through a Redis Bloom filter keyed by the request fingerprint."""

    def __init__(self, bloom: RedisBloom, fingerprinter: Any, debug: bool = False) -> None:
        self.bloom = bloom
        self.fingerprinter = fingerprinter
        self.debug = debug
        self._logged = False

    @classmethod
    def from_spider(cls, spider: Any) -> BloomDupeFilter:
        settings = spider.settings
        key = settings.get("SCHEDULER_DUPEFILTER_KEY") % {"spider": spider.name}
        bloom = RedisBloom(get_redis_from_settings(settings), key, bloom_size(settings))
        bloom.allocate()
        return cls(
            bloom, spider.crawler.request_fingerprinter, settings.getbool("DUPEFILTER_DEBUG")
        )

    def request_seen(self, request: Request) -> bool:
        return self.bloom.add(self.fingerprinter.fingerprint(request))

    def clear(self) -> None:
        """Called by scrapy-redis's Scheduler.flush (never with SCHEDULER_PERSIST on)."""
        self.bloom.clear()

    def log(self, request: Request, spider: Any) -> None:
        if self.debug or not self._logged:
            log.debug("filtered duplicate request %s", request)
            self._logged = True
