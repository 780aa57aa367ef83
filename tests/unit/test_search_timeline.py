"""The timeline drawn as inline SVG: one bar per bucket, escaped labels, bars that link."""

from datetime import date

import pytest

from pipeline.search.service import Bucket
from pipeline.search.web.timeline import bucket_end, interval_label, timeline_svg


@pytest.mark.parametrize(
    ("start", "interval", "end"),
    [
        ("2016-07-27", "1d", date(2016, 7, 27)),
        ("2016-07-25", "1w", date(2016, 7, 31)),
        ("2016-02-01", "1M", date(2016, 2, 29)),
        ("2016-12-01", "1M", date(2016, 12, 31)),
        ("2016-01-01", "1y", date(2016, 12, 31)),
    ],
)
def test_a_bucket_ends_on_its_last_day(start: str, interval: str, end: date) -> None:
    assert bucket_end(start, interval) == end


def test_interval_labels_read_as_words() -> None:
    assert interval_label("1d") == "day"
    assert interval_label("1M") == "month"
    assert interval_label("7d") == "7 days"


def test_bars_carry_their_counts_and_link_when_not_empty() -> None:
    buckets = [Bucket("2016-07-27", 2), Bucket("2016-07-28", 0), Bucket("2016-07-29", 1)]
    svg = str(timeline_svg(buckets, "1d", lambda b: f"/?from={b.date}&x=<y>"))
    assert svg.count('<rect class="bar"') == 3
    assert 'data-total="3"' in svg
    assert 'data-count="2"' in svg and "<title>2016-07-27: 2 article(s)</title>" in svg
    assert svg.count("<a href=") == 2  # the empty day is not a link
    assert 'href="/?from=2016-07-27&amp;x=&lt;y&gt;"' in svg


def test_no_buckets_draw_nothing() -> None:
    assert str(timeline_svg([], "1d")) == ""
