"""The scheduler's run store, the per-source lock and how a crawl process's end is recorded.

The crawl process is a real child process (a tiny Python script standing in for
``newsarchive crawl`` that prints a summary and exits), so what is tested is the runner's
handling of real exits, not a mock.
"""

from __future__ import annotations

import json
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.schedule import (
    CrawlCommand,
    CrawlRunner,
    RunStore,
    SourceBusy,
    plan,
    recover_abandoned,
    source_lock,
    state_db_path,
)
from pipeline.sources import Source

SUMMARY = {
    "source": "demo",
    "run_dir": "/d/runs/demo/x",
    "fetched": 9,
    "indexed": 5,
    "updated": 1,
    "unchanged": 1,
    "skipped": 2,
    "dead_lettered": 0,
    "finish_reason": "finished",
    "balanced": True,
}


def fake_crawl(tmp_path: Path, summary: dict[str, object] | None, code: int = 0) -> str:
    """A stand-in for the crawl command: prints the summary list as `crawl --json` does."""
    script = tmp_path / "fake_crawl.py"
    printed = json.dumps([summary]) if summary is not None else "not json"
    script.write_text(
        textwrap.dedent(f"""
        import sys
        print({printed!r})
        print("a log line", file=sys.stderr)
        sys.exit({code})
    """)
    )
    wrapper = tmp_path / "python"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} {script}\n")
    wrapper.chmod(0o755)
    return str(wrapper)


def runner(tmp_path: Path, summary: dict[str, object] | None, code: int = 0) -> CrawlRunner:
    command = CrawlCommand(data_dir=tmp_path, python=fake_crawl(tmp_path, summary, code))
    return CrawlRunner(command, RunStore(state_db_path(tmp_path)))


def test_a_finished_run_is_recorded_with_the_counts_of_its_summary(tmp_path: Path) -> None:
    r = runner(tmp_path, SUMMARY)
    outcome = r.run("demo")
    assert outcome.status == "succeeded"
    [record] = r.store.recent()
    assert record.status == "succeeded" and record.exit_code == 0
    assert record.counts == {
        "fetched": 9,
        "indexed": 5,
        "updated": 1,
        "unchanged": 1,
        "skipped": 2,
        "dead_lettered": 0,
    }
    assert record.run_dir == "/d/runs/demo/x"
    assert record.log_file and "a log line" in Path(record.log_file).read_text()
    assert record.finished_at is not None and record.started_at <= record.finished_at


def test_an_interrupted_run_is_recorded_as_such_and_resumes_first(tmp_path: Path) -> None:
    r = runner(tmp_path, {**SUMMARY, "finish_reason": "shutdown"})
    assert r.run("demo").status == "interrupted"
    state = r.store.state("demo")
    assert state.last_status == "interrupted" and state.last_success is None
    assert "resumes" in (state.last_error or "")
    source = Source(name="demo", start_urls=("https://x.example/",), schedule="6h")
    [p], _ = plan([source], r.store, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert p.first_run == datetime(2030, 1, 1, tzinfo=UTC)


def test_a_run_without_a_summary_fails_with_the_end_of_its_log(tmp_path: Path) -> None:
    r = runner(tmp_path, None, code=3)
    outcome = r.run("demo")
    assert outcome.status == "failed"
    assert "exit code 3" in (outcome.error or "") and "a log line" in (outcome.error or "")


def test_dead_letters_make_a_run_fail_with_the_reason(tmp_path: Path) -> None:
    r = runner(tmp_path, {**SUMMARY, "dead_lettered": 2}, code=1)
    outcome = r.run("demo")
    assert outcome.status == "failed" and "2 dead-lettered" in (outcome.error or "")
    assert r.store.state("demo").last_error == outcome.error


def test_a_source_whose_lock_is_held_is_not_run_again(tmp_path: Path) -> None:
    r = runner(tmp_path, SUMMARY)
    with source_lock(tmp_path, "demo"):
        with pytest.raises(SourceBusy), source_lock(tmp_path, "demo"):
            pass
        assert r.run("demo").status == "busy"
    assert r.store.recent() == []
    assert r.run("demo").status == "succeeded"


def test_runs_left_running_by_a_dead_scheduler_are_marked_abandoned(tmp_path: Path) -> None:
    store = RunStore(state_db_path(tmp_path))
    store.start("demo")
    store.start("busy")
    with source_lock(tmp_path, "busy"):
        assert recover_abandoned(store, tmp_path, ["demo", "busy"]) == 1
    statuses = {r.source: r.status for r in store.recent()}
    assert statuses == {"demo": "abandoned", "busy": "running"}


def test_the_store_survives_reopening(tmp_path: Path) -> None:
    runner(tmp_path, SUMMARY).run("demo")
    reopened = RunStore(state_db_path(tmp_path))
    assert [r.status for r in reopened.recent()] == ["succeeded"]
    assert reopened.sources() == ["demo"]


def test_the_crawl_command_is_a_resumable_single_source_crawl() -> None:
    command = CrawlCommand(
        data_dir=Path("/d"),
        alias="news",
        sources_file=Path("/s.yaml"),
        settings=("DOWNLOAD_DELAY=2",),
        python="py",
    )
    assert command.argv("demo") == [
        "py",
        "-m",
        "pipeline.cli",
        "crawl",
        "--source",
        "demo",
        "--json",
        "--resumable",
        "--data-dir",
        "/d",
        "--index",
        "news",
        "--sources-file",
        "/s.yaml",
        "-s",
        "DOWNLOAD_DELAY=2",
    ]


def test_sources_without_a_schedule_are_left_out_unless_a_default_is_given(
    tmp_path: Path,
) -> None:
    store = RunStore(state_db_path(tmp_path))
    sources = [
        Source(name="a", start_urls=("https://a.example/",), schedule="30m"),
        Source(name="b", start_urls=("https://b.example/",)),
    ]
    plans, left_out = plan(sources, store)
    assert [p.source for p in plans] == ["a"] and left_out == ["b"]
    plans, left_out = plan(sources, store, default_schedule="@daily")
    assert [p.cadence.text for p in plans] == ["30m", "@daily"] and left_out == []


def test_the_running_schedulers_plan_is_part_of_the_source_state(tmp_path: Path) -> None:
    store = RunStore(state_db_path(tmp_path))
    when = datetime(2030, 1, 1, 6, 0, tzinfo=UTC)
    store.set_next_run("demo", "6h", when)
    state = store.state("demo")
    assert (state.cadence, state.next_run, state.last_start) == ("6h", when, None)
    store.set_next_run("demo", "6h", None)
    assert store.state("demo").next_run is None
    assert store.sources() == ["demo"]
