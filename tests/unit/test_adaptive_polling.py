"""Adaptive polling as a rule: the interval follows the arrival rate of new articles within the
source's bounds, lengthens when a source goes quiet, backs off on errors and disables the source
after repeated failures, saying why each time."""

from __future__ import annotations

import pytest

from pipeline.schedule.adaptive import (
    ACTIVE,
    DISABLED,
    PollOutcome,
    PollPolicy,
    PollState,
    next_poll,
    poll_outcome,
)

POLICY = PollPolicy(
    min_seconds=60, max_seconds=86400, target_new=1.0, growth=1.5, error_backoff=2.0, max_failures=5
)


def simulate(period: float, start: float, polls: int, run_seconds: float = 0.0) -> list[float]:
    """Intervals of a source whose feed gains one article every ``period`` seconds."""
    state = PollState(start)
    clock, published_before = 0.0, 0
    intervals = []
    elapsed = None
    for _ in range(polls):
        published = int(clock // period)
        outcome = PollOutcome(new=published - published_before if elapsed is not None else 3)
        state = next_poll(state, outcome, elapsed, POLICY)
        published_before = published
        intervals.append(state.interval)
        elapsed = state.interval + run_seconds
        clock += elapsed
    return intervals


@pytest.mark.parametrize("start", [60.0, 3600.0, 86400.0])
def test_a_steady_feed_brings_the_interval_to_its_arrival_period_from_any_start(
    start: float,
) -> None:
    intervals = simulate(period=900, start=start, polls=40)
    assert all(POLICY.min_seconds <= i <= POLICY.max_seconds for i in intervals)
    settled = intervals[-10:]
    assert all(900 / 2 <= i <= 900 * 2 for i in settled), settled


def test_the_run_time_counts_as_elapsed_so_the_rate_is_still_estimated_right() -> None:
    settled = simulate(period=900, start=60, polls=40, run_seconds=120)[-10:]
    assert all(900 / 2 <= i <= 900 * 2 for i in settled), settled


def test_the_bounds_hold_for_feeds_faster_and_slower_than_they_allow() -> None:
    assert simulate(period=5, start=3600, polls=30)[-1] == POLICY.min_seconds
    assert simulate(period=10 * 86400, start=3600, polls=60)[-1] == POLICY.max_seconds


def test_a_feed_that_goes_quiet_is_read_less_and_less_often_up_to_max() -> None:
    state = PollState(600)
    seen = []
    for _ in range(20):
        state = next_poll(state, PollOutcome(new=0), 600, POLICY)
        seen.append(state.interval)
    assert seen[:3] == [900, 1350, 2025]
    assert seen == sorted(seen) and seen[-1] == POLICY.max_seconds
    assert state.reason.startswith("nothing new") and state.reason.endswith("(at the bound)")


def test_errors_back_off_then_disable_the_source_with_the_last_error_as_status() -> None:
    state = PollState(600)
    for n in range(1, 5):
        state = next_poll(state, PollOutcome(0, "fetch/http_500 x1"), 600, POLICY)
        assert (state.status, state.failures, state.interval) == (ACTIVE, n, 600 * 2**n)
        assert f"{n} of 5 failures" in state.reason
    state = next_poll(state, PollOutcome(0, "fetch/http_500 x1"), 600, POLICY)
    assert state.status == DISABLED
    assert state.reason == "disabled after 5 failed polls in a row; last: fetch/http_500 x1"


def test_a_good_poll_clears_the_failures() -> None:
    state = next_poll(PollState(600), PollOutcome(0, "timeout"), 600, POLICY)
    state = next_poll(state, PollOutcome(new=2), 1200, POLICY)
    assert (state.failures, state.status) == (0, ACTIVE)


def test_a_run_is_a_failed_poll_when_it_failed_or_nothing_of_it_could_be_read() -> None:
    assert poll_outcome("failed", {}, "exit code 1").error == "exit code 1"
    unreadable = {"indexed": 0, "skipped": 1, "skipped_by_reason": {"fetch/http_500": 1}}
    assert poll_outcome("succeeded", unreadable, None).error == (
        "nothing could be read (fetch/http_500 x1)"
    )
    quiet = {"indexed": 0, "skipped": 1, "skipped_by_reason": {"fetch/not_modified": 1}}
    assert poll_outcome("succeeded", quiet, None) == PollOutcome(0)
    news = {"indexed": 4, "unchanged": 2, "skipped_by_reason": {"fetch/http_404": 1}}
    assert poll_outcome("succeeded", news, None) == PollOutcome(4)
