"""The pure parts of fleet-wide politeness: key names, the choice of gap, settings, Crawl-delay.

The Redis side (the Lua script, leases, real crawler processes) is exercised against a real
Redis server in tests/integration/test_fleet_politeness.py.
"""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from pipeline.crawl.distributed.politeness import (
    LEASE_MARGIN_SECONDS,
    FleetConfig,
    FleetPolitenessMiddleware,
    Gap,
    choose_gap,
    fleet_keys,
    local_slot,
)
from pipeline.crawl.runner import own_settings

PROJECT = Settings()
PROJECT.setmodule("pipeline.settings", priority="project")


# ---------------------------------------------------------------------------- key names


def test_keys_are_per_host_and_share_a_cluster_hash_tag() -> None:
    keys = fleet_keys("np", "News.Example.COM.")
    assert keys.leases == "np:{news.example.com}:leases"
    assert keys.pace == "np:{news.example.com}:pace"


def test_subdomains_are_separate_hosts() -> None:
    assert fleet_keys("np", "www.example.com") != fleet_keys("np", "cdn.example.com")


def test_a_request_without_a_host_has_no_key() -> None:
    with pytest.raises(ValueError, match="host"):
        fleet_keys("np", " ")


def test_fleet_paced_requests_use_their_own_download_slot() -> None:
    assert local_slot("news.example.com") == "fleet:news.example.com"


# ---------------------------------------------------------------------------- the gap


def test_without_jitter_the_gap_is_the_configured_delay() -> None:
    assert choose_gap(0.5, 0.0, None, 60.0, draw=0.7) == Gap(floor=0.5, after=0.5)


def test_jitter_spreads_the_imposed_gap_like_scrapy_does() -> None:
    assert choose_gap(1.0, 0.5, None, 60.0, draw=-1.0) == Gap(floor=0.5, after=0.5)
    assert choose_gap(1.0, 0.5, None, 60.0, draw=1.0) == Gap(floor=0.5, after=1.5)
    assert choose_gap(1.0, 0.5, None, 60.0, draw=0.0) == Gap(floor=0.5, after=1.0)


def test_a_longer_crawl_delay_wins_and_is_a_hard_floor() -> None:
    assert choose_gap(0.5, 0.5, 2.0, 60.0, draw=1.0) == Gap(floor=2.0, after=2.0)


def test_a_shorter_crawl_delay_does_not_speed_the_crawl_up() -> None:
    assert choose_gap(0.5, 0.0, 0.1, 60.0, draw=0.0) == Gap(floor=0.5, after=0.5)


def test_an_absurd_crawl_delay_is_capped() -> None:
    assert choose_gap(0.5, 0.0, 86_400.0, 60.0, draw=0.0) == Gap(floor=60.0, after=60.0)


def test_nonsense_values_never_give_a_negative_gap() -> None:
    assert choose_gap(1.0, 3.0, -5.0, 60.0, draw=-1.0) == Gap(floor=0.0, after=0.0)


# ---------------------------------------------------------------------------- settings


def test_in_fleet_mode_the_project_politeness_settings_become_fleet_wide() -> None:
    settings = PROJECT.copy()
    settings.set("NEWSARCHIVE_REDIS_URL", "redis://frontier:6379/0")
    config = FleetConfig.from_settings(settings)
    assert config.redis_url == "redis://frontier:6379/0"
    assert (config.delay, config.jitter, config.concurrency) == (0.5, 0.5, 4)
    assert config.max_crawl_delay == 60.0
    assert config.fail_open is True
    assert config.user_agent.startswith("newsarchive/")


def test_a_politeness_only_redis_url_takes_precedence_over_the_frontiers() -> None:
    settings = PROJECT.copy()
    settings.set("NEWSARCHIVE_REDIS_URL", "redis://frontier:6379/0")
    settings.set("NEWSARCHIVE_FLEET_REDIS_URL", "redis://politeness:6379/1")
    assert FleetConfig.from_settings(settings).redis_url == "redis://politeness:6379/1"


def test_without_any_redis_url_the_middleware_stays_out_of_the_way() -> None:
    crawler = get_crawler(
        Spider, own_settings({"NEWSARCHIVE_REDIS_URL": "", "NEWSARCHIVE_FLEET_REDIS_URL": ""})
    )
    with pytest.raises(NotConfigured):
        FleetPolitenessMiddleware.from_crawler(crawler)


# ---------------------------------------------------------------------------- Crawl-delay


def middleware(user_agent: str = "newsarchive/1.0 (test)") -> FleetPolitenessMiddleware:
    crawler = get_crawler(
        Spider,
        own_settings(
            {
                "NEWSARCHIVE_FLEET_REDIS_URL": "redis://127.0.0.1:1/0",  # never dialled here
                "USER_AGENT": user_agent,
                "DOWNLOAD_TIMEOUT": 30,
            }
        ),
    )
    return FleetPolitenessMiddleware.from_crawler(crawler)


ROBOTS = b"""User-agent: newsarchive
Crawl-delay: 3

User-agent: *
Crawl-delay: 1
Disallow: /private/
"""


def parsed(body: bytes) -> ProtegoRobotParser:
    return ProtegoRobotParser(body, None)


def test_the_crawl_delay_for_our_user_agent_is_kept_per_host_and_port() -> None:
    mw = middleware()
    mw.robots_parsed(parsed(ROBOTS), Request("https://news.example.com:8443/world/"))
    assert mw.crawl_delays == {"news.example.com:8443": 3.0}


def test_another_agents_crawl_delay_falls_back_to_the_wildcard_group() -> None:
    mw = middleware(user_agent="otherbot/2.0")
    mw.robots_parsed(parsed(ROBOTS), Request("https://news.example.com/"))
    assert mw.crawl_delays == {"news.example.com": 1.0}


def test_robots_without_crawl_delay_leave_the_configured_delay_alone() -> None:
    mw = middleware()
    mw.robots_parsed(parsed(b"User-agent: *\nDisallow:\n"), Request("https://news.example.com/"))
    assert mw.crawl_delays == {}


def test_a_lease_outlives_the_requests_download_timeout() -> None:
    mw = middleware()
    assert mw._lease_seconds(Request("https://a.example/")) == 30 + LEASE_MARGIN_SECONDS
    slow = Request("https://a.example/", meta={"download_timeout": 90})
    assert mw._lease_seconds(slow) == 90 + LEASE_MARGIN_SECONDS
