"""The records of one part of a WARC file, read with FastWARC, damage included.

Why FastWARC and not warcio (which the crawl's own archive writer uses): reading is the whole
cost of a filtered import, and on the benchmark's WARC of 532 real pages FastWARC read every
response 1.1-2.6x faster than warcio, never slower (benchmarks/RESULTS.md, "import").

Each record's head (type, URL, capture date, HTTP status and headers) is shown to a ``select``
callback first; its body is read only when ``select`` returns no skip reason, so records that a
filter drops cost their decompression and nothing else.

Damage never ends an import. A record whose body is shorter than its declared length (a file
cut short) and a member that fails to inflate (flipped bytes, a truncated member with more
records after it) each come out as one ``Damaged`` record with its offset, and reading goes on
at the next intact record (``members.find_record_start``). A remote stream that breaks is
re-opened at the same record once before the record counts as damaged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord

from pipeline.backfill.inputs import is_remote, open_at
from pipeline.backfill.members import find_record_start, is_gzip, member_end

log = logging.getLogger(__name__)

__all__ = ["DAMAGED", "TRUNCATED", "Damaged", "Head", "Record", "iter_records"]

TRUNCATED = "warc/truncated"
DAMAGED = "warc/damaged"


@dataclass(frozen=True, slots=True)
class Head:
    """What a record says about itself before its body is read."""

    offset: int  # byte offset of the record (of its gzip member) in the file
    kind: str  # WARC-Type: response, request, revisit, metadata, warcinfo, ...
    url: str
    captured_at: datetime | None  # WARC-Date, UTC
    status: int | None  # HTTP status of a response record
    headers: dict[str, str] = field(default_factory=dict)  # HTTP headers, lower-cased names
    length: int = 0  # declared length of the HTTP payload


@dataclass(frozen=True, slots=True)
class Record:
    head: Head
    body: bytes | None  # None when ``skip`` is set: the body was not read
    skip: str | None


@dataclass(frozen=True, slots=True)
class Damaged:
    """A record that could not be read whole (``reason``: warc/truncated or warc/damaged)."""

    offset: int
    reason: str
    detail: str


Select = Callable[[Head], str | None]


class _Positioned:
    """A stream that reports its position in the file: FastWARC asks ``tell()`` for offsets."""

    def __init__(self, stream: BinaryIO, position: int) -> None:
        self.stream = stream
        self.position = position

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        raise OSError("a WARC part is read forwards only")

    def close(self) -> None:
        self.stream.close()


def iter_records(
    location: str, start: int, end: int | None, select: Select
) -> Iterator[Record | Damaged]:
    """Every record whose offset lies in ``[start, end)``; ``start`` must be a record start."""
    position: int | None = start
    gzip = is_gzip(location)
    retried: set[int] = set()
    while position is not None:
        last: int | None = None  # offset of the last record given out whole
        pending: Head | None = None  # a record whose body is being read
        stream = open_at(location, position)
        try:
            iterator = ArchiveIterator(_Positioned(stream, position), parse_http=True)
            for warc in iterator:
                if end is not None and warc.stream_pos >= end:
                    return
                pending = _head(warc)
                skip = select(pending)
                body = None if skip else warc.reader.read()
                if body is not None and len(body) < pending.length:
                    yield Damaged(
                        pending.offset,
                        TRUNCATED,
                        f"{len(body)} of {pending.length} bytes at {location}@{pending.offset}",
                    )
                else:
                    yield Record(pending, body, skip)
                last, pending = pending.offset, None
            return
        except (GeneratorExit, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # FastWARC raises OSError, or panics
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            stream.close()
        at = pending.offset if pending is not None else _next_after(location, last, position)
        if at is not None and is_remote(location) and at not in retried:
            retried.add(at)  # a broken connection, perhaps: read this record again once
            log.warning("re-opening %s at byte %d after: %s", location, at, failure)
            position = at
            continue
        if at is not None:
            yield Damaged(at, DAMAGED, f"{location}@{at}: {failure}")
        if not gzip:
            log.warning("%s: uncompressed WARC damaged at byte %s; rest skipped", location, at)
            return
        resume_from = (at if at is not None else (last if last is not None else position)) + 1
        position = find_record_start(location, resume_from, end)
        log.warning(
            "%s: damaged record at byte %s (%s); reading on at %s", location, at, failure, position
        )


def _next_after(location: str, last: int | None, position: int) -> int | None:
    """Where the record after ``last`` starts (``position`` if none was read yet).

    ``None`` when ``last`` itself does not end intact: it was already given out (a short body
    is noticed only when the next member fails), so no further record is counted for it.
    """
    if last is None:
        return position
    return member_end(location, last)


def _head(record: WarcRecord) -> Head:
    headers = record.headers
    kind = str(record.record_type)
    status: int | None = None
    http: dict[str, str] = {}
    length = int(record.content_length)
    if record.is_http:
        http_headers = record.http_headers
        status = http_headers.status_code
        http = {name.lower(): value for name, value in http_headers.items()}
    return Head(
        offset=int(record.stream_pos),
        kind=kind,
        url=(headers.get("WARC-Target-URI") or "").strip("<> "),
        captured_at=_date(headers.get("WARC-Date")),
        status=status,
        headers=http,
        length=length,
    )


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
