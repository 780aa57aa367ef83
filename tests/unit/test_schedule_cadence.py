"""When sources are due: schedules from sources.yaml as APScheduler triggers, and the first run
of a freshly started scheduler given what the run store remembers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.schedule import Cadence
from pipeline.schedule.cadence import schedule_problem

NOW = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "seconds"), [("45s", 45), ("30m", 1800), ("6h", 21600), ("1d", 86400)]
)
def test_intervals_are_read_in_seconds(text: str, seconds: float) -> None:
    cadence = Cadence.parse(text)
    assert cadence.interval == seconds
    assert isinstance(cadence.trigger(), IntervalTrigger)


def test_macros_and_cron_lines_become_cron_triggers_in_utc() -> None:
    daily = Cadence.parse("@daily").trigger(jitter=0)
    assert isinstance(daily, CronTrigger)
    assert daily.get_next_fire_time(None, NOW) == datetime(2026, 3, 5, 0, 0, tzinfo=UTC)
    six_hourly = Cadence.parse("0 */6 * * *").trigger(jitter=0)
    assert six_hourly.get_next_fire_time(None, NOW) == datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def test_cron_weekdays_count_from_sunday_as_in_crontab() -> None:
    sundays = Cadence.parse("0 5 * * 0").trigger(jitter=0)
    assert sundays.get_next_fire_time(None, NOW) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
    weekdays = Cadence.parse("0 5 * * 1-5").trigger(jitter=0)
    assert weekdays.get_next_fire_time(None, NOW) == datetime(2026, 3, 5, 5, 0, tzinfo=UTC)


def test_something_else_is_refused() -> None:
    with pytest.raises(ValueError, match="not an interval or a cron expression"):
        Cadence.parse("every tuesday")


def test_jitter_defaults_to_a_tenth_of_the_period_capped_at_five_minutes() -> None:
    assert Cadence.parse("10m").default_jitter() == 60
    assert Cadence.parse("1d").default_jitter() == 300
    assert Cadence.parse("@hourly").default_jitter() == 300
    assert Cadence.parse("30m").trigger(jitter=7).jitter == 7


def test_a_source_never_run_runs_at_once() -> None:
    assert Cadence.parse("6h").first_run(last_start=None, last_finished_ok=False, now=NOW) == NOW


def test_an_interrupted_last_run_resumes_at_once() -> None:
    recent = NOW - timedelta(minutes=5)
    assert Cadence.parse("6h").first_run(last_start=recent, last_finished_ok=False, now=NOW) == NOW


def test_after_a_restart_an_interval_continues_from_the_last_start() -> None:
    last = NOW - timedelta(hours=1)
    first = Cadence.parse("6h").first_run(last_start=last, last_finished_ok=True, now=NOW)
    assert first == last + timedelta(hours=6)


def test_slots_missed_while_down_give_one_run_at_once_not_one_per_slot() -> None:
    last = NOW - timedelta(days=3)
    assert Cadence.parse("6h").first_run(last_start=last, last_finished_ok=True, now=NOW) == NOW
    assert (
        Cadence.parse("@hourly").first_run(last_start=last, last_finished_ok=True, now=NOW) == NOW
    )


def test_a_cron_source_run_in_its_current_slot_waits_for_the_next_slot() -> None:
    last = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)  # ran at today's midnight slot
    first = Cadence.parse("@daily").first_run(last_start=last, last_finished_ok=True, now=NOW)
    assert first == datetime(2026, 3, 5, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["soon", "0 */6 * *", "61 * * * *", "0 24 * * *", "0m", "1 2 3 4 x!"]
)
def test_what_sources_yaml_refuses_the_scheduler_refuses_too(text: str) -> None:
    """One grammar: pipeline.sources validates with schedule_problem, the scheduler parses."""
    problem = schedule_problem(text)
    assert problem is not None
    with pytest.raises(ValueError, match=re.escape(problem)):
        Cadence.parse(text)


@pytest.mark.parametrize("text", ["45s", "30m", "@daily", "@HOURLY", "0 */6 * * *", "0 5 * * 1-5"])
def test_what_sources_yaml_accepts_the_scheduler_can_run(text: str) -> None:
    assert schedule_problem(text) is None
    assert Cadence.parse(text).trigger(jitter=0) is not None


def test_reading_sources_does_not_load_the_scheduler() -> None:
    """A crawl loads sources.yaml while its first requests are being timed (Crawl-delay): the
    grammar it shares with the scheduler must not bring the service and the ES client along."""
    code = (
        "import sys, pipeline.sources; "
        "print(sorted(m for m in ('pipeline.schedule.service', 'pipeline.schedule.runner', "
        "'pipeline.index') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
