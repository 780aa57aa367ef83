"""A WARC file cut anywhere is detected as truncated and its complete records are kept."""

from __future__ import annotations

import logging
import zlib
from pathlib import Path

import pytest

from pipeline.archive import RotatingWarcWriter, WarcLocation, check_warc, iter_captures
from pipeline.archive import read_capture as read_one

# Bytes that gzip cannot shrink much: records of a realistic size on disk.
BODY = b"<html><body><p>" + bytes(range(32, 127)) * 12 + b"</p></body></html>"


def archive(root: Path, pages: int = 3) -> tuple[Path, list[WarcLocation]]:
    writer = RotatingWarcWriter(root, "ledger")
    locations = [
        writer.write(
            url=f"https://ledger.example/news/story-{n}/",
            method="GET",
            request_headers=[("User-Agent", "newsarchive-test")],
            status=200,
            response_headers=[("Content-Type", "text/html; charset=utf-8")],
            body=BODY + str(n).encode(),
        )
        for n in range(pages)
    ]
    writer.close()
    (path,) = root.rglob("*.warc.gz")
    return path, locations


def test_an_intact_file_reads_whole(tmp_path: Path) -> None:
    path, locations = archive(tmp_path)
    check = check_warc(path)
    assert not check.truncated and check.problem is None
    assert check.responses == 3 and check.complete_bytes == check.size
    assert [c.location for c in iter_captures(tmp_path)] == locations
    assert all(c.body.startswith(BODY) for c in iter_captures(tmp_path))


def test_a_cut_at_any_byte_keeps_exactly_the_records_before_it(tmp_path: Path) -> None:
    path, locations = archive(tmp_path)
    data = path.read_bytes()
    starts = [loc.offset for loc in locations]
    check_warc(path)  # intact
    boundaries = set()
    for cut in range(starts[0] + 1, len(data)):
        path.write_bytes(data[:cut])
        kept = list(iter_captures(tmp_path))
        check = check_warc(path)
        complete = [s for s in starts if s < check.complete_bytes]
        # Every complete response before the damage is kept, whole and readable by offset.
        assert [c.location.offset for c in kept] == complete
        assert all(c.body == BODY + str(n).encode() for n, c in enumerate(kept))
        assert check.complete_bytes <= cut
        if check.truncated:
            assert str(check.complete_bytes) in (check.problem or "")
        else:
            boundaries.add(cut)  # the cut fell exactly between two records
    # Only cuts between gzip members (one record each) leave an intact-looking file.
    assert len(boundaries) <= 6
    assert len(boundaries) < (len(data) - starts[0]) // 100


def test_the_damaged_tail_is_reported_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path, locations = archive(tmp_path)
    cut = locations[2].offset + 200  # inside the last page's response record
    path.write_bytes(path.read_bytes()[:cut])
    with caplog.at_level(logging.WARNING, logger="pipeline.archive.reader"):
        kept = list(iter_captures(tmp_path))
    assert [c.location for c in kept] == locations[:2]
    assert "truncated WARC file" in caplog.text and path.name in caplog.text
    assert "2 captures" in caplog.text


def test_reading_a_truncated_record_by_offset_is_an_error_not_a_short_body(
    tmp_path: Path,
) -> None:
    path, locations = archive(tmp_path)
    data = path.read_bytes()
    start = locations[2].offset
    inflater = zlib.decompressobj(wbits=31)
    inflater.decompress(data[start:])
    end = len(data) - len(inflater.unused_data)  # where this record's gzip member ends
    for cut in (start + 40, start + 400, end - 4):  # headers, body, the gzip CRC trailer
        path.write_bytes(data[:cut])
        with pytest.raises(ValueError, match="WARC record"):
            read_one(tmp_path, locations[2])
        assert read_one(tmp_path, locations[1]).body == BODY + b"1"
