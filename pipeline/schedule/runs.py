"""The scheduler's memory: one SQLite row per crawl run, surviving restarts.

A run row is inserted when the crawl process starts (status ``running``) and completed when it
exits, with the counts of the run's summary. Per-source state (last start, last success, last
error) is derived from these rows rather than stored twice, so it cannot disagree with them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COUNTS = ("fetched", "indexed", "updated", "unchanged", "skipped", "dead_lettered")
RUNNING, SUCCEEDED, FAILED, INTERRUPTED, ABANDONED = (
    "running",
    "succeeded",
    "failed",
    "interrupted",
    "abandoned",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL,
    exit_code    INTEGER,
    pid          INTEGER,
    run_dir      TEXT,
    log_file     TEXT,
    error        TEXT,
    {", ".join(f"{c} INTEGER" for c in COUNTS)}
);
CREATE INDEX IF NOT EXISTS runs_source_started ON runs (source, started_at);
CREATE TABLE IF NOT EXISTS polling (
    source       TEXT PRIMARY KEY,
    interval     REAL NOT NULL,
    failures     INTEGER NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    polls        INTEGER NOT NULL,
    min_seconds  REAL NOT NULL,
    max_seconds  REAL NOT NULL,
    last_poll_at TEXT,
    updated_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule (
    source       TEXT PRIMARY KEY,
    cadence      TEXT NOT NULL,
    next_run_at  TEXT,
    updated_at   TEXT NOT NULL
);
"""


def state_db_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "state" / "scheduler.sqlite3"


@dataclass(frozen=True)
class RunRecord:
    id: int
    source: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    exit_code: int | None
    pid: int | None
    run_dir: str | None
    log_file: str | None
    error: str | None
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "status": self.status,
            "exit_code": self.exit_code,
            "run_dir": self.run_dir,
            "log_file": self.log_file,
            "error": self.error,
            **self.counts,
        }


@dataclass(frozen=True)
class SourceState:
    """What the scheduler remembers about a source, from its runs."""

    source: str
    last_start: datetime | None
    last_status: str | None
    last_success: datetime | None
    last_error: str | None
    cadence: str | None = None  # as the running scheduler reads it; None: never scheduled
    next_run: datetime | None = None  # None: no scheduler is running it
    # Adaptive polling (pipeline.schedule.adaptive): interval, status, why; None: not polled.
    poll: dict[str, Any] | None = None


class RunStore:
    """Run rows in ``<data dir>/state/scheduler.sqlite3``; safe to open from several threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per call: job threads and the main thread share the store.
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one unit of work: committed on success, always closed."""
        db = sqlite3.connect(self.path, timeout=30.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db
        finally:
            db.close()

    def start(self, source: str, *, pid: int | None = None, log_file: str | None = None) -> int:
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO runs (source, started_at, status, pid, log_file)"
                " VALUES (?, ?, ?, ?, ?)",
                (source, _now(), RUNNING, pid, log_file),
            )
            return int(cursor.lastrowid or 0)

    def set_pid(self, run_id: int, pid: int) -> None:
        with self._connect() as db:
            db.execute("UPDATE runs SET pid = ? WHERE id = ?", (pid, run_id))

    def finish(
        self,
        run_id: int,
        *,
        status: str,
        exit_code: int | None,
        summary: dict[str, Any] | None,
        error: str | None,
    ) -> None:
        summary = summary or {}
        counts = [int(summary.get(c, 0) or 0) if summary else None for c in COUNTS]
        with self._connect() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, run_dir = ?,"
                f" error = ?, {', '.join(f'{c} = ?' for c in COUNTS)} WHERE id = ?",
                (_now(), status, exit_code, summary.get("run_dir"), error, *counts, run_id),
            )

    def abandon_running(self, source: str) -> int:
        """Mark runs left ``running`` by a scheduler that died as ``abandoned``."""
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE runs SET status = ?, finished_at = ?, error = ?"
                " WHERE source = ? AND status = ?",
                (
                    ABANDONED,
                    _now(),
                    "the scheduler stopped without recording an end",
                    source,
                    RUNNING,
                ),
            )
            return cursor.rowcount

    def recent(self, *, source: str | None = None, limit: int = 20) -> list[RunRecord]:
        query = "SELECT * FROM runs"
        params: list[Any] = []
        if source:
            query += " WHERE source = ?"
            params.append(source)
        query += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [_record(row) for row in db.execute(query, params).fetchall()]

    def state(self, source: str) -> SourceState:
        with self._connect() as db:
            last = db.execute(
                "SELECT started_at, status FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1",
                (source,),
            ).fetchone()
            ok = db.execute(
                "SELECT started_at FROM runs WHERE source = ? AND status = ?"
                " ORDER BY id DESC LIMIT 1",
                (source, SUCCEEDED),
            ).fetchone()
            err = db.execute(
                "SELECT error FROM runs WHERE source = ? AND error IS NOT NULL"
                " ORDER BY id DESC LIMIT 1",
                (source,),
            ).fetchone()
            planned = db.execute(
                "SELECT cadence, next_run_at FROM schedule WHERE source = ?", (source,)
            ).fetchone()
        poll = self.poll_row(source)
        return SourceState(
            source=source,
            last_start=datetime.fromisoformat(last[0]) if last else None,
            last_status=last[1] if last else None,
            last_success=datetime.fromisoformat(ok[0]) if ok else None,
            last_error=err[0] if err else None,
            cadence=planned[0] if planned else None,
            next_run=datetime.fromisoformat(planned[1]) if planned and planned[1] else None,
            poll=poll,
        )

    def poll_row(self, source: str) -> dict[str, Any] | None:
        """The adaptive polling state of ``source`` (the columns of ``polling``), if any."""
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM polling WHERE source = ?", (source,)).fetchone()
        return dict(row) if row is not None else None

    def set_poll_row(self, source: str, **values: Any) -> None:
        """Record a source's polling state after a poll (every column but ``updated_at``)."""
        columns = ["source", *values, "updated_at"]
        with self._connect() as db:
            db.execute(
                f"INSERT OR REPLACE INTO polling ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                (source, *values.values(), _now()),
            )

    def set_next_run(self, source: str, cadence: str, next_run: datetime | None) -> None:
        """What the running scheduler plans for a source (None when it stops)."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO schedule (source, cadence, next_run_at, updated_at)"
                " VALUES (?, ?, ?, ?)",
                (source, cadence, next_run.isoformat() if next_run else None, _now()),
            )

    def sources(self) -> list[str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT source FROM runs UNION SELECT source FROM schedule"
                " UNION SELECT source FROM polling ORDER BY source"
            ).fetchall()
        return [r[0] for r in rows]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=int(row["id"]),
        source=row["source"],
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=datetime.fromisoformat(row["finished_at"]) if row["finished_at"] else None,
        status=row["status"],
        exit_code=row["exit_code"],
        pid=row["pid"],
        run_dir=row["run_dir"],
        log_file=row["log_file"],
        error=row["error"],
        counts={c: int(row[c]) for c in COUNTS if row[c] is not None},
    )
