"""WARC writing and reading without a crawl: records, offsets, rotation, decoded payloads."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import RotatingWarcWriter, WarcLocation, iter_captures, read_capture

PAGE = b"<html><head><title>Story</title></head><body><p>Text.</p></body></html>"


def write(writer: RotatingWarcWriter, n: int, body: bytes = PAGE) -> WarcLocation:
    return writer.write(
        url=f"https://ledger.example/news/story-{n}/?utm_source=x",
        method="GET",
        request_headers=[("User-Agent", "newsarchive-test"), ("If-None-Match", '"a"')],
        status=200,
        response_headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "12"),
        ],
        body=body,
    )


def test_a_capture_is_a_response_and_its_request_after_a_warcinfo(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "ledger")
    location = write(writer, 1)
    writer.close()
    path = tmp_path / location.file
    assert location.file.startswith("ledger/ledger-") and location.file.endswith(".warc.gz")
    with path.open("rb") as fh:
        recs = [
            (r.rec_type, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(fh)
        ]
    assert [kind for kind, _, _ in recs] == ["warcinfo", "response", "request"]
    response_headers = recs[1][1]
    assert response_headers.get_statuscode() == "200"
    # The payload is stored decoded, so the headers must not claim an encoding.
    assert response_headers.get_header("Content-Encoding") is None
    assert response_headers.get_header("Content-Length") == str(len(PAGE))
    assert recs[1][2] == PAGE
    request_line = recs[2][1].protocol + " " + recs[2][1].statusline
    assert request_line.startswith("GET /news/story-1/?utm_source=x")
    assert recs[2][1].get_header("Host") == "ledger.example"
    assert recs[2][1].get_header("If-None-Match") == '"a"'


def test_the_offset_leads_straight_to_the_capture(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "ledger")
    locations = [write(writer, n, PAGE.replace(b"Text", f"Text {n}".encode())) for n in range(5)]
    writer.close()
    for n, location in enumerate(locations):
        capture = read_capture(tmp_path, location)
        assert capture.url == f"https://ledger.example/news/story-{n}/?utm_source=x"
        assert f"Text {n}".encode() in capture.body
        assert capture.headers["content-type"] == "text/html; charset=utf-8"


def test_files_rotate_past_the_size_limit_and_reading_all_keeps_the_order(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "ledger", max_bytes=1500)
    locations = [write(writer, n, PAGE * 20) for n in range(6)]
    writer.close()
    files = sorted({loc.file for loc in locations})
    assert len(files) > 1
    assert [c.location for c in iter_captures(tmp_path)] == locations
