"""How the Crawl-delay middleware reads robots.txt and what it does to a host's download slot.

The slot is Scrapy's own ``Slot``; the engine around it is a stand-in holding the downloader's
slots, the only part of it the middleware touches.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.exceptions import NotConfigured
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from pipeline.crawl.crawldelay import CrawlDelayMiddleware
from pipeline.crawl.runner import own_settings

ROBOTS = Request("https://news.example/robots.txt")
PAGE = Request("https://news.example/world/2026/11/28/harbor-fares/")


def middleware(**settings: object) -> CrawlDelayMiddleware:
    crawler = get_crawler(
        Spider, settings_dict=own_settings({"USER_AGENT": "newsarchive", **settings})
    )
    crawler.stats.open_spider()
    mw = CrawlDelayMiddleware.from_crawler(crawler)
    slots: dict[str, Slot] = {}
    downloader = SimpleNamespace(slots=slots, get_slot_key=lambda r: r.url.split("/")[2])
    crawler.engine = SimpleNamespace(downloader=downloader)  # type: ignore[assignment]
    return mw


def robots(mw: CrawlDelayMiddleware, body: str) -> None:
    mw.robots_parsed(ProtegoRobotParser(body.encode(), None), ROBOTS)


def slot(mw: CrawlDelayMiddleware, delay: float, jitter: float) -> Slot:
    made = Slot(concurrency=4, delay=delay, jitter=jitter)
    assert mw.crawler.engine is not None
    mw.crawler.engine.downloader.slots["news.example"] = made
    return made


def test_a_crawl_delay_above_the_slots_shortest_gap_becomes_the_gap_without_jitter() -> None:
    mw = middleware()
    robots(mw, "User-agent: *\nCrawl-delay: 2\n")
    held = slot(mw, delay=0.5, jitter=0.5)
    mw.process_request(PAGE)
    assert (held.delay, held.jitter) == (2.0, 0.0)


def test_a_slower_slot_is_left_alone_and_autothrottle_cannot_undercut_the_delay() -> None:
    mw = middleware()
    robots(mw, "User-agent: *\nCrawl-delay: 1\n")
    held = slot(mw, delay=4.0, jitter=0.5)  # shortest draw 2.0 s: already polite enough
    mw.process_request(PAGE)
    assert (held.delay, held.jitter) == (4.0, 0.5)
    held.delay = 0.2  # what AutoThrottle does after fast answers
    mw.response_downloaded(SimpleNamespace(), PAGE)  # type: ignore[arg-type]
    assert held.delay == 1.0


def test_a_crawl_delay_past_the_cap_is_honoured_up_to_the_cap_and_counted() -> None:
    mw = middleware(NEWSARCHIVE_MAX_CRAWL_DELAY=10)
    robots(mw, "User-agent: *\nCrawl-delay: 3600\n")
    held = slot(mw, delay=0.5, jitter=0.0)
    mw.process_request(PAGE)
    assert held.delay == 10.0
    assert mw.crawler.stats.get_value("newsarchive/crawl_delay/capped") == 1


def test_our_own_group_wins_over_the_wildcard() -> None:
    mw = middleware()
    robots(mw, "User-agent: newsarchive\nCrawl-delay: 5\n\nUser-agent: *\nCrawl-delay: 1\n")
    assert mw.delays == {"news.example": 5.0}


def test_no_crawl_delay_changes_nothing() -> None:
    mw = middleware()
    robots(mw, "User-agent: *\nDisallow: /private/\n")
    held = slot(mw, delay=0.5, jitter=0.5)
    mw.process_request(PAGE)
    assert (held.delay, held.jitter) == (0.5, 0.5)


@pytest.mark.parametrize(
    "settings",
    [{"NEWSARCHIVE_MAX_CRAWL_DELAY": 0}, {"NEWSARCHIVE_FLEET_REDIS_URL": "redis://127.0.0.1:1"}],
)
def test_switched_off_or_in_fleet_mode_the_middleware_stands_aside(
    settings: dict[str, object],
) -> None:
    with pytest.raises(NotConfigured):
        middleware(**settings)
