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
from collections.abc import Iterable
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

    def get(self, url: str) -> UrlRecord | None:
        row = self._db.execute(
            "SELECT url, canonical_url, etag, last_modified, content_hash, last_seen, last_status"
            " FROM urls WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        return UrlRecord(
            url=row[0],
            canonical_url=row[1],
            etag=row[2],
            last_modified=row[3],
            content_hash=row[4],
            last_seen=datetime.fromisoformat(row[5]),
            last_status=int(row[6]),
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
            )
            for r in records
        ]
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO urls (url, canonical_url, etag, last_modified,"
                " content_hash, last_seen, last_status) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
