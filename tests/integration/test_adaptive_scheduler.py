"""Adaptive polling in the real scheduler: a ``newsarchive schedule`` process polls three sources
of a loopback site, one whose feed gains an article every few seconds, one that stays quiet and
one whose feed answers errors; real crawl processes, real Elasticsearch, the run store read back.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from discover_sites import Reply, Site, Story, article_html, rss, story_title
from elasticsearch import Elasticsearch

from pipeline.schedule import RunStore, state_db_path

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PERIOD = 8.0  # the steady feed gains one article every PERIOD seconds
MIN, MAX = 2.0, 60.0
QUIET_ITEMS = 3


class GrowingSite:
    """Routes of a site whose /steady.xml lists one more article every ``PERIOD`` seconds."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.stories: dict[str, list[Story]] = {}

    def routes(self, base: str) -> dict[str, Reply]:
        day = datetime(2024, 5, 1, 6, tzinfo=UTC)
        for name, count in (("steady", 60), ("quiet", QUIET_ITEMS)):
            self.stories[name] = [
                Story(
                    f"/{name}/2024/05/{1 + n % 28:02d}/{name}-story-number-{n}/",
                    f"{story_title(n)} ({name})",
                    "news",
                    day + timedelta(minutes=n),
                    "Jane Doe",
                )
                for n in range(count)
            ]
        table: dict[str, Reply] = {
            "/robots.txt": Reply(content_type="text/plain", body=b"User-agent: *\nAllow: /\n"),
            "/quiet.xml": Reply(
                content_type="application/rss+xml", body=rss(base, self.stories["quiet"])
            ),
            "/broken.xml": Reply(500, "text/plain", b"feed generator crashed"),
        }
        for name in ("steady", "quiet"):
            for n, story in enumerate(self.stories[name]):
                table[story.path] = Reply(body=article_html(base, story, n + 100 * len(name)))
        table["/steady.xml"] = lambda: Reply(  # type: ignore[assignment]
            content_type="application/rss+xml", body=rss(base, self.published())
        )
        self.base = base
        return table

    def published(self) -> list[Story]:
        count = 1 + int((time.monotonic() - self.started) // PERIOD)
        return self.stories["steady"][:count]


@pytest.fixture
def growing() -> Iterator[tuple[Site, GrowingSite]]:
    model = GrowingSite()
    with Site(routes=model.routes) as site:
        yield site, model


def sources_file(tmp_path: Path, base: str) -> Path:
    stanzas = "".join(
        f"  - name: {name}\n    feeds: '{base}/{name}.xml'\n"
        "    article_patterns: ['/\\d{4}/\\d{2}/\\d{2}/[^/]+/$']\n"
        f"    poll: {{min: {int(MIN)}s, max: {int(MAX)}s}}\n"
        for name in ("steady", "quiet", "broken")
    )
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n" + stanzas)
    return path


def seconds(text: str) -> float:
    """``4.7s``, ``12s``, ``1m05s`` (pipeline.schedule.adaptive.duration) back to seconds."""
    match = re.fullmatch(r"(?:(\d+)m)?([\d.]+)s", text)
    assert match, text
    return int(match.group(1) or 0) * 60 + float(match.group(2))


def next_polls(log: str, source: str) -> list[float]:
    return [seconds(m) for m in re.findall(rf"source {source}: .*; next poll in (\S+)", log)]


def test_intervals_follow_the_feeds_converging_backing_off_and_disabling(
    growing: tuple[Site, GrowingSite],
    tmp_path: Path,
    es: Elasticsearch,
    es_url: str,
    alias: str,
) -> None:
    site, model = growing
    env = {
        **os.environ,
        "ELASTICSEARCH_URL": es_url,
        "NEWSARCHIVE_ALLOWED_NETWORKS": f"127.0.0.1:{site.port}",
        "NEWSARCHIVE_POLL_MAX_FAILURES": "3",
    }
    log_path = tmp_path / "scheduler.log"
    argv = [sys.executable, "-m", "pipeline.cli", "schedule", "--jitter", "0"]
    argv += ["--sources-file", str(sources_file(tmp_path, site.base)), "--index", alias]
    argv += ["--data-dir", str(tmp_path), "--max-parallel", "3"]
    argv += ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    argv += ["-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0", "-s", "RETRY_ENABLED=False"]
    with log_path.open("w") as log_file:
        service = subprocess.Popen(
            argv,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                text = log_path.read_text()
                if len(next_polls(text, "steady")) >= 7 and len(next_polls(text, "quiet")) >= 4:
                    break
                assert service.poll() is None, text[-3000:]
                time.sleep(0.5)
        finally:
            service.send_signal(signal.SIGTERM)
            assert service.wait(180) == 0
    log = log_path.read_text()
    store = RunStore(state_db_path(tmp_path))

    # Steady: from the minimum towards the arrival period, and it settles there.
    steady = next_polls(log, "steady")
    assert len(steady) >= 7, log[-4000:]
    assert all(MIN <= s <= MAX for s in steady)
    assert steady[0] < PERIOD / 2
    assert all(PERIOD / 2 <= s <= PERIOD * 2 for s in steady[-3:]), steady
    assert "new in" in store.poll_row("steady")["reason"]  # type: ignore[index]

    # Quiet: after the first poll (the baseline) every poll finds nothing and waits longer.
    quiet = next_polls(log, "quiet")
    assert quiet[0] == MIN and quiet[1:] == sorted(quiet[1:]) and quiet[-1] > quiet[1] > MIN
    assert store.poll_row("quiet")["reason"].startswith("nothing new")  # type: ignore[index]

    # Broken: backs off 2s -> 4s -> 8s, then is disabled after three failures, with its status.
    assert next_polls(log, "broken") == [4.0, 8.0]
    broken = store.poll_row("broken")
    assert broken is not None and broken["status"] == "disabled"
    assert broken["reason"].startswith("disabled after 3 failed polls in a row; last: nothing")
    assert "fetch/http_500" in broken["reason"]
    assert "source broken: disabled after 3 failed polls" in log
    assert len(store.recent(source="broken", limit=100)) == 3  # no poll after it was disabled

    # `newsarchive runs` says where each source's polling stands and why.
    listing = json.loads(
        subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "runs", "--data-dir", str(tmp_path), "--json"],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        ).stdout
    )
    polls = {s["source"]: s["poll"] for s in listing["sources"]}
    assert polls["broken"]["status"] == "disabled"
    assert polls["steady"]["status"] == "active" and polls["steady"]["polls"] >= 7
    text = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "runs", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    assert "polling disabled: disabled after 3 failed polls" in text
    assert "polling active: nothing new" in text

    # What the steady feed published was indexed (the quiet feed's three articles too).
    es.indices.refresh(index=alias)
    indexed = {
        h["_source"]["url"]
        for h in es.search(index=alias, size=200, query={"match_all": {}})["hits"]["hits"]
    }
    quiet_urls = {site.base + s.path for s in model.stories["quiet"]}
    assert quiet_urls <= indexed
    steady_runs = store.recent(source="steady", limit=100)
    assert sum(r.counts.get("indexed", 0) for r in steady_runs) == len(indexed - quiet_urls)
