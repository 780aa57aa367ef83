"""``newsarchive import``: WARC captures merged into the archive, newest capture winning.

Each test writes its own WARC files (warcio, tests/warcs.py) and runs ``newsarchive import``
as its own OS process against the real Elasticsearch node, as an operator would.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from warcs import (
    WarcFile,
    article_html,
    cut_member,
    duplicated_canonical_urls,
    run_import,
    stored,
)

from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
T = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

DREDGING = "https://harbour.example/news/2024/03/dredging-delayed/"
BUDGET = "https://valley.example/local/school-budget/"
BRIDGE = "https://valley.example/local/bridge-vote/"
BRIDGE_BY_ID = "https://valley.example/story?id=881"  # declares BRIDGE as its canonical URL
GULLS = "https://coast.example/nature/gull-census/"  # its only capture is damaged
TIDES = "https://coast.example/nature/record-tides/"


def dredging(version: int) -> str:
    lines = {
        0: "Engineers first said the dredging of the outer channel would start in early spring.",
        1: "The harbour board said on Friday that dredging of the outer channel is delayed.",
        2: "The harbour board now says dredging will resume in May, after a two-month delay.",
    }
    return article_html(
        "Dredging of the outer channel delayed",
        [
            lines[version],
            "Fishing crews have asked for the work to finish before the summer season begins.",
            "The contractor blamed the delay on a shortage of barges along the whole coast.",
        ],
        canonical=DREDGING,
    )


def budget(version: int) -> str:
    first = {
        1: "The valley school board approved a budget that keeps class sizes at twenty-four.",
        2: "The valley school board revised its budget to hire four more reading teachers.",
    }[version]
    return article_html(
        "School board settles next year's budget",
        [
            first,
            "Parents filled the gymnasium for the vote, which ran past eleven in the evening.",
            "The board will publish the full spending plan on its website next week.",
        ],
        canonical=BUDGET,
    )


def bridge(note: str) -> str:
    return article_html(
        "Council schedules a vote on the old bridge",
        [
            "The council will vote in April on whether to repair or replace the old river bridge.",
            f"Engineers estimate the repair at four million; {note}.",
        ],
        canonical=BRIDGE,
    )


def coast(title: str, first: str) -> str:
    return article_html(
        title,
        [first, "Volunteers counted from dawn to dusk along twelve miles of shoreline this week."],
    )


@dataclass
class Scenario:
    files: list[WarcFile]
    damaged_at: int

    @property
    def paths(self) -> list[str]:
        return [str(f.path) for f in self.files]

    @property
    def records(self) -> int:
        return sum(len(f.offsets) for f in self.files)


def write_scenario(folder: Path) -> Scenario:
    """Two files: several hosts, older captures after newer ones, noise records, damage."""
    with WarcFile(folder / "2024-03-a.warc.gz") as first:
        first.warcinfo()
        first.request(DREDGING, T + timedelta(days=9))
        first.response(DREDGING, dredging(2), T + timedelta(days=9))  # the newest capture
        first.request(BUDGET, T + timedelta(days=4))
        first.response(BUDGET, budget(1), T + timedelta(days=4))
        first.response(BRIDGE_BY_ID, bridge("replacing it would cost nine"), T + timedelta(days=3))
        first.response("https://harbour.example/news/missing/", "Not here", T, status=404)
        first.response(
            "https://harbour.example/img/map.png", b"\x89PNG....", T, content_type="image/png"
        )
        first.revisit(DREDGING, T + timedelta(days=10))
        first.metadata(DREDGING, T + timedelta(days=9), "fetchTimeMs: 231\n")
        first.response(GULLS, coast("Gull census", "The gull census found fewer nests."), T)
        first.response(TIDES, coast("Record tides", "Record tides flooded the coast road."), T)
        first.response(DREDGING, dredging(1), T)  # older, after the newer one in the same file
    gulls = first.kinds.index("metadata") + 1
    damaged_at = first.offsets[gulls]
    cut_member(first.path, damaged_at, first.offsets[gulls + 1])  # its member, truncated
    with WarcFile(folder / "2024-03-b.warc.gz") as second:
        second.warcinfo()
        second.response(DREDGING, dredging(0), T - timedelta(days=10))  # older, in a later file
        second.response(BUDGET, budget(2), T + timedelta(days=19))  # newer and changed
        second.response(BRIDGE, bridge("replacing it would now cost eleven"), T + timedelta(days=6))
    return Scenario([first, second], damaged_at)


@pytest.fixture(scope="module")
def imported(es: Elasticsearch, es_url: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from pipeline.index import drop_index

    folder = tmp_path_factory.mktemp("warcs")
    scenario = write_scenario(folder)
    data_dir = tmp_path_factory.mktemp("data")
    alias = f"test-import-{os.urandom(5).hex()}"
    started = time.monotonic()
    code, summary, stderr = run_import(
        *scenario.paths, "--index", alias, "--workers", "2", "--batch-size", "2",
        es_url=es_url, data_dir=data_dir,
    )  # fmt: skip
    yield scenario, alias, data_dir, code, summary, stderr, time.monotonic() - started
    drop_index(es, alias)


def test_each_article_is_indexed_exactly_once_whatever_url_or_file_it_came_from(
    es: Elasticsearch, imported: Any
) -> None:
    _, alias, _, code, summary, stderr, _ = imported
    assert code == 0, stderr[-3000:]
    assert duplicated_canonical_urls(es, alias) == []
    docs = stored(es, alias)
    assert sorted(d["canonical_url"] for d in docs.values()) == sorted(
        canonical_url(u) for u in (DREDGING, BUDGET, BRIDGE, TIDES)
    )
    assert set(docs) == {document_id(canonical_url(u)) for u in (DREDGING, BUDGET, BRIDGE, TIDES)}
    assert summary["indexed"] == 4


def test_the_newest_capture_wins_not_the_last_one_read(es: Elasticsearch, imported: Any) -> None:
    _, alias, _, _, _, _, _ = imported
    docs = stored(es, alias)
    article = docs[document_id(canonical_url(DREDGING))]
    # The newest capture came first in the first file; older ones followed it in that file
    # and in the second file, and changed nothing.
    assert "resume in May" in article["body"]
    assert "delayed." not in article["body"] and "early spring" not in article["body"]
    assert article["fetched_at"].startswith((T + timedelta(days=9)).date().isoformat())
    budget_doc = docs[document_id(canonical_url(BUDGET))]
    assert "four more reading teachers" in budget_doc["body"]
    assert budget_doc["fetched_at"].startswith((T + timedelta(days=19)).date().isoformat())
    bridge_doc = docs[document_id(canonical_url(BRIDGE))]
    assert bridge_doc["url"] == BRIDGE  # the article's own page, newer than the ?id= variant
    assert "now cost eleven" in bridge_doc["body"]
    assert bridge_doc["source"] == "valley.example"  # no configured source: the host


def test_every_record_is_accounted_for_by_reason(imported: Any) -> None:
    scenario, _, _, _, summary, _, _ = imported
    assert summary["balanced"]
    assert summary["records"] == scenario.records
    reasons = summary["skipped_by_reason"]
    assert reasons["warc/warcinfo"] == 2
    assert reasons["warc/request"] == 2
    assert reasons["warc/revisit"] == 1 and summary["revisits"] == 1
    assert reasons["warc/metadata"] == 1
    assert reasons["fetch/http_404"] == 1
    assert reasons["validate/not_html"] == 1
    assert reasons["warc/damaged"] == 1 and summary["damaged"] == 1
    assert any(f"@{scenario.damaged_at}" in p for p in summary["problems"])
    # 8 responses became documents; the 4 articles were created once each, the other captures
    # (older, or another URL of the same article) changed nothing.
    assert summary["indexed"] + summary["unchanged"] + summary["updated"] == 8
    assert summary["dead_lettered"] == 0


def test_progress_lines_report_records_and_documents_per_second(imported: Any) -> None:
    *_, stderr, _ = imported
    lines = [line for line in stderr.splitlines() if line.startswith("import:")]
    assert lines, stderr[-2000:]
    assert "records (" in lines[-1] and "/s), " in lines[-1] and "documents (" in lines[-1]


def test_a_second_import_of_the_same_files_changes_nothing(
    es: Elasticsearch, es_url: str, imported: Any
) -> None:
    scenario, alias, data_dir, _, first, _, _ = imported
    before = stored(es, alias)
    code, again, _ = run_import(
        *scenario.paths, "--index", alias, "--workers", "2", es_url=es_url, data_dir=data_dir
    )
    assert code == 0
    # The ledger knows both files are done: nothing is read, the summary is the first one's.
    assert again["records_this_run"] == 0
    assert again["parts_done_before"] == again["parts"] == 2
    assert again["records"] == first["records"] and again["balanced"]
    # Read once more from the start: every capture reaches the writer, none changes a document.
    code, reread, stderr = run_import(
        *scenario.paths, "--index", alias, "--again", es_url=es_url, data_dir=data_dir
    )
    assert code == 0, stderr[-3000:]
    assert reread["records_this_run"] == scenario.records
    assert (reread["indexed"], reread["updated"]) == (0, 0)
    assert reread["unchanged"] == 8 and reread["balanced"]
    assert stored(es, alias) == before  # same sources, same sequence numbers: no write at all


def test_a_newer_changed_capture_becomes_the_next_revision(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    with WarcFile(tmp_path / "1.warc.gz") as old:
        old.response(BUDGET, budget(1), T)
    with WarcFile(tmp_path / "2.warc.gz") as new:
        new.response(BUDGET, budget(2), T + timedelta(days=5))
    with WarcFile(tmp_path / "3.warc.gz") as older:
        older.response(BUDGET, budget(1), T - timedelta(days=5))
    doc_id = document_id(canonical_url(BUDGET))
    outcomes = []
    for warc in (old, new, older):
        code, summary, stderr = run_import(
            str(warc.path), "--index", alias, "--workers", "0",
            es_url=es_url, data_dir=tmp_path / "data",
        )  # fmt: skip
        assert code == 0, stderr[-3000:]
        outcomes.append((summary["indexed"], summary["updated"], summary["unchanged"]))
        if warc is new:
            revised = es.get(index=alias, id=doc_id)["_source"]
    assert outcomes == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    assert revised["revision"] == 2
    final = es.get(index=alias, id=doc_id)["_source"]
    assert final == revised  # the older capture left the revision alone
    assert "four more reading teachers" in final["body"]
    assert final["published_at"].startswith("2024-03-01")


def _articles_warc(path: Path, count: int) -> WarcFile:
    with WarcFile(path) as warc:
        warc.warcinfo()
        for n in range(count):
            url = f"https://tide{n % 3}.example/news/2024/02/tide-table-{n}/"
            text = [
                f"The tide table for pier {n} shows the highest water at dawn on Saturday.",
                f"Harbour master note {n}: moorings on the east side must be checked twice daily.",
            ]
            warc.response(url, article_html(f"Tide table for pier {n}", text), T)
    return warc


def test_an_import_killed_with_sigkill_resumes_without_duplicates(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    warc = _articles_warc(tmp_path / "tides.warc.gz", 240)
    data_dir = tmp_path / "data"
    cmd = [
        sys.executable, "-m", "pipeline.cli", "import", str(warc.path), "--index", alias,
        "--workers", "2", "--batch-size", "5", "--json", "--data-dir", str(data_dir),
    ]  # fmt: skip
    env = {**os.environ, "ELASTICSEARCH_URL": es_url}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ledger = data_dir / "imports" / "ledger.sqlite"
    deadline = time.monotonic() + 120
    checkpoint = 0
    while time.monotonic() < deadline and proc.poll() is None:
        rows: list[tuple[int, int]] = []
        if ledger.exists():
            try:
                with sqlite3.connect(ledger) as db:
                    rows = db.execute("SELECT next_offset, done FROM parts").fetchall()
            except sqlite3.OperationalError:  # created a moment ago, its table not yet
                rows = []
            if any(offset > 0 and not done for offset, done in rows):
                checkpoint = max(offset for offset, _ in rows)
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be interrupted"
    assert checkpoint > 0
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]
    time.sleep(2)  # the workers notice their import is gone within half a second
    es.indices.refresh(index=alias)
    written_before = es.count(index=alias)["count"]
    assert 0 < written_before < 240

    code, summary, stderr = run_import(
        str(warc.path), "--index", alias, "--workers", "2", "--batch-size", "5",
        es_url=es_url, data_dir=data_dir,
    )  # fmt: skip
    assert code == 0, stderr[-3000:]
    assert 0 < summary["records_this_run"] < summary["records"] == 241  # resumed, not restarted
    assert summary["balanced"]
    assert summary["indexed"] + summary["unchanged"] == 240
    assert es.count(index=alias)["count"] == 240
    assert duplicated_canonical_urls(es, alias) == []
