"""Small multiples of a source's health, drawn on the server as SVG (no JavaScript, no build).

One small chart per measure, the shares all on the same 0-100 % scale and every chart on the
same run axis, so a shift reads the same in each and across sources (Tufte's small multiples).
The alert rule's band is shaded on an alerting measure, which is drawn in the alert colour.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from pipeline.health.alerts import VOLUME, Alert
from pipeline.health.measures import RunHealth

WIDTH, HEIGHT, PAD = 180, 64, 4
BLUE, RED = "#1f5fbf", "#c62828"


def share_chart(measure: str, runs: Sequence[RunHealth], alert: Alert | None = None) -> str:
    """One share over ``runs`` (oldest left) on 0..100 %; runs without documents are gaps."""
    return _sparkline(measure, [r.share(measure) for r in runs], 1.0, alert, _pct)


def volume_chart(runs: Sequence[RunHealth], alert: Alert | None = None) -> str:
    """Documents per run on 0..the largest volume shown."""
    values: list[float | None] = [float(r.volume) for r in runs]
    top = max([v for v in values if v is not None] + [1.0]) * 1.1
    return _sparkline(VOLUME, values, top, alert, lambda v: "–" if v is None else f"{v:.0f}")


def _sparkline(
    label: str,
    values: Sequence[float | None],
    top: float,
    alert: Alert | None,
    fmt: Callable[[float | None], str],
) -> str:
    colour = RED if alert else BLUE
    flag = ' data-alert="1"' if alert else ""
    name = html.escape(label)
    parts = [
        f'<svg class="spark" role="img" width="{WIDTH}" height="{HEIGHT + 14}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + 14}" data-measure="{name}"{flag}>',
        f"<title>{name}: {html.escape(', '.join(fmt(v) for v in values))}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f6f8fa"/>',
    ]
    if alert and alert.low is not None and alert.high is not None:
        y_top, y_bottom = _y(min(alert.high, top), top), _y(max(alert.low, 0.0), top)
        parts.append(
            f'<rect class="band" x="0" y="{y_top:.1f}" width="{WIDTH}" '
            f'height="{max(y_bottom - y_top, 1):.1f}" fill="{BLUE}" fill-opacity="0.12"/>'
        )
    for segment in _segments(values, top):
        if len(segment) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
            )
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{colour}"/>' for x, y in segment]
    last = next((v for v in reversed(values) if v is not None), None)
    parts.append(
        f'<text x="0" y="{HEIGHT + 12}" font-size="11" fill="#5b6673">{name} {fmt(last)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _segments(values: Sequence[float | None], top: float) -> list[list[tuple[float, float]]]:
    """Coordinates of the values, split into segments at the gaps."""
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    segments: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((PAD + i * step, _y(value, top)))
    return [s for s in segments if s]


def _y(value: float, top: float) -> float:
    return PAD + (1.0 - min(value / top, 1.0)) * (HEIGHT - 2 * PAD)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
