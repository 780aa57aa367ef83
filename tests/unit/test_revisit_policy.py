"""The revisit schedule: young articles often, old ones rarely, from the URL store's dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline import settings
from pipeline.crawl.state.revisit import RevisitPolicy
from pipeline.crawl.state.urlstore import UrlRecord, UrlStore

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
NEWSDIFFS = RevisitPolicy.parse(settings.NEWSARCHIVE_REVISIT)


def record(first: timedelta, last: timedelta) -> UrlRecord:
    """A URL first fetched ``first`` ago and last fetched ``last`` ago."""
    return UrlRecord(
        url="https://example.org/a/",
        canonical_url="https://example.org/a/",
        etag='"x"',
        last_modified=None,
        content_hash="h",
        last_seen=NOW - last,
        last_status=200,
        first_seen=NOW - first,
    )


def test_the_default_is_newsdiffs_decaying_schedule() -> None:
    assert NEWSDIFFS is not None
    h, d = timedelta(hours=1), timedelta(days=1)
    assert [NEWSDIFFS.interval(age) for age in (h, 2 * d, 10 * d, 60 * d)] == [
        timedelta(minutes=15),
        3 * h,
        3 * d,
        30 * d,
    ]
    assert NEWSDIFFS.interval(5 * h) == h


def test_an_article_is_due_once_the_interval_of_its_age_has_passed() -> None:
    assert NEWSDIFFS is not None
    m = timedelta(minutes=1)
    assert NEWSDIFFS.due(record(first=60 * m, last=16 * m), NOW)
    assert not NEWSDIFFS.due(record(first=60 * m, last=10 * m), NOW)
    assert not NEWSDIFFS.due(record(first=timedelta(days=2), last=60 * m), NOW)  # 3-hourly now
    assert NEWSDIFFS.due(record(first=timedelta(days=2), last=200 * m), NOW)


def test_without_a_catch_all_step_old_articles_are_never_revisited() -> None:
    policy = RevisitPolicy.parse("3h=15m 1d=1h")
    assert policy is not None and policy.interval(timedelta(days=2)) is None
    assert not policy.due(record(first=timedelta(days=2), last=timedelta(days=1)), NOW)


def test_an_empty_setting_is_off_and_mistakes_are_named() -> None:
    assert RevisitPolicy.parse("") is None
    with pytest.raises(ValueError, match="AGE=INTERVAL"):
        RevisitPolicy.parse("3h")
    with pytest.raises(ValueError, match="15m, 3h or 30d"):
        RevisitPolicy.parse("3hours=15m")
    with pytest.raises(ValueError, match="ages must grow"):
        RevisitPolicy.parse("1d=1h 3h=15m")


def test_the_url_store_keeps_the_first_fetch_time_across_later_writes(tmp_path: Path) -> None:
    # Writers do not know the first fetch time; the store does, from the row's first write.
    first = replace(record(first=timedelta(0), last=timedelta(hours=5)), first_seen=None)
    second = replace(first, last_seen=NOW - timedelta(hours=1), last_status=304)
    third = replace(first, last_seen=NOW, etag='"y"')
    with UrlStore(tmp_path / "urls.sqlite3") as store:
        for r in (first, second, third):
            store.put_many([r])
        kept = store.get(first.url)
        assert kept is not None
        assert kept.first_seen == first.last_seen and kept.last_seen == NOW
        assert [r.url for r in store.fetched()] == [first.url]
