"""A SQLite table of every article URL fetched: validators, content hash, when and how it answered.

SQLite from the standard library because the state must survive crashes and restarts of a
long-lived scheduler, needs no server, and one file per data directory is easy to back up. Each
crawl process opens it, reads single rows by URL and writes records while it runs, each as soon
as the page's document is safely kept (see ``pipeline.crawl.state.middleware``): a killed crawl has
recorded what it finished and nothing else, so the next run neither downloads finished pages
again nor gets 304s for pages it never indexed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url            TEXT PRIMARY KEY,
    canonical_url  TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    content_hash   TEXT,
    last_seen      TEXT NOT NULL,
    last_status    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS urls_canonical ON urls (canonical_url);
"""
# Added for the revisit policy (pipeline.crawl.state.revisit): when the URL was first fetched,
# kept across every later write of its row. Stores made before it get the column on open.
_FIRST_SEEN = "ALTER TABLE urls ADD COLUMN first_seen TEXT"


def url_store_path(data_dir: Path | str) -> Path:
    """Where the URL store of a data directory lives."""
    return Path(data_dir) / "state" / "urls.sqlite3"


@dataclass(frozen=True, slots=True)
class UrlRecord:
    """What we know about one URL from its last fetch.

    ``last_modified`` is the server's ``Last-Modified`` header verbatim (an HTTP date), so it can
    be sent back unchanged in ``If-Modified-Since``; ``last_seen`` is our own clock (ISO 8601, UTC).
    """

    url: str
    canonical_url: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    last_seen: datetime
    last_status: int
    # When the URL was first fetched; None: only fetched once (then it is ``last_seen``).
    first_seen: datetime | None = None


class UrlStore:
    """Read and upsert ``UrlRecord`` rows; use as a context manager or call ``close()``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # timeout: the scheduler runs one crawl per source, and several sources may close at once.
        self._db = sqlite3.connect(self.path, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A commit is then a write() to the WAL without fsync: it survives the crawl process being
        # killed; a power cut may lose the last commits, which only means fetching those pages
        # again (never a record for a page that was not kept). Many small commits stay cheap.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(urls)")}
        if "first_seen" not in columns:
            with self._db:
                self._db.execute(_FIRST_SEEN)

    def get(self, url: str) -> UrlRecord | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM urls WHERE url = ?",
            (url,),
        ).fetchone()
        return None if row is None else _record(row)

    def fetched(self) -> Iterator[UrlRecord]:
        """Every URL whose last answer was a page (200) or its confirmation (304)."""
        yield from (
            _record(row)
            for row in self._db.execute(
                f"SELECT {_COLUMNS} FROM urls WHERE last_status IN (200, 304)"
                " AND content_hash IS NOT NULL ORDER BY url"
            ).fetchall()
        )

    def put_many(self, records: Iterable[UrlRecord]) -> int:
        """Insert or replace records in one transaction; returns how many were written."""
        rows = [
            (
                r.url,
                r.canonical_url,
                r.etag,
                r.last_modified,
                r.content_hash,
                r.last_seen.isoformat(),
                r.last_status,
                r.first_seen.isoformat() if r.first_seen else None,
            )
            for r in records
        ]
        with self._db:
            # An upsert, not INSERT OR REPLACE: the first fetch time stays what it was. Writers
            # do not know it (None): a row's first write leaves it empty, the next one sets it
            # to that first write's ``last_seen``.
            self._db.executemany(
                "INSERT INTO urls (url, canonical_url, etag, last_modified, content_hash,"
                " last_seen, last_status, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET canonical_url = excluded.canonical_url,"
                " etag = excluded.etag, last_modified = excluded.last_modified,"
                " content_hash = excluded.content_hash, last_seen = excluded.last_seen,"
                " last_status = excluded.last_status,"
                " first_seen = COALESCE(urls.first_seen, excluded.first_seen, urls.last_seen)",
                rows,
            )
        return len(rows)

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM urls").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> UrlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_COLUMNS = (
    "url, canonical_url, etag, last_modified, content_hash, last_seen, last_status, first_seen"
)


def _record(row: tuple[str, ...]) -> UrlRecord:
    return UrlRecord(
        url=row[0],
        canonical_url=row[1],
        etag=row[2],
        last_modified=row[3],
        content_hash=row[4],
        last_seen=datetime.fromisoformat(row[5]),
        last_status=int(row[6]),
        first_seen=datetime.fromisoformat(row[7]) if row[7] else None,
    )
