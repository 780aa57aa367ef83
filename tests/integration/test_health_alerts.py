"""A source's template change is caught by its run health: the scheduler, two sources, a webhook.

Two sources (two fixture sites) run under ``newsarchive schedule``. Before the third run of
``harbor``, its site switches to a redesigned template that lost bylines and dates. The third
run's health moves for harbor only: ``newsarchive health --check`` exits 2 naming harbor and the
shares that moved, the scheduler logs the alert at WARNING, and a webhook receiver on loopback
gets exactly one JSON alert. ``bay`` stays quiet throughout.

The crawls re-fetch every page (``NEWSARCHIVE_INCREMENTAL=False``): the rule judges shares on
runs with documents, and an incremental crawl of an unchanged site extracts none.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.local.fixture_site import FixtureSite
from pipeline.schedule import RunStore, SourceBusy, source_lock, state_db_path

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = "${NEWSARCHIVE_DEMO_URL:-http://127.0.0.1:8765}"
CRAWL_SETTINGS = [
    *("-s", "DOWNLOAD_DELAY=0"),
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0"),
    *("-s", "NEWSARCHIVE_INCREMENTAL=False"),
]


class Receiver:
    """A webhook endpoint on loopback that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def sources_file(tmp_path: Path, sites: dict[str, FixtureSite], schedule: str) -> Path:
    """The shipped demo source once per site, under the given names, on a schedule."""
    shipped = yaml.safe_load((REPO / "config" / "sources.yaml").read_text())
    demo = next(s for s in shipped["sources"] if s["name"] == "demo")
    entries = []
    for name, site in sites.items():
        text = yaml.safe_dump({**demo, "name": name, "schedule": schedule})
        entries.append(yaml.safe_load(text.replace(PLACEHOLDER, site.base_url)))
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"defaults": shipped.get("defaults", {}), "sources": entries}))
    return path


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def finished(data_dir: Path, source: str) -> list[Any]:
    path = state_db_path(data_dir)
    if not path.exists():
        return []
    runs = RunStore(path).recent(source=source, limit=100)
    return sorted((r for r in runs if r.finished_at is not None), key=lambda r: r.id)


def started(data_dir: Path, source: str) -> int:
    return len(RunStore(state_db_path(data_dir)).recent(source=source, limit=100))


def health(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "health", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


@pytest.fixture
def sites() -> Iterator[dict[str, FixtureSite]]:
    with FixtureSite() as harbor, FixtureSite() as bay:
        yield {"harbor": harbor, "bay": bay}


def test_a_template_change_on_the_third_run_alerts_for_that_source_only(
    es_url: str, alias: str, sites: dict[str, FixtureSite], tmp_path: Path
) -> None:
    with Receiver() as receiver:
        ports = [site.port for site in sites.values()] + [receiver.port]
        env = {
            **os.environ,
            "ELASTICSEARCH_URL": es_url,
            "NEWSARCHIVE_ALLOWED_NETWORKS": ",".join(f"127.0.0.1:{p}" for p in ports),
            "NEWSARCHIVE_HEALTH_WEBHOOK_URL": f"http://127.0.0.1:{receiver.port}/alerts",
        }
        log = tmp_path / "scheduler.log"
        cmd = [sys.executable, "-m", "pipeline.cli", "schedule", "--jitter", "0"]
        cmd += ["--sources-file", str(sources_file(tmp_path, sites, "10s"))]
        cmd += ["--index", alias, "--data-dir", str(tmp_path), *CRAWL_SETTINGS]
        with log.open("w") as out:
            service = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        try:
            wait_for(lambda: len(finished(tmp_path, "harbor")) >= 2, 180, "two harbor runs")
            # The redesign happens between the second and the third run: holding the source's
            # lock keeps a run from starting half-way through it.
            while True:
                try:
                    with source_lock(tmp_path, "harbor"):
                        assert started(tmp_path, "harbor") == 2, "the third run came too soon"
                        sites["harbor"].redesign()
                        redesigned_at = time.time()
                    break
                except SourceBusy:
                    time.sleep(0.05)
            for name in sites:

                def three_runs(n: str = name) -> bool:
                    return len(finished(tmp_path, n)) >= 3

                wait_for(three_runs, 180, f"3 {name} runs")
        finally:
            service.send_signal(signal.SIGTERM)
            assert service.wait(120) == 0, log.read_text()[-3000:]
        text = log.read_text()
        bodies = list(receiver.bodies)

    for name in sites:
        assert [r.status for r in finished(tmp_path, name)][:3] == ["succeeded"] * 3, text[-3000:]
    assert finished(tmp_path, "harbor")[2].started_at.timestamp() > redesigned_at

    # The command: exit 2, harbor named with the two shares that moved, bay quiet.
    checked = health(tmp_path, "--check")
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert "source harbor: ALERT (2)" in checked.stdout
    assert "source bay: ok" in checked.stdout
    alert_lines = [line for line in checked.stdout.splitlines() if "ALERT source" in line]
    assert len(alert_lines) == 2 and all("source harbor:" in line for line in alert_lines)
    assert any("no_date share 100% went up" in line for line in alert_lines)
    assert any("no_author share" in line and "went up" in line for line in alert_lines)
    report = json.loads(health(tmp_path, "--json").stdout)
    by_source = {s["source"]: s for s in report["sources"]}
    assert {a["measure"] for a in by_source["harbor"]["alerts"]} == {"no_date", "no_author"}
    assert by_source["bay"]["alerts"] == []
    assert [r["documents"] for r in by_source["bay"]["runs"]] == [31, 31, 31]
    assert health(tmp_path, "--check", "--source", "bay").returncode == 0

    # The scheduler's log: the alert at WARNING, for harbor only.
    warnings = [line for line in text.splitlines() if " WARNING pipeline.health:" in line]
    assert len(warnings) == 2 and all("health alert: source harbor:" in w for w in warnings)

    # The webhook: one JSON body for harbor's third run, with both shifted shares.
    assert len(bodies) == 1, bodies
    [body] = bodies
    assert body["event"] == "newsarchive.health.alert" and body["source"] == "harbor"
    assert body["measures"] == ["no_author", "no_date"]
    assert {a["direction"] for a in body["alerts"]} == {"up"}
