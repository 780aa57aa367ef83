"""What an import has finished, so that an interrupted one continues where it stopped.

``<data dir>/imports/ledger.sqlite`` keeps, per import *job* and part: the offset of the first
record not yet settled, whether the part is done, and the tally of the records before that
offset. A worker reports a checkpoint only after the documents of the records before it are
written (or spooled), so a killed import loses nothing: the records after the last checkpoint
are read again, and re-writing what was already written is a no-op (same ids, same versions).

A job is named by what selects documents -- alias, source, hosts, capture dates -- not by its
inputs: the same filters over more files (January, then January to March) go on from the
files already done, while another host list is another job that reads them again. Only the
import's main process writes here, one short transaction per checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.backfill.tally import Tally

__all__ = ["FILE_NAME", "ImportLedger", "PartState", "job_key"]

FILE_NAME = "ledger.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS parts (
    job TEXT, part TEXT, location TEXT, next_offset INTEGER, done INTEGER, tally TEXT,
    PRIMARY KEY (job, part));
"""


def job_key(selection: dict[str, Any]) -> str:
    """A stable short name for the import whose document selection is ``selection``."""
    canonical = json.dumps(selection, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PartState:
    next_offset: int
    done: bool
    tally: Tally


class ImportLedger:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "imports" / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread off: with --workers 0 the checkpoints come from the writer thread.
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def state(self, job: str, part: str) -> PartState | None:
        row = self._db.execute(
            "SELECT next_offset, done, tally FROM parts WHERE job = ? AND part = ?", (job, part)
        ).fetchone()
        if row is None:
            return None
        return PartState(int(row[0]), bool(row[1]), Tally.from_dict(json.loads(row[2])))

    def save(
        self, job: str, part: str, location: str, next_offset: int, done: bool, tally: Tally
    ) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?)",
                (job, part, location, next_offset, int(done), json.dumps(tally.to_dict())),
            )

    def forget(self, job: str, parts: list[str]) -> None:
        """Drop what the ledger knows of ``parts`` (``--again``: read them from the start)."""
        with self._db:
            self._db.executemany(
                "DELETE FROM parts WHERE job = ? AND part = ?", [(job, p) for p in parts]
            )

    def close(self) -> None:
        self._db.close()
