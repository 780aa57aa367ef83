"""Gzip member boundaries of WARC.gz files: where records start, found from any byte offset.

Web archives (CC-NEWS, the crawl's own files, wget's) compress each record as its own gzip
member, so a record starts wherever a member does. Finding the next member start after an
arbitrary offset is what makes two things possible: reading one part of a large file in a
worker of its own, and going on past a damaged record (a truncated member, flipped bytes) to
the next intact one instead of abandoning the rest of the file.

A member start is recognised by the gzip magic *and* by what it inflates to: the first bytes
of a WARC record (``WARC/``). Three magic bytes alone do occur inside compressed data; a
deflate stream that also inflates to a WARC header does not by chance.
"""

from __future__ import annotations

import zlib

from pipeline.backfill.inputs import open_at

__all__ = ["GZIP_MAGIC", "find_record_start", "is_gzip", "member_end", "per_record_gzip"]

GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 1 << 20
_PROBE = 512  # compressed bytes enough to inflate a record's first line
# A first record larger than this (compressed) means the file is one gzip stream, not members.
FIRST_MEMBER_MAX = 64 << 20


def is_gzip(location: str) -> bool:
    with open_at(location, 0) as fh:
        return fh.read(3) == GZIP_MAGIC


def _inflates_to_warc(data: bytes) -> bool:
    try:
        head = zlib.decompressobj(wbits=31).decompress(data, 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def find_record_start(location: str, offset: int, limit: int | None) -> int | None:
    """The first record (member) start at or after ``offset`` and before ``limit``, if any."""
    with open_at(location, offset) as fh:
        window, base, pos, ended = b"", offset, 0, False
        while True:
            at = window.find(GZIP_MAGIC, pos)
            if at == -1:
                if ended:
                    return None
                keep = len(GZIP_MAGIC) - 1  # a magic split across two reads
                base += max(0, len(window) - keep)
                window, pos = window[-keep:], 0
                chunk = fh.read(_CHUNK)
                ended = not chunk
                window += chunk
            elif limit is not None and base + at >= limit:
                return None
            elif not ended and len(window) < at + _PROBE:
                chunk = fh.read(_CHUNK)  # too few bytes after the magic to judge it yet
                ended = not chunk
                window += chunk
            elif _inflates_to_warc(window[at : at + _PROBE]):
                return base + at
            else:
                pos = at + 1
            if limit is not None and base + pos >= limit and at == -1:
                return None


def member_end(location: str, offset: int, max_bytes: int | None = None) -> int | None:
    """Where the gzip member starting at ``offset`` ends; ``None`` if it does not end intact
    (within ``max_bytes`` when given)."""
    inflater = zlib.decompressobj(wbits=31)
    consumed = 0
    with open_at(location, offset) as fh:
        while not inflater.eof:
            chunk = fh.read(_CHUNK)
            if not chunk or (max_bytes is not None and consumed > max_bytes):
                return None
            try:
                inflater.decompress(chunk)
            except zlib.error:
                return None
            consumed += len(chunk)
    return offset + consumed - len(inflater.unused_data)


def per_record_gzip(location: str) -> bool:
    """Whether the file is a series of gzip members (one per record), not one gzip stream.

    Only such a file can be read in parts: in a file compressed as a whole, no offset but the
    first starts a record.
    """
    end = member_end(location, 0, FIRST_MEMBER_MAX)
    if end is None:
        return False
    with open_at(location, end) as fh:
        return fh.read(3) == GZIP_MAGIC
