"""Per-source memory of body lines, and the review state of learned patterns (SQLite).

One file, ``<data dir>/boilerplate.sqlite``, shared by crawl processes of different sources
(WAL mode, a busy timeout). Each observed page is remembered by URL, so a re-crawl of the
same page does not count twice. What the rules need is kept as counters, updated as pages
arrive: pages per source, distinct pages per line key, sightings per (key, position). The
periodic refresh then reads only the keys frequent enough to matter (an index on the page
count) instead of grouping every sighting of the source, so a crawl's learning costs the
same per page on its 50,000th page as on its 50th.

Writes are batched: ``observe`` buffers pages in memory and writes them in one transaction
every ``COMMIT_EVERY`` pages, before any read (so the crawl's learner, which re-reads its
patterns every few pages, is never behind) and on ``flush``/``close``. No transaction stays
open between pages: crawls of other sources sharing the file never wait on a slow, polite
crawl's lock; another process sees this one's pages at most ``COMMIT_EVERY`` pages late.

A pattern's review status is "pending" until someone accepts or rejects it:

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
    candidate_floor,
    is_candidate,
    is_confident,
    line_pattern,
)

FILE_NAME = "boilerplate.sqlite"
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
# Pages written per transaction at most: one commit per page cost more than the counting
# itself; a crash loses at most this many pages' observations.
COMMIT_EVERY = 25
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (source TEXT, url TEXT, PRIMARY KEY (source, url));
CREATE TABLE IF NOT EXISTS source_counts (source TEXT PRIMARY KEY, pages INTEGER);
CREATE TABLE IF NOT EXISTS line_counts (
    source TEXT, key TEXT, pages INTEGER, example TEXT, PRIMARY KEY (source, key));
CREATE INDEX IF NOT EXISTS line_counts_by_pages ON line_counts (source, pages);
CREATE TABLE IF NOT EXISTS line_positions (
    source TEXT, key TEXT, position TEXT, sightings INTEGER,
    PRIMARY KEY (source, key, position));
CREATE TABLE IF NOT EXISTS reviews (
    source TEXT, key TEXT, status TEXT, PRIMARY KEY (source, key));
"""
# Stores written before the counters kept one row per (source, key, page URL).
_BACKFILL = """
INSERT INTO source_counts SELECT source, COUNT(*) FROM pages GROUP BY source;
INSERT INTO line_counts
    SELECT source, key, COUNT(*), MIN(example) FROM sightings GROUP BY source, key;
INSERT INTO line_positions
    SELECT source, key, position, COUNT(*) FROM sightings GROUP BY source, key, position;
"""
_COUNT_LINE = """
INSERT INTO line_counts VALUES (?, ?, 1, ?)
ON CONFLICT (source, key) DO UPDATE SET
    pages = pages + 1, example = MIN(example, excluded.example)"""
_COUNT_POSITION = """
INSERT INTO line_positions VALUES (?, ?, ?, 1)
ON CONFLICT (source, key, position) DO UPDATE SET sightings = sightings + 1"""


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
        self._buffer: list[tuple[str, str, list[Sighting]]] = []
        with self._db:
            upgrading = self._has_table("sightings") and not self._has_table("line_counts")
            self._db.executescript(_SCHEMA)
            if upgrading:
                self._db.executescript(_BACKFILL)

    def flush(self) -> None:
        """Write the buffered pages in one transaction."""
        pages, self._buffer = self._buffer, []
        if not pages:
            return
        with self._db:
            for source, url, seen in pages:
                self._count(source, url, seen)

    def close(self) -> None:
        """Commit what is pending and release the database file."""
        self.flush()
        self._db.close()

    def observe(self, source: str, url: str, seen: Iterable[Sighting]) -> None:
        """Record one extracted page of ``source`` and the body lines it showed (once per URL)."""
        self._buffer.append((source, url, list(seen)))
        if len(self._buffer) >= COMMIT_EVERY:
            self.flush()

    def _count(self, source: str, url: str, seen: list[Sighting]) -> None:
        """Add one page to the counters, unless its URL was counted before."""
        db = self._db
        if db.execute("INSERT OR IGNORE INTO pages VALUES (?, ?)", (source, url)).rowcount == 0:
            return  # observed before: counting it again would inflate its lines
        db.execute(
            "INSERT INTO source_counts VALUES (?, 1) "
            "ON CONFLICT (source) DO UPDATE SET pages = pages + 1",
            (source,),
        )
        first: dict[str, Sighting] = {}
        for s in seen:
            first.setdefault(s.key, s)  # a line repeated on a page counts once, where first seen
        db.executemany(_COUNT_LINE, [(source, s.key, s.text) for s in first.values()])
        db.executemany(_COUNT_POSITION, [(source, s.key, s.position) for s in first.values()])

    def source_pages(self, source: str) -> int:
        """How many distinct pages of ``source`` have been observed."""
        self.flush()
        row = self._db.execute(
            "SELECT pages FROM source_counts WHERE source = ?", (source,)
        ).fetchone()
        return int(row[0]) if row else 0

    def line_stats(self, source: str, min_pages: float = 2) -> list[LineStats]:
        """Statistics of every line of ``source`` seen on at least ``min_pages`` pages.

        A range scan of the page-count index: the cost follows the number of frequent lines,
        not the number of pages observed.
        """
        self.flush()
        rows = self._db.execute(
            "SELECT key, example, pages FROM line_counts WHERE source = ? AND pages >= ?",
            (source, max(min_pages, 2)),
        ).fetchall()
        return [self._stats(source, str(key), str(ex), int(n)) for key, ex, n in rows]

    def candidates(self, source: str) -> list[Candidate]:
        """Learned lines of ``source`` (and reviewed ones), most widespread first."""
        total = self.source_pages(source)
        reviews = self._reviews(source)
        stats = {s.key: s for s in self.line_stats(source, candidate_floor(total))}
        for key in reviews.keys() - stats.keys():
            row = self._db.execute(
                "SELECT example, pages FROM line_counts WHERE source = ? AND key = ? AND pages > 1",
                (source, key),
            ).fetchone()
            if row is not None:
                stats[key] = self._stats(source, key, str(row[0]), int(row[1]))
        found = [s for s in stats.values() if is_candidate(s, total) or s.key in reviews]
        found.sort(key=lambda s: (-s.pages, s.key))
        result = []
        for number, line in enumerate(found, start=1):
            status = reviews.get(line.key, PENDING)
            applied = status == ACCEPTED or (status == PENDING and is_confident(line, total))
            result.append(
                Candidate(number, line.key, line.example, line.pages, total, status, applied)
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

    def _stats(self, source: str, key: str, example: str, pages: int) -> LineStats:
        """One key's statistics, with its most common position (ties: the first by name)."""
        position, same = self._db.execute(
            """SELECT position, sightings FROM line_positions WHERE source = ? AND key = ?
               ORDER BY sightings DESC, position LIMIT 1""",
            (source, key),
        ).fetchone()
        return LineStats(key, example, pages, int(same), str(position))

    def _reviews(self, source: str) -> dict[str, str]:
        rows = self._db.execute("SELECT key, status FROM reviews WHERE source = ?", (source,))
        return {str(key): str(status) for key, status in rows}

    def _has_table(self, name: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None
