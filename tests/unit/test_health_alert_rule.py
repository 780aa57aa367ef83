"""The alert rule: a share or the volume outside its band over earlier runs, or no documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.health.alerts import Rule, evaluate
from pipeline.health.measures import RunHealth

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RULE = Rule()


def run(
    n: int, documents: int = 40, *, no_author: int = 2, no_date: int = 1, **kw: int
) -> RunHealth:
    return RunHealth(
        source="harbor",
        kind="crawl",
        started_at=T0 + timedelta(hours=n),
        finished_at=T0 + timedelta(hours=n, minutes=5),
        run_dir=f"run-{n}",
        documents=documents,
        no_date=no_date,
        undated=0,
        no_author=no_author,
        short_body=kw.get("short_body", 0),
        median_words=400.0,
        boilerplate_lines=0,
        unchanged=kw.get("unchanged", 0),
        id=n,
    )


def test_a_steady_source_raises_nothing() -> None:
    assert evaluate([run(n) for n in range(6)], RULE) == []


def test_bylines_vanishing_in_the_latest_run_raise_the_no_author_share() -> None:
    runs = [run(n) for n in range(5)] + [run(5, no_author=40)]
    [alert] = evaluate(runs, RULE)
    assert (alert.measure, alert.direction, alert.recent, alert.run_id) == (
        "no_author",
        "up",
        1.0,
        5,
    )
    assert alert.mean == 2 / 40
    assert "harbor: no_author share 100% went up" in alert.message()


def test_a_one_document_wobble_of_a_perfectly_steady_share_is_within_the_tolerance() -> None:
    runs = [run(n) for n in range(5)] + [run(5, no_author=4)]  # 5% -> 10%, sigma 0
    assert evaluate(runs, RULE) == []


def test_the_band_is_asymmetric_a_drop_is_flagged_sooner_than_a_rise() -> None:
    rule = Rule(share_tolerance=0.0)
    base = [run(n, no_author=a) for n, a in enumerate((8, 12, 8, 12))]  # 25% +- 5%
    low = evaluate([*base, run(9, no_author=6)], rule)  # 15%: 2 sigma below
    high = evaluate([*base, run(9, no_author=14)], rule)  # 35%: 2 sigma above
    assert [a.direction for a in low] == ["down"] and high == []


def test_shares_are_not_judged_on_runs_with_few_documents() -> None:
    runs = [run(n) for n in range(5)] + [run(5, documents=3, no_author=3, unchanged=37)]
    assert evaluate(runs, RULE) == []


def test_nothing_is_judged_before_the_baseline_has_enough_runs() -> None:
    assert evaluate([run(0), run(1, no_author=40)], RULE) == []
    assert [a.measure for a in evaluate([run(0), run(1), run(2, no_author=40)], RULE)] == [
        "no_author"
    ]


def test_a_collapse_in_volume_is_flagged() -> None:
    runs = [run(n) for n in range(5)] + [run(5, documents=12, no_author=1)]
    assert [a.measure for a in evaluate(runs, RULE)] == ["volume"]


def test_unchanged_pages_count_in_volume_so_an_incremental_run_is_not_a_collapse() -> None:
    runs = [run(n) for n in range(5)] + [run(5, documents=2, no_author=0, unchanged=38)]
    assert evaluate(runs, RULE) == []


def test_a_run_without_any_document_is_always_flagged() -> None:
    [alert] = evaluate([run(0, documents=0, no_author=0, no_date=0)], RULE)
    assert (alert.measure, alert.direction) == ("volume", "zero")
    assert alert.message() == "source harbor: no documents at all in its latest run"


def test_only_the_runs_of_the_rule_s_history_count() -> None:
    rule = Rule(baseline=3)
    old_bad = [run(n, no_author=40) for n in range(10)]
    recent = [run(n) for n in range(10, 14)]
    assert evaluate([*old_bad, *recent], rule) == []
