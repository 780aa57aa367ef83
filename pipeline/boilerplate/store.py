"""Per-source memory of body lines, and the review state of learned patterns (SQLite).

One file, ``<data dir>/boilerplate.sqlite``, shared by crawl processes of different sources
(WAL mode, a busy timeout). Sightings are kept per (source, line key, page URL), so a
re-crawl of the same page does not count twice. A pattern's review status is "pending"
until someone accepts or rejects it:

* accepted patterns are always applied;
* rejected patterns are never applied, however often they recur;
* pending candidates are applied only when confident (``learn.is_confident``), so a
  freshly learned line waits for more evidence or a review.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.boilerplate.learn import (
    LineStats,
    Sighting,
    is_candidate,
    is_confident,
    line_pattern,
)

FILE_NAME = "boilerplate.sqlite"
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (source TEXT, url TEXT, PRIMARY KEY (source, url));
CREATE TABLE IF NOT EXISTS sightings (
    source TEXT, key TEXT, url TEXT, position TEXT, example TEXT,
    PRIMARY KEY (source, key, url));
CREATE TABLE IF NOT EXISTS reviews (
    source TEXT, key TEXT, status TEXT, PRIMARY KEY (source, key));
"""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A learned line as shown for review."""

    id: int  # position in the review list, stable while no new candidate appears
    key: str
    example: str
    pages: int
    source_pages: int
    status: str
    applied: bool


class BoilerplateStore:
    """Reads and writes one data directory's learned boilerplate."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / FILE_NAME
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Release the database file."""
        self._db.close()

    def observe(self, source: str, url: str, seen: Iterable[Sighting]) -> None:
        """Record one extracted page of ``source`` and the body lines it showed."""
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO pages VALUES (?, ?)", (source, url))
            self._db.executemany(
                "INSERT OR IGNORE INTO sightings VALUES (?, ?, ?, ?, ?)",
                [(source, s.key, url, s.position, s.text) for s in seen],
            )

    def source_pages(self, source: str) -> int:
        """How many distinct pages of ``source`` have been observed."""
        row = self._db.execute("SELECT COUNT(*) FROM pages WHERE source = ?", (source,)).fetchone()
        return int(row[0])

    def line_stats(self, source: str) -> list[LineStats]:
        """Statistics of every line seen on more than one page of ``source``."""
        rows = self._db.execute(
            """SELECT key, MIN(example), COUNT(*) FROM sightings WHERE source = ?
               GROUP BY key HAVING COUNT(*) > 1""",
            (source,),
        ).fetchall()
        stats = []
        for key, example, pages in rows:
            position, same = self._db.execute(
                """SELECT position, COUNT(*) AS n FROM sightings WHERE source = ? AND key = ?
                   GROUP BY position ORDER BY n DESC, position LIMIT 1""",
                (source, key),
            ).fetchone()
            stats.append(LineStats(key, example, int(pages), int(same), position))
        return stats

    def candidates(self, source: str) -> list[Candidate]:
        """Learned lines of ``source`` (and reviewed ones), most widespread first."""
        total = self.source_pages(source)
        reviews = self._reviews(source)
        found = [s for s in self.line_stats(source) if is_candidate(s, total) or s.key in reviews]
        found.sort(key=lambda s: (-s.pages, s.key))
        result = []
        for number, stats in enumerate(found, start=1):
            status = reviews.get(stats.key, PENDING)
            applied = status == ACCEPTED or (status == PENDING and is_confident(stats, total))
            result.append(
                Candidate(number, stats.key, stats.example, stats.pages, total, status, applied)
            )
        return result

    def applied_patterns(self, source: str) -> tuple[re.Pattern[str], ...]:
        """Whole-line patterns to strip from the source's bodies now."""
        return tuple(line_pattern(c.key) for c in self.candidates(source) if c.applied)

    def review(self, source: str, keys: Iterable[str], status: str) -> int:
        """Mark learned lines accepted or rejected; returns how many were marked."""
        if status not in (ACCEPTED, REJECTED):
            raise ValueError(f"unknown review status: {status!r}")
        rows = [(source, key, status) for key in keys]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?)", rows)
        return len(rows)

    def _reviews(self, source: str) -> dict[str, str]:
        rows = self._db.execute("SELECT key, status FROM reviews WHERE source = ?", (source,))
        return {str(key): str(status) for key, status in rows}
