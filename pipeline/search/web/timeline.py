"""The timeline drawn as inline SVG: one bar per bucket, no JavaScript, no chart library."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta

from markupsafe import Markup

from pipeline.search.service import Bucket

WIDTH = 720
HEIGHT = 120
AXIS = 18

_INTERVAL_NAMES = {"d": "day", "w": "week", "M": "month", "y": "year", "h": "hour", "m": "minute"}


def interval_label(interval: str) -> str:
    """``"7d"`` -> ``"7 days"``, ``"1M"`` -> ``"month"``: what one bar spans, for the caption."""
    if not interval:
        return ""
    number, unit = interval[:-1], interval[-1]
    name = _INTERVAL_NAMES.get(unit, unit)
    return name if number in {"", "1"} else f"{number} {name}s"


def bucket_end(start: str, interval: str) -> date:
    """The last day of the bucket starting on ``start`` (``"1M"`` -> the end of that month)."""
    first = date.fromisoformat(start)
    unit = interval[-1:] if interval else "d"
    count = int(interval[:-1] or 1) if interval[:-1].isdigit() else 1
    if unit == "w":
        return first + timedelta(days=7 * count - 1)
    if unit == "M":
        months = first.month - 1 + count
        return date(first.year + months // 12, months % 12 + 1, 1) - timedelta(days=1)
    if unit == "y":
        return date(first.year + count, 1, 1) - timedelta(days=1)
    return first + timedelta(days=count - 1)


def timeline_svg(
    buckets: list[Bucket], interval: str, link: Callable[[Bucket], str] | None = None
) -> Markup:
    """An accessible bar chart of article counts; every bar has a tooltip with date and count.

    With ``link``, each bar is a link (e.g. to the same search narrowed to that bucket's dates).
    """
    if not buckets:
        return Markup("")
    peak = max(b.count for b in buckets) or 1
    step = WIDTH / len(buckets)
    bar = max(step - 1.0, 1.0)
    plot = HEIGHT - AXIS
    parts = [
        f'<svg class="timeline" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" style="max-width:100%" '
        f'data-buckets="{len(buckets)}" data-peak="{peak}" '
        f'data-total="{sum(b.count for b in buckets)}" '
        f'aria-label="Matching articles per {html.escape(interval_label(interval))}">'
    ]
    for i, b in enumerate(buckets):
        h = 0.0 if b.count == 0 else max(2.0, plot * b.count / peak)
        label = html.escape(f"{b.date}: {b.count} article(s)")
        rect = (
            f'<rect class="bar" x="{i * step:.1f}" y="{plot - h:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" data-date="{html.escape(b.date)}" data-count="{b.count}">'
            f"<title>{label}</title></rect>"
        )
        if link is not None and b.count:
            rect = f'<a href="{html.escape(link(b))}">{rect}</a>'
        parts.append(rect)
    parts.append(
        f'<text x="0" y="{HEIGHT - 4}" class="axis">{html.escape(buckets[0].date)}</text>'
        f'<text x="{WIDTH}" y="{HEIGHT - 4}" class="axis" text-anchor="end">'
        f"{html.escape(buckets[-1].date)}</text></svg>"
    )
    return Markup("".join(parts))  # built from escaped values only
