"""Key names and the settings switch of distributed mode: runs and sources never share keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.crawl.distributed.keys import RunKeys, check_run_name, key_patterns, taken_key
from pipeline.crawl.distributed.switch import default_run_name
from pipeline.crawl.runner import crawl_settings


def test_keys_are_namespaced_by_run_and_source() -> None:
    keys = RunKeys("20261128", "demo")
    assert keys.queue == "newsarchive:20261128:demo:requests"
    assert keys.taken == "newsarchive:20261128:demo:requests:taken"
    assert keys.seen == "newsarchive:20261128:demo:seen"
    assert keys.seeded == "newsarchive:20261128:demo:seeded"
    others = [RunKeys("20261129", "demo"), RunKeys("20261128", "other")]
    for other in others:
        assert not set(other.all()) & set(keys.all())


def test_scrapy_redis_gets_patterns_that_name_the_same_keys() -> None:
    patterns = key_patterns("run1")
    keys = RunKeys("run1", "demo")
    assert patterns["SCHEDULER_QUEUE_KEY"] % {"spider": "demo"} == keys.queue
    assert patterns["SCHEDULER_DUPEFILTER_KEY"] % {"spider": "demo"} == keys.seen
    assert taken_key(keys.queue) == keys.taken


@pytest.mark.parametrize("name", ["", "a b", "run:1", "50%", "-x", "x" * 65])
def test_run_names_that_would_break_key_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        check_run_name(name)


def test_the_default_run_is_the_utc_day() -> None:
    assert default_run_name(datetime(2026, 11, 28, 23, 59, tzinfo=UTC)) == "20261128"


def test_without_a_redis_url_the_crawl_settings_stay_single_machine() -> None:
    settings = crawl_settings({"NEWSARCHIVE_REDIS_URL": ""})
    assert settings.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"
    assert "pipeline.crawl.pipelines.IndexPipeline" in settings.getdict("ITEM_PIPELINES")
    assert "pipeline.crawl.distributed.tracking.LeaseTrackingMiddleware" not in settings.getdict(
        "SPIDER_MIDDLEWARES"
    )


def test_a_redis_url_switches_on_scrapy_redis_with_leases_and_the_bloom_filter() -> None:
    settings = crawl_settings(
        {"NEWSARCHIVE_REDIS_URL": "redis://10.0.0.5:6379/0", "NEWSARCHIVE_RUN_NAME": "nightly"}
    )
    assert settings.get("REDIS_URL") == "redis://10.0.0.5:6379/0"
    assert settings.get("SCHEDULER") == "pipeline.crawl.distributed.scheduler.DistributedScheduler"
    assert (
        settings.get("SCHEDULER_QUEUE_CLASS")
        == "pipeline.crawl.distributed.queue.LeasedPriorityQueue"
    )
    assert (
        settings.get("DUPEFILTER_CLASS") == "pipeline.crawl.distributed.dupefilter.BloomDupeFilter"
    )
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings.get("SCHEDULER_QUEUE_KEY") == "newsarchive:nightly:%(spider)s:requests"
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert "pipeline.crawl.pipelines.IndexPipeline" not in pipelines
    assert pipelines["pipeline.crawl.distributed.indexing.LeasedIndexPipeline"] == 400
    assert "pipeline.crawl.distributed.tracking.LeaseTrackingMiddleware" in settings.getdict(
        "SPIDER_MIDDLEWARES"
    )


def test_the_distributed_flag_without_a_redis_url_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.cli import main

    monkeypatch.delenv("NEWSARCHIVE_REDIS_URL", raising=False)
    with pytest.raises(SystemExit, match="--redis-url or NEWSARCHIVE_REDIS_URL"):
        main(["crawl", "--distributed", "--source", "demo"])
