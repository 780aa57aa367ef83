"""What the web app's health page shows: per source, its alerts and one small chart per measure.

Sources that are alerting come first, so the page answers "is anything wrong?" at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.health.alerts import VOLUME, Alert
from pipeline.health.chart import share_chart, volume_chart
from pipeline.health.measures import SHARES, RunHealth
from pipeline.health.watch import check


@dataclass(frozen=True)
class Section:
    source: str
    alerts: list[Alert]
    charts: list[str]  # SVG, escaped where it holds text
    latest: RunHealth | None


def health_sections(data_dir: Path) -> list[Section]:
    sections = []
    for state in check(data_dir):
        by_measure = {a.measure: a for a in state.alerts}
        charts = [volume_chart(state.runs, by_measure.get(VOLUME))]
        charts += [share_chart(m, state.runs, by_measure.get(m)) for m in SHARES]
        latest = state.runs[-1] if state.runs else None
        sections.append(Section(state.source, state.alerts, charts, latest))
    return sorted(sections, key=lambda s: (not s.alerts, s.source))
