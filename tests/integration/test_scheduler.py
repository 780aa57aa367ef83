"""``newsarchive schedule`` as operators run it: a real service process, real crawl processes,
the fixture site changing between runs, SIGTERM, a restart, and ``newsarchive runs``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from elasticsearch import Elasticsearch

from pipeline.exceptions import SourceBusy
from pipeline.local.fixture_site import FixtureSite, catalog, new_article
from pipeline.local.fixture_site.model import Template
from pipeline.schedule import RunStore, source_lock, state_db_path
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
FAST = [
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "NEWSARCHIVE_PROGRESS_INTERVAL=0",
]
NEWS = new_article(
    "night-market-opens-on-pier-nine",
    "Night market opens on Pier Nine",
    (
        "Forty stalls opened on Pier Nine on Friday for the first night market of the season.",
        "Organisers expect the market to run every weekend until the end of September.",
    ),
)


def sources_file(tmp_path: Path, schedule: str) -> Path:
    """The shipped demo source with a schedule, in a sources file of its own."""
    shipped = yaml.safe_load((REPO / "config" / "sources.yaml").read_text())
    demo = next(s for s in shipped["sources"] if s["name"] == "demo")
    path = tmp_path / f"sources-{schedule}.yaml"
    path.write_text(
        yaml.safe_dump(
            {"defaults": shipped.get("defaults", {}), "sources": [{**demo, "schedule": schedule}]}
        )
    )
    return path


class Service:
    """A ``newsarchive schedule`` process and its log."""

    def __init__(
        self, site: FixtureSite, es_url: str, alias: str, data_dir: Path, sources: Path, *extra: str
    ) -> None:
        site_parts = urlsplit(site.base_url)
        env = {
            **os.environ,
            "ELASTICSEARCH_URL": es_url,
            "NEWSARCHIVE_DEMO_URL": site.base_url,
            "NEWSARCHIVE_ALLOWED_NETWORKS": f"{site_parts.hostname}:{site_parts.port}",
        }
        self.log = data_dir / f"scheduler-{time.monotonic_ns()}.log"
        self._log_fh = self.log.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "schedule",
                "--sources-file",
                str(sources),
                "--index",
                alias,
                "--data-dir",
                str(data_dir),
                "--jitter",
                "0",
                *FAST,
                *extra,
            ],
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )

    def stop(self, timeout: float = 120) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._log_fh.close()
        return code

    def text(self) -> str:
        return self.log.read_text()


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as s:
        yield s


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def finished_runs(data_dir: Path) -> list[Any]:
    path = state_db_path(data_dir)
    if not path.exists():
        return []
    runs = RunStore(path).recent(limit=100)
    return sorted((r for r in runs if r.finished_at is not None), key=lambda r: r.id)


@contextmanager
def between_runs(data_dir: Path, source: str, timeout: float = 120) -> Iterator[None]:
    """Holds the source's lock, waiting first for a run in progress to end.

    With a 6-second cadence the next run may already have started when the test sees the first
    one finished (a slow first run on a busy machine makes the next one due at once).
    """
    deadline = time.monotonic() + timeout
    with ExitStack() as held:
        while True:
            try:
                held.enter_context(source_lock(data_dir, source))
                break
            except SourceBusy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield


def runs_json(data_dir: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "runs", "--data-dir", str(data_dir), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=60,
    ).stdout
    return dict(json.loads(out))


def test_two_scheduled_runs_the_second_fetching_only_what_changed_and_state_survives_restart(
    es: Elasticsearch, es_url: str, site: FixtureSite, alias: str, tmp_path: Path
) -> None:
    service = Service(site, es_url, alias, tmp_path, sources_file(tmp_path, "6s"))
    try:
        first = wait_for(lambda: finished_runs(tmp_path), 120, "the first run")[0]
        assert first.status == "succeeded", service.text()[-3000:]
        # Change the site between two runs. Holding the source's lock while doing it keeps a
        # run from starting half-way through the change (the scheduler skips a busy source).
        with between_runs(tmp_path, "demo"):
            revised = next(a for a in catalog.feed_articles() if a.template is Template.MODERN)
            site.revise(revised.path, "Update: the council has now scheduled the vote.")
            site.publish(NEWS)
            changed_at = time.time()
            site.clear_requests()
        planned = runs_json(tmp_path)["sources"][0]
        assert planned["schedule"] == "6s" and planned["next_run"] is not None
        second = wait_for(
            lambda: [r for r in finished_runs(tmp_path) if r.started_at.timestamp() >= changed_at],
            120,
            "a run after the change",
        )[0]
        assert second.status == "succeeded", service.text()[-3000:]
        assert second.started_at.timestamp() >= changed_at
    finally:
        assert service.stop() == 0
    log = service.text()

    # The second run downloaded exactly the two articles that changed.
    window = [r for r in site.requests if r.time.timestamp() <= second.finished_at.timestamp()]
    article_paths = {a.path for a in catalog.ARTICLES} | {NEWS.path}
    downloaded = sorted(r.path for r in window if r.path in article_paths and r.status == 200)
    assert downloaded == sorted([revised.path, NEWS.path])
    assert (second.counts["indexed"], second.counts["updated"]) == (1, 1)
    assert first.counts["indexed"] == first.counts["fetched"] - first.counts["skipped"]

    es.indices.refresh(index=alias)
    doc_id = document_id(canonical_url(site.url(revised.path)))
    hits = es.search(
        index=alias, query={"term": {"canonical_url": canonical_url(site.url(revised.path))}}
    )
    assert [h["_id"] for h in hits["hits"]["hits"]] == [doc_id]
    assert hits["hits"]["hits"][0]["_source"]["revision"] == 2
    assert "SIGTERM received" in log and "scheduler stopped" in log

    # `newsarchive runs` shows both runs with their counts; the state is in SQLite.
    listing = runs_json(tmp_path)
    assert listing["sources"][0]["next_run"] is None  # the scheduler has stopped
    assert [r["status"] for r in listing["runs"]][-2:] == ["succeeded", "succeeded"]
    assert {r["id"] for r in listing["runs"]} >= {first.id, second.id}
    text = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "runs", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    assert "demo" in text and "succeeded" in text and "last success" in text

    # Restarted with an hourly cadence, the scheduler remembers the last run: nothing is due.
    site.clear_requests()
    runs_before = len(finished_runs(tmp_path))
    restarted = Service(site, es_url, alias, tmp_path, sources_file(tmp_path, "1h"))
    try:
        wait_for(lambda: "first run at" in restarted.text(), 60, "the restarted scheduler")
        time.sleep(3)
    finally:
        assert restarted.stop() == 0
    assert len(finished_runs(tmp_path)) == runs_before
    assert site.requests == []
    last_start = second.started_at
    expected_next = time.strftime("%Y-%m-%d %H:%M", time.gmtime(last_start.timestamp() + 3600))
    assert f"first run at {expected_next}" in restarted.text()


SLOW = [
    "-s",
    "DOWNLOAD_DELAY=0.2",
    "-s",
    "DOWNLOAD_DELAY_JITTER=0",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=1",
]


def test_sigterm_checkpoints_the_running_crawl_and_the_restarted_scheduler_resumes_it(
    es: Elasticsearch, es_url: str, site: FixtureSite, alias: str, tmp_path: Path
) -> None:
    article_paths = {a.path for a in catalog.ARTICLES}

    def downloads() -> list[str]:
        return [r.path for r in site.requests if r.path in article_paths and r.status == 200]

    hourly = sources_file(tmp_path, "1h")
    service = Service(site, es_url, alias, tmp_path, hourly, *SLOW)
    try:
        wait_for(lambda: len(downloads()) >= 6, 120, "the crawl to be half-way")
    finally:
        assert service.stop() == 0
    [interrupted] = finished_runs(tmp_path)
    assert interrupted.status == "interrupted", service.text()[-3000:]
    assert interrupted.counts["fetched"] > 0
    assert (tmp_path / "jobs" / "demo").is_dir()
    assert "asking the run of demo" in service.text()
    first_part = downloads()
    site.clear_requests()

    # Hourly, but the last run did not finish: the restarted scheduler resumes it at once.
    restarted = Service(site, es_url, alias, tmp_path, hourly, *SLOW)
    try:
        resumed = wait_for(lambda: finished_runs(tmp_path)[1:], 180, "the resumed run")[0]
    finally:
        assert restarted.stop() == 0
    assert resumed.status == "succeeded", restarted.text()[-3000:]
    assert set(first_part).isdisjoint(downloads())
    assert not (tmp_path / "jobs" / "demo").exists()
    es.indices.refresh(index=alias)
    count = es.count(index=alias)["count"]
    assert count == interrupted.counts["indexed"] + resumed.counts["indexed"]
    state = runs_json(tmp_path)["sources"][0]
    assert state["last_status"] == "succeeded" and state["last_error"].startswith("interrupted")
