"""Write request/response pairs to rotating, gzip-compressed WARC 1.1 files with warcio.

Each record is its own gzip member (as with warcio's ``gzip=True``, at a cheaper level), which
is what lets a reader seek straight to one capture by its byte offset, and what wget, pywb and
warcio's tools expect. Files
rotate when they pass a size limit so that no single file grows without bound across months of
scheduled runs; every file starts with a ``warcinfo`` record naming the software and the source.

Scrapy hands us bodies already decoded (gzip/deflate/br removed by HttpCompressionMiddleware), so
the stored HTTP headers drop ``Content-Encoding`` and ``Transfer-Encoding`` and carry the real
``Content-Length``: the records stay self-consistent for any WARC reader.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from isal import isal_zlib
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline import __version__

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# What the crawler fetched the page as (article, feed, sitemap, page): lets re-processing find
# archived article pages that have no document, e.g. ones an older extractor rejected.
KIND_HEADER = "WARC-Newsarchive-Kind"
_DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


# ISA-L level (0-3) of each record's gzip member. Compression was the largest single cost of the
# crawl's reactor thread on real pages (benchmarks/RESULTS.md, issue 15): for the 147 pages of
# metadata-dev (365 KB on average) zlib at 6 took 7.0 ms a page, ISA-L at 2 0.6 ms, for members
# 17% larger (0.214 of the page instead of 0.183). warcio's own gzip=True compresses at zlib 9.
GZIP_LEVEL = 2


def warc_root(data_dir: Path | str) -> Path:
    """Where the WARC files of a data directory live (one sub-folder per source)."""
    return Path(data_dir) / "warc"


@dataclass(frozen=True, slots=True)
class WarcLocation:
    """Where a capture lies: ``file`` relative to the archive root, ``offset`` of its record."""

    file: str
    offset: int

    def to_dict(self) -> dict[str, str | int]:
        return {"file": self.file, "offset": self.offset}


class RotatingWarcWriter:
    """Append captures to ``<root>/<source>/<source>-<start>-<serial>.warc.gz`` files."""

    def __init__(self, root: Path, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.source = source
        self.max_bytes = max_bytes
        self.started = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.serial = 0
        self.records = 0
        self._fh: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None

    @property
    def current_file(self) -> Path | None:
        return self._path

    def write(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        status: int,
        response_headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime | None = None,
        kind: str | None = None,
    ) -> WarcLocation:
        """Write a response record and its request record; return where the response lies."""
        writer, fh, path = self._open()
        date = (fetched_at or datetime.now(UTC)).astimezone(UTC)
        warc_date = date.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        offset = fh.tell()
        phrase = _phrase(status)
        headers = [(k, v) for k, v in response_headers if k.lower() not in _DROPPED_HEADERS]
        headers.append(("Content-Length", str(len(body))))
        http_response = StatusAndHeaders(f"{status} {phrase}", headers, protocol="HTTP/1.1")
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_response,
            warc_headers_dict={"WARC-Date": warc_date, **({KIND_HEADER: kind} if kind else {})},
        )
        writer.write_record(response)
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        req_headers = [("Host", parts.netloc), *request_headers]
        http_request = StatusAndHeaders(
            f"{method} {target} HTTP/1.1", req_headers, is_http_request=True
        )
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=http_request,
            warc_headers_dict={
                "WARC-Date": warc_date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
        # Flushed per capture: a crash loses at most the capture being written, and a reader
        # (re-processing) can open the file while a crawl appends to it.
        fh.flush()
        self.records += 2
        return WarcLocation(file=path.relative_to(self.root).as_posix(), offset=offset)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            log.info("WARC file closed: %s", self._path)
        self._fh = None
        self._writer = None

    def _open(self) -> tuple[WARCWriter, BinaryIO, Path]:
        if self._fh is not None and self._fh.tell() >= self.max_bytes:
            self.close()
            self.serial += 1
        if self._fh is None or self._writer is None or self._path is None:
            folder = self.root / self.source
            folder.mkdir(parents=True, exist_ok=True)
            self._path = folder / f"{self.source}-{self.started}-{self.serial:05d}.warc.gz"
            self._fh = self._path.open("ab")
            self._writer = _LeveledWARCWriter(self._fh)
            info = self._writer.create_warcinfo_record(
                self._path.name,
                {
                    "software": f"newsarchive/{__version__} (warcio)",
                    "format": "WARC File Format 1.1",
                    "isPartOf": self.source,
                    "description": "HTTP payloads are stored decoded (no Content-Encoding)",
                },
            )
            self._writer.write_record(info)
            log.info("WARC file opened: %s", self._path)
        return self._writer, self._fh, self._path


class _GzipMember:
    """Compresses what a record writes into one gzip member, ended by the record's ``flush``."""

    def __init__(self, out: BinaryIO, level: int) -> None:
        self.out = out
        self._zip = isal_zlib.compressobj(level, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self.out.write(self._zip.compress(data))

    def flush(self) -> None:
        self.out.write(self._zip.flush())
        self.out.flush()


class _LeveledWARCWriter(WARCWriter):  # type: ignore[misc]  # warcio is untyped
    """warcio's writer, one gzip member per record as with ``gzip=True``, at ``GZIP_LEVEL``.

    warcio fixes zlib at level 9; its own gzip wrapping is switched off and done here instead.
    """

    def __init__(self, fh: BinaryIO, level: int = GZIP_LEVEL) -> None:
        super().__init__(fh, gzip=False, warc_version="WARC/1.1")
        self.level = level

    def write_record(self, record: Any, params: Any = None) -> None:
        self._write_warc_record(_GzipMember(self.out, self.level), record)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
