"""When a source's extraction has shifted: a band around its own recent history, per measure.

Media Cloud's source monitoring is the anchor: a source is flagged when the mean of its last 7
days lies outside *mean - 1.5 sigma .. mean + 2 sigma* of its last 28 days, or when it has no
stories at all. Crawls here come in runs, not days, so the rule is counted in runs:

- the **recent window** is the last ``window`` runs (1: the run that just ended), the
  **baseline** the ``baseline`` runs before it (12);
- a share (``measures.SHARES``) is judged only on runs with at least ``min_documents`` documents
  (a run of 3 documents says little about a share), and only when the baseline has at least
  ``min_baseline`` such runs;
- the band is *mean - low_sigmas x sigma - tolerance .. mean + high_sigmas x sigma + tolerance*
  (sigma: the baseline's population standard deviation). The tolerance (0.10 for a share, 25 %
  of the mean for volume) keeps a perfectly steady source, whose sigma is 0, from being flagged
  for a one-document wobble;
- **volume** (documents extracted plus pages answered 304) is judged the same way on every run;
- a recent run with **zero volume** is always flagged, like Media Cloud's zero-story sources.

The asymmetric band is Media Cloud's: a drop is flagged sooner than a rise.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.health.measures import SHARES, RunHealth

__all__ = ["Alert", "Rule", "evaluate"]

VOLUME = "volume"


@dataclass(frozen=True)
class Rule:
    window: int = 1
    baseline: int = 12
    min_baseline: int = 2
    min_documents: int = 5
    low_sigmas: float = 1.5
    high_sigmas: float = 2.0
    share_tolerance: float = 0.10
    volume_tolerance: float = 0.25

    @classmethod
    def from_settings(cls) -> Rule:
        """The rule as ``pipeline.settings`` configures it (``NEWSARCHIVE_HEALTH_*``)."""
        from pipeline import settings

        return cls(
            window=int(settings.NEWSARCHIVE_HEALTH_WINDOW_RUNS),
            baseline=int(settings.NEWSARCHIVE_HEALTH_BASELINE_RUNS),
            min_baseline=int(settings.NEWSARCHIVE_HEALTH_MIN_BASELINE_RUNS),
            min_documents=int(settings.NEWSARCHIVE_HEALTH_MIN_DOCUMENTS),
            low_sigmas=float(settings.NEWSARCHIVE_HEALTH_LOW_SIGMAS),
            high_sigmas=float(settings.NEWSARCHIVE_HEALTH_HIGH_SIGMAS),
            share_tolerance=float(settings.NEWSARCHIVE_HEALTH_SHARE_TOLERANCE),
            volume_tolerance=float(settings.NEWSARCHIVE_HEALTH_VOLUME_TOLERANCE),
        )

    @property
    def history(self) -> int:
        """How many runs of a source the rule looks at."""
        return self.window + self.baseline


@dataclass(frozen=True)
class Alert:
    source: str
    measure: str  # one of SHARES, or VOLUME
    recent: float
    mean: float | None  # None: no baseline (a zero-volume run)
    low: float | None
    high: float | None
    run_id: int | None  # the latest run of the window

    @property
    def direction(self) -> str:
        if self.mean is None:
            return "zero"
        return "up" if self.recent > self.mean else "down"

    def message(self) -> str:
        if self.mean is None or self.low is None or self.high is None:
            return f"source {self.source}: no documents at all in its latest run"
        if self.measure == VOLUME:
            return (
                f"source {self.source}: volume {self.recent:.0f} documents, outside "
                f"{self.low:.0f}..{self.high:.0f} (mean {self.mean:.1f} over earlier runs)"
            )
        return (
            f"source {self.source}: {self.measure} share {self.recent:.0%} went {self.direction}, "
            f"outside {max(self.low, 0):.0%}..{min(self.high, 1):.0%} "
            f"(mean {self.mean:.0%} over earlier runs)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "measure": self.measure,
            "direction": self.direction,
            "recent": self.recent,
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "run_id": self.run_id,
            "message": self.message(),
        }


def evaluate(runs: Sequence[RunHealth], rule: Rule) -> list[Alert]:
    """The alerts of one source's runs (oldest first; only the last ``rule.history`` count)."""
    runs = list(runs)[-rule.history :]
    if not runs:
        return []
    recent, baseline = runs[-rule.window :], runs[: -rule.window]
    latest = recent[-1]
    if latest.volume == 0:
        return [Alert(latest.source, VOLUME, 0.0, None, None, None, latest.id)]
    alerts: list[Alert] = []
    volume = _judge(
        [float(r.volume) for r in recent],
        [float(r.volume) for r in baseline],
        rule,
        lambda mean: rule.volume_tolerance * mean,
    )
    if volume is not None:
        alerts.append(Alert(latest.source, VOLUME, *volume, latest.id))
    for name in SHARES:
        shift = _judge(
            _values(recent, name, rule.min_documents),
            _values(baseline, name, rule.min_documents),
            rule,
            lambda _mean: rule.share_tolerance,
        )
        if shift is not None:
            alerts.append(Alert(latest.source, name, *shift, latest.id))
    return alerts


def _values(runs: Sequence[RunHealth], name: str, min_documents: int) -> list[float]:
    values = []
    for run in runs:
        share = run.share(name)
        if share is not None and run.documents >= min_documents:
            values.append(share)
    return values


def _judge(
    recent: list[float], baseline: list[float], rule: Rule, tolerance: Callable[[float], float]
) -> tuple[float, float, float, float] | None:
    """(recent mean, baseline mean, low, high) when the recent mean is outside the band."""
    if not recent or len(baseline) < rule.min_baseline:
        return None
    now = statistics.fmean(recent)
    mean = statistics.fmean(baseline)
    sigma = statistics.pstdev(baseline)
    slack = tolerance(mean)
    low = mean - rule.low_sigmas * sigma - slack
    high = mean + rule.high_sigmas * sigma + slack
    if low <= now <= high:
        return None
    return now, mean, low, high
