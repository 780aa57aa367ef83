"""Read captures back from the WARC archive: one by its location, or all of a folder in order.

Used by re-processing, which must work with the network unreachable: everything it needs (URL,
status, headers, body, capture date) is in the response record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from pipeline.archive.writer import KIND_HEADER, WarcLocation


@dataclass(frozen=True, slots=True)
class Capture:
    """One archived HTTP response."""

    url: str
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes
    captured_at: datetime
    location: WarcLocation
    kind: str | None = None  # what the crawler fetched it as: article, feed, sitemap, page


def read_capture(root: Path, location: WarcLocation) -> Capture:
    """The response record at ``location``; raises ``ValueError`` if something else is there."""
    path = root / location.file
    with path.open("rb") as fh:
        fh.seek(location.offset)
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                raise ValueError(f"{path}@{location.offset} is a {record.rec_type} record")
            return _capture(record, location)
    raise ValueError(f"no WARC record at {path}@{location.offset}")


def iter_captures(root: Path) -> Iterator[Capture]:
    """Every response record under ``root``, file by file in name order (oldest first)."""
    for path in sorted(root.rglob("*.warc.gz")):
        relative = path.relative_to(root).as_posix()
        with path.open("rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                if record.rec_type == "response":
                    offset = iterator.get_record_offset()
                    yield _capture(record, WarcLocation(relative, offset))


def _capture(record: ArcWarcRecord, location: WarcLocation) -> Capture:
    http = record.http_headers
    status = int(http.get_statuscode()) if http is not None else 0
    headers = {k.lower(): v for k, v in http.headers} if http is not None else {}
    date = record.rec_headers.get_header("WARC-Date") or ""
    captured = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(UTC)
    return Capture(
        url=str(record.rec_headers.get_header("WARC-Target-URI")),
        status=status,
        headers=headers,
        body=record.content_stream().read(),
        captured_at=captured,
        location=location,
        kind=record.rec_headers.get_header(KIND_HEADER),
    )
