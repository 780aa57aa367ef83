"""Adaptive polling: each source re-read at an interval that follows how often it brings news.

The anchor is StormCrawler's ``AdaptiveScheduler``: a fetch that finds change shortens the
interval, one that finds none lengthens it, between a minimum and a maximum. StormCrawler steps
by fixed amounts; here the step comes from the observed arrival rate, so the interval settles
instead of oscillating between the bounds:

* a poll (a crawl run of the source) that brings ``n > 0`` new articles over ``elapsed`` seconds
  since the previous poll estimates a rate ``r = n / elapsed``; the interval moves half-way (in
  log scale: the geometric mean) towards ``target / r``, the interval that would bring
  ``NEWSARCHIVE_POLL_TARGET_NEW`` new articles a poll. With a steady rate it converges
  geometrically to ``target / r``;
* a poll that brings nothing multiplies the interval by ``NEWSARCHIVE_POLL_GROWTH`` (a feed that
  goes quiet is read less and less often, up to ``max``);
* a failed poll multiplies it by ``NEWSARCHIVE_POLL_ERROR_BACKOFF``; after
  ``NEWSARCHIVE_POLL_MAX_FAILURES`` failures in a row the source is disabled, with the last
  error as its status, until the scheduler is started with ``--retry-disabled``.

The first poll of a source only sets the baseline (there is no previous poll to measure a rate
against). Pure functions: the scheduler service applies them and the run store keeps the state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from pipeline.schedule.runs import SUCCEEDED

__all__ = ["ACTIVE", "DISABLED", "PollPolicy", "PollState", "next_poll", "poll_outcome"]

ACTIVE, DISABLED = "active", "disabled"


@dataclass(frozen=True)
class PollPolicy:
    """The bounds of one source and the rule's constants (from ``pipeline.settings``)."""

    min_seconds: float
    max_seconds: float
    target_new: float
    growth: float
    error_backoff: float
    max_failures: int

    def clamp(self, seconds: float) -> float:
        return min(self.max_seconds, max(self.min_seconds, seconds))


@dataclass(frozen=True)
class PollState:
    """Where a source's polling stands: its interval, failures in a row, status and why."""

    interval: float
    failures: int = 0
    status: str = ACTIVE
    reason: str = "first poll"
    polls: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "interval_text": duration(self.interval),
            "failures": self.failures,
            "status": self.status,
            "reason": self.reason,
            "polls": self.polls,
        }


@dataclass(frozen=True)
class PollOutcome:
    """What one poll brought: new articles, or an error."""

    new: int
    error: str | None = None


def poll_outcome(status: str, summary: dict[str, Any], error: str | None) -> PollOutcome:
    """A crawl run as a poll: new articles are the documents it indexed for the first time.

    It failed when the run failed, or when nothing of it could be read: no article indexed,
    updated or unchanged, and every skip a fetch failure other than ``not_modified`` (the feed
    or sitemap answered an error, timed out, or was refused).
    """
    if status != SUCCEEDED:
        return PollOutcome(0, error or status)
    outcomes = sum(int(summary.get(k, 0) or 0) for k in ("indexed", "updated", "unchanged"))
    reasons: dict[str, int] = dict(summary.get("skipped_by_reason") or {})
    failures = {
        r: n for r, n in reasons.items() if r.startswith("fetch/") and r != "fetch/not_modified"
    }
    if not outcomes and failures and len(failures) == len(reasons):
        detail = ", ".join(f"{r} x{n}" for r, n in sorted(failures.items()))
        return PollOutcome(0, f"nothing could be read ({detail})")
    return PollOutcome(int(summary.get("indexed", 0) or 0))


def next_poll(
    state: PollState, outcome: PollOutcome, elapsed: float | None, policy: PollPolicy
) -> PollState:
    """The state after a poll; ``elapsed``: seconds since the previous poll began (None: none)."""
    before = state.interval
    polls = state.polls + 1
    if outcome.error is not None:
        failures = state.failures + 1
        interval = policy.clamp(before * policy.error_backoff)
        if failures >= policy.max_failures:
            return PollState(
                interval,
                failures,
                DISABLED,
                f"disabled after {failures} failed polls in a row; last: {outcome.error}",
                polls,
            )
        why = (
            f"failed ({outcome.error}); backing off {duration(before)} -> {duration(interval)}"
            f" ({failures} of {policy.max_failures} failures before the source is disabled)"
        )
        return PollState(interval, failures, ACTIVE, why, polls)
    if outcome.new > 0 and (elapsed is None or elapsed <= 0):
        why = f"{outcome.new} new; first poll, interval kept at {duration(before)}"
        return replace(state, failures=0, status=ACTIVE, reason=why, polls=polls)
    if outcome.new > 0:
        assert elapsed is not None
        rate = outcome.new / elapsed
        ideal = policy.target_new / rate
        interval = policy.clamp(math.sqrt(before * ideal))
        why = (
            f"{outcome.new} new in {duration(elapsed)}: towards {duration(ideal)}, "
            f"{duration(before)} -> {duration(interval)}"
        )
    else:
        interval = policy.clamp(before * policy.growth)
        why = f"nothing new: {duration(before)} -> {duration(interval)}"
    if interval in {policy.min_seconds, policy.max_seconds}:
        why += " (at the bound)"
    return PollState(interval, 0, ACTIVE, why, polls)


def duration(seconds: float) -> str:
    """``45s``, ``12m30s``, ``3h05m``, ``1d2h``: short and exact enough for logs."""
    s = round(seconds)
    if s < 60:
        return f"{seconds:.1f}s" if seconds < 10 else f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{s // 86400}d{(s % 86400) // 3600}h"
