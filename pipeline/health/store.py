"""Run health in the run history: a ``health`` table beside the scheduler's ``runs``.

One row per source and run, written by the run itself when it ends (the crawl's extension, the
re-processing), whether the scheduler started it or an operator did. The row keeps the whole
``RunHealth`` as JSON plus the columns it is looked up by, and the run folder, which joins it to
the scheduler's ``runs`` row of the same run.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.health.measures import RunHealth

_SCHEMA = """
CREATE TABLE IF NOT EXISTS health (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    run_dir      TEXT,
    documents    INTEGER NOT NULL,
    data         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS health_source_finished ON health (source, finished_at);
"""


class HealthStore:
    """The ``health`` table of ``<data dir>/state/scheduler.sqlite3`` (``state_db_path``)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db
        finally:
            db.close()

    def add(self, health: RunHealth) -> int:
        data = health.to_dict()
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO health (source, kind, started_at, finished_at, run_dir, documents,"
                " data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    health.source,
                    health.kind,
                    data["started_at"],
                    data["finished_at"],
                    health.run_dir,
                    health.documents,
                    json.dumps(data),
                ),
            )
            return int(cursor.lastrowid or 0)

    def recent(self, source: str, limit: int) -> list[RunHealth]:
        """The last ``limit`` runs of ``source``, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, data FROM health WHERE source = ? ORDER BY id DESC LIMIT ?",
                (source, limit),
            ).fetchall()
        return [RunHealth.from_dict(json.loads(data), id=int(i)) for i, data in reversed(rows)]

    def sources(self) -> list[str]:
        with self._connect() as db:
            rows = db.execute("SELECT DISTINCT source FROM health ORDER BY source").fetchall()
        return [str(r[0]) for r in rows]
