"""Read captures back from the WARC archive: one by its location, or all of a folder in order.

Used by re-processing, which must work with the network unreachable: everything it needs (URL,
status, headers, body, capture date) is in the response record.

A file cut short (a crawl killed mid-write, a full disk, a partial copy) ends in a record that is
incomplete; warcio's iterator silently stops there. Reading here detects it -- a record shorter
than its ``Content-Length``, bytes after the last complete record, or a stream that fails to
decompress -- keeps every complete record before it, and logs a warning naming the file and the
byte where the damage starts (``check_warc`` reports the same without reading bodies for use).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from pipeline.archive.writer import KIND_HEADER, WarcLocation

log = logging.getLogger(__name__)


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
    with path.open("rb") as fh, path.open("rb") as raw:
        fh.seek(location.offset)
        iterator = ArchiveIterator(fh)
        try:
            for record in iterator:
                if record.rec_type != "response":
                    raise ValueError(f"{path}@{location.offset} is a {record.rec_type} record")
                body = record.content_stream().read()
                length = iterator.get_record_length()
                if _missing(record) or not _whole_gzip_member(raw, location.offset, length):
                    raise ValueError(f"truncated WARC record at {path}@{location.offset}")
                return _capture(record, body, location)
        except ValueError:
            raise
        except Exception as exc:  # damaged bytes fail anywhere in warcio, in any way
            raise ValueError(f"damaged WARC record at {path}@{location.offset}: {exc}") from exc
    if location.offset < path.stat().st_size:
        raise ValueError(f"truncated WARC record at {path}@{location.offset}: the file ends in it")
    raise ValueError(f"no WARC record at {path}@{location.offset}: past the end of the file")


def iter_captures(root: Path) -> Iterator[Capture]:
    """Every complete response record under ``root``, file by file in name order (oldest
    first); a truncated file gives its complete records and a warning."""
    for path in sorted(root.rglob("*.warc.gz")):
        scan = _Scan(path, path.relative_to(root).as_posix())
        yield from scan
        scan.report()


@dataclass(frozen=True)
class WarcCheck:
    """What reading one WARC file found: its complete records and where damage starts."""

    path: Path
    records: int  # complete records of any type (warcinfo, request, response)
    responses: int  # complete response records: the captures that can be used
    complete_bytes: int  # where the last complete record ends
    size: int
    problem: str | None  # None for an intact file

    @property
    def truncated(self) -> bool:
        return self.problem is not None


def check_warc(path: Path) -> WarcCheck:
    """Read ``path`` through and say whether it is intact (logs a warning if not)."""
    scan = _Scan(path, path.name)
    for _ in scan:
        pass
    scan.report()
    return scan.result()


class _Scan:
    """One pass over a WARC file, yielding its complete captures and noting any truncation."""

    def __init__(self, path: Path, relative: str) -> None:
        self.path = path
        self.relative = relative
        self.records = self.responses = self.end = 0
        self.problem: str | None = None

    def __iter__(self) -> Iterator[Capture]:
        with self.path.open("rb") as fh, self.path.open("rb") as raw:
            iterator = ArchiveIterator(fh)
            try:
                for record in iterator:
                    body = record.content_stream().read()
                    offset = iterator.get_record_offset()
                    if _missing(record):
                        self.problem = (
                            f"the record at byte {offset} ends {_missing(record)} bytes short "
                            "of its Content-Length"
                        )
                        break
                    length = iterator.get_record_length()
                    if not _whole_gzip_member(raw, offset, length):
                        self.problem = f"the record at byte {offset} is cut off mid-stream"
                        break
                    self.records += 1
                    self.end = offset + length
                    if record.rec_type == "response":
                        self.responses += 1
                        yield _capture(record, body, WarcLocation(self.relative, offset))
            except Exception as exc:  # damaged bytes fail anywhere in warcio, in any way
                self.problem = f"unreadable after byte {self.end}: {type(exc).__name__}: {exc}"
        size = self.path.stat().st_size
        if self.problem is None and self.end < size:
            self.problem = (
                f"{size - self.end} bytes after the last complete record (at byte {self.end}) "
                "are not a complete record"
            )

    def result(self) -> WarcCheck:
        return WarcCheck(
            self.path,
            self.records,
            self.responses,
            self.end,
            self.path.stat().st_size,
            self.problem,
        )

    def report(self) -> None:
        if self.problem is not None:
            log.warning(
                "truncated WARC file %s: %s; its %d complete records (%d captures) are kept",
                self.path,
                self.problem,
                self.records,
                self.responses,
            )


def _whole_gzip_member(fh: BinaryIO, offset: int, length: int) -> bool:
    """True when the ``length`` bytes at ``offset`` hold a gzip member up to its CRC trailer.

    Each record is its own gzip member, so a record cut anywhere -- even inside its WARC
    headers, where warcio would parse what is left as a short record -- fails this.
    """
    fh.seek(offset)
    inflater = zlib.decompressobj(wbits=31)
    try:
        inflater.decompress(fh.read(length))
    except zlib.error:
        return False
    return inflater.eof


def _missing(record: ArcWarcRecord) -> int:
    """How many bytes of its declared ``Content-Length`` the (fully read) record lacks."""
    return int(getattr(record.raw_stream, "limit", 0) or 0)


def _capture(record: ArcWarcRecord, body: bytes, location: WarcLocation) -> Capture:
    http = record.http_headers
    status = int(http.get_statuscode()) if http is not None else 0
    headers = {k.lower(): v for k, v in http.headers} if http is not None else {}
    date = record.rec_headers.get_header("WARC-Date") or ""
    captured = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(UTC)
    return Capture(
        url=str(record.rec_headers.get_header("WARC-Target-URI")),
        status=status,
        headers=headers,
        body=body,
        captured_at=captured,
        location=location,
        kind=record.rec_headers.get_header(KIND_HEADER),
    )
