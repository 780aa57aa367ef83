"""When a source is due: its ``schedule`` from sources.yaml as an APScheduler trigger.

Three spellings are accepted: an interval (``45s``, ``30m``, ``6h``, ``1d``), a cron macro
(``@daily``) or a five-field cron line in UTC. This module is the one grammar of them:
``pipeline.sources`` validates the ``schedule:`` of sources.yaml with :func:`schedule_problem`,
and the scheduler reads it with :meth:`Cadence.parse`. Jitter spreads the runs of many sources so
they do not all hit their sites and the cluster in the same second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL_RE = re.compile(r"([1-9]\d*)([smhd])")
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# crontab counts weekdays from Sunday (0 or 7); APScheduler 3 counts from Monday, so numbers
# are translated to names, which mean the same in both.
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
# (lowest, highest) value of the five cron fields: minute, hour, day of month, month, weekday.
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_FIELD_RE = re.compile(r"[0-9A-Za-z*,/?-]+")
MAX_AUTO_JITTER = 300.0


@dataclass(frozen=True)
class Cadence:
    """A parsed schedule: an interval in seconds, or a cron line (``expression``)."""

    text: str
    interval: float | None = None
    expression: str | None = None

    @classmethod
    def parse(cls, text: str) -> Cadence:
        value = text.strip()
        problem = schedule_problem(value)
        if problem:
            raise ValueError(f"not an interval or a cron expression: {text!r} ({problem})")
        match = _INTERVAL_RE.fullmatch(value)
        if match:
            return cls(value, interval=float(int(match.group(1)) * _UNITS[match.group(2)]))
        return cls(value, expression=_MACROS.get(value.lower(), value))

    def default_jitter(self) -> float:
        """A tenth of the period, at most five minutes (a cron line counts as hourly)."""
        period = self.interval if self.interval is not None else 3600.0
        return min(MAX_AUTO_JITTER, period / 10)

    def trigger(self, jitter: float | None = None) -> BaseTrigger:
        spread = self.default_jitter() if jitter is None else jitter
        spread_seconds = round(spread) or None
        if self.interval is not None:
            return IntervalTrigger(seconds=self.interval, jitter=spread_seconds, timezone=UTC)
        assert self.expression is not None
        minute, hour, day, month, weekday = self.expression.split()
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_weekday_names(weekday),
            jitter=spread_seconds,
            timezone=UTC,
        )

    def first_run(
        self, *, last_start: datetime | None, last_finished_ok: bool, now: datetime
    ) -> datetime:
        """When the scheduler, just started, should first run the source.

        Never run, or the last run did not finish (interrupted, crashed): now, so an interrupted
        crawl resumes at once. Otherwise the next slot after the last start, or now if that slot
        passed while the scheduler was down (one catch-up run, not one per missed slot).
        """
        if last_start is None or not last_finished_ok:
            return now
        if self.interval is not None:
            return max(now, last_start + timedelta(seconds=self.interval))
        nxt = self.trigger(jitter=0).get_next_fire_time(None, last_start + timedelta(seconds=1))
        if nxt is None or nxt <= now:
            return now
        return nxt  # type: ignore[no-any-return]


def interval_seconds(text: str) -> float | None:
    """Seconds of an interval such as ``10m`` or ``1d``; ``None`` for anything else."""
    match = _INTERVAL_RE.fullmatch(text.strip())
    return float(int(match.group(1)) * _UNITS[match.group(2)]) if match else None


def schedule_problem(text: str) -> str | None:
    """Why ``text`` is not a schedule, or None when it is one.

    Only the shape and the numeric ranges are checked (APScheduler checks the rest when the
    trigger is built): a plausible-looking value is what a reader of sources.yaml needs.
    """
    if _INTERVAL_RE.fullmatch(text) or text.lower() in _MACROS:
        return None
    fields = text.split()
    if len(fields) != 5:
        return f"a cron expression has 5 fields, this has {len(fields)}"
    for field, (low, high) in zip(fields, _CRON_RANGES, strict=True):
        if not _CRON_FIELD_RE.fullmatch(field):
            return f"bad cron field {field!r}"
        # Step values (after '/') are counts, not positions, so they are not range-checked.
        positions = re.findall(r"(?<![/\d])\d+", field)
        if any(not low <= int(n) <= high for n in positions):
            return f"cron field {field!r} is outside {low}-{high}"
    return None


def _weekday_names(field: str) -> str:
    def name(match: re.Match[str]) -> str:
        number = int(match.group(0))
        return _WEEKDAYS[number] if 0 <= number <= 7 else match.group(0)

    parts = field.split("/", 1)
    parts[0] = re.sub(r"\d+", name, parts[0])
    return "/".join(parts)
