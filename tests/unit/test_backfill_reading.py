"""Reading WARC files for an import: every record once, damage reported, reading goes on.

No Elasticsearch here: these are the record-level rules that the integration tests of
``newsarchive import`` rely on (tests/integration/test_import.py).
"""

from __future__ import annotations

import gzip
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from warcs import WarcFile, WarcServer, article_html, cut_member

from pipeline.backfill.inputs import cc_news_locations, expand_inputs
from pipeline.backfill.members import find_record_start, per_record_gzip
from pipeline.backfill.parts import plan_parts
from pipeline.backfill.records import DAMAGED, TRUNCATED, Damaged, Record, iter_records
from pipeline.backfill.select import Selection
from pipeline.exceptions import ConfigError
from pipeline.sources import Source

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _page(n: int) -> str:
    return article_html(
        f"Harbour report number {n}",
        [
            f"Paragraph {i} of report {n} about the harbour dredging works and their cost."
            for i in range(3)
        ],
    )


def _warc(path: Path, count: int) -> WarcFile:
    with WarcFile(path) as warc:
        warc.warcinfo()
        for n in range(count):
            url = f"https://news.example/harbour/{n}/"
            warc.request(url, T0 + timedelta(minutes=n))
            warc.response(url, _page(n), T0 + timedelta(minutes=n))
    return warc


def _read(path: Path, start: int = 0, end: int | None = None) -> list[Record | Damaged]:
    return list(iter_records(str(path), start, end, lambda head: None))


def _select(path: Path, select: Selection) -> list[Record]:
    return [r for r in iter_records(str(path), 0, None, select) if isinstance(r, Record)]


def test_every_record_comes_with_its_offset_type_url_and_capture_time(tmp_path: Path) -> None:
    warc = _warc(tmp_path / "a.warc.gz", 3)
    records = _read(warc.path)
    assert all(isinstance(r, Record) for r in records)
    heads = [r.head for r in records if isinstance(r, Record)]
    assert [h.offset for h in heads] == warc.offsets
    assert [h.kind for h in heads] == warc.kinds
    responses = [h for h in heads if h.kind == "response"]
    assert [h.url for h in responses] == [f"https://news.example/harbour/{n}/" for n in range(3)]
    assert [h.captured_at for h in responses] == [T0 + timedelta(minutes=n) for n in range(3)]
    assert {h.status for h in responses} == {200}


def test_a_truncated_member_in_the_middle_is_one_damaged_record_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    warc = _warc(tmp_path / "a.warc.gz", 5)
    third_response = warc.offsets[6]  # warcinfo, then request/response pairs
    cut_member(warc.path, third_response, warc.offsets[7])
    records = _read(warc.path)
    damaged = [r for r in records if isinstance(r, Damaged)]
    assert [(d.offset, d.reason) for d in damaged] == [(third_response, DAMAGED)]
    urls = [r.head.url for r in records if isinstance(r, Record) and r.head.kind == "response"]
    assert urls == [f"https://news.example/harbour/{n}/" for n in (0, 1, 3, 4)]
    # Every record of the file is accounted for: the intact ones and the damaged one.
    assert len(records) == len(warc.offsets)


def test_a_file_cut_short_ends_in_a_truncated_record(tmp_path: Path) -> None:
    warc = _warc(tmp_path / "a.warc.gz", 3)
    last = warc.offsets[-1]
    data = warc.path.read_bytes()
    warc.path.write_bytes(data[: last + (len(data) - last) // 2])
    records = _read(warc.path)
    assert isinstance(records[-1], Damaged)
    assert records[-1].offset == last
    assert records[-1].reason in {TRUNCATED, DAMAGED}
    assert len(records) == len(warc.offsets)


def test_record_starts_are_found_from_any_offset(tmp_path: Path) -> None:
    warc = _warc(tmp_path / "a.warc.gz", 4)
    for i, offset in enumerate(warc.offsets[:-1]):
        assert find_record_start(str(warc.path), offset, None) == offset
        assert find_record_start(str(warc.path), offset + 1, None) == warc.offsets[i + 1]
    assert find_record_start(str(warc.path), warc.offsets[-1] + 1, None) is None
    assert find_record_start(str(warc.path), warc.offsets[2] + 1, warc.offsets[3]) is None


def test_parts_of_a_file_hold_each_record_exactly_once(tmp_path: Path) -> None:
    warc = _warc(tmp_path / "a.warc.gz", 12)
    size = warc.path.stat().st_size
    parts = plan_parts([str(warc.path)], part_bytes=size // 5)
    assert len(parts) >= 5
    seen: list[int] = []
    for part in parts:
        start = find_record_start(part.location, part.start, part.end)
        if start is not None:
            seen += [
                r.head.offset for r in _read(warc.path, start, part.end) if isinstance(r, Record)
            ]
    assert seen == warc.offsets


def test_a_file_compressed_as_one_gzip_stream_is_one_part(tmp_path: Path) -> None:
    plain = tmp_path / "a.warc"
    warc = _warc(tmp_path / "a.warc.gz", 6)
    plain.write_bytes(gzip.decompress(warc.path.read_bytes()))
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    assert per_record_gzip(str(warc.path))
    assert not per_record_gzip(str(whole))
    assert len(plan_parts([str(whole)], part_bytes=100)) == 1
    for path in (plain, whole):
        assert [r.head.kind for r in _read(path) if isinstance(r, Record)] == warc.kinds


def test_selection_names_a_reason_for_every_record_it_leaves_out(tmp_path: Path) -> None:
    with WarcFile(tmp_path / "a.warc.gz") as warc:
        warc.warcinfo()
        warc.request("https://news.example/a/", T0)
        warc.response("https://news.example/a/", _page(1), T0)
        warc.response("https://news.example/gone/", "gone", T0, status=404)
        warc.response("https://news.example/logo.png", b"\x89PNG", T0, content_type="image/png")
        warc.revisit("https://news.example/a/", T0 + timedelta(days=1))
        warc.metadata("https://news.example/a/", T0, "fetchTimeMs: 12")
        warc.response("https://other.example/b/", _page(2), T0)
        warc.response("https://www.news.example/old/", _page(3), T0 - timedelta(days=30))
    select = Selection.of(["news.example"], date(2024, 2, 15), date(2024, 3, 1), None)
    reasons = [
        r.skip for r in iter_records(str(warc.path), 0, None, select) if isinstance(r, Record)
    ]
    assert reasons == [
        "warc/warcinfo",
        "warc/request",
        None,
        "fetch/http_404",
        "validate/not_html",
        "warc/revisit",
        "warc/metadata",
        "filter/host",
        "filter/date",
    ]


def test_a_configured_source_filters_by_its_domains_and_article_patterns(tmp_path: Path) -> None:
    source = Source(
        name="harbour",
        start_urls=("https://news.example/",),
        article_patterns=(re.compile(r"/harbour/\d+/$"),),
    )
    with WarcFile(tmp_path / "a.warc.gz") as warc:
        warc.response("https://news.example/harbour/1/", _page(1), T0)
        warc.response("https://news.example/about/", _page(2), T0)
        warc.response("https://elsewhere.example/harbour/3/", _page(3), T0)
    select = Selection.of([], None, None, source)
    reasons = [
        r.skip for r in iter_records(str(warc.path), 0, None, select) if isinstance(r, Record)
    ]
    assert reasons == [None, "filter/source", "filter/source"]


def test_folders_globs_and_missing_paths(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc.gz", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.warc").write_bytes(b"")
    folder = expand_inputs([str(tmp_path)], cc_news_url="http://unused/")
    assert [Path(p).name for p in folder] == ["a.warc.gz", "b.warc.gz", "c.warc"]
    assert [Path(p).name for p in expand_inputs([str(tmp_path / "*.gz")], cc_news_url="x")] == [
        "a.warc.gz",
        "b.warc.gz",
    ]
    with pytest.raises(ConfigError, match="no such file"):
        expand_inputs([str(tmp_path / "missing.warc.gz")], cc_news_url="x")


def test_cc_news_months_are_listed_from_their_warc_paths_files() -> None:
    january = [
        "crawl-data/CC-NEWS/2024/01/CC-NEWS-20240101000000-00001.warc.gz",
        "crawl-data/CC-NEWS/2024/01/CC-NEWS-20240115120000-00002.warc.gz",
        "crawl-data/CC-NEWS/2024/01/CC-NEWS-20240131230000-00003.warc.gz",
    ]
    february = ["crawl-data/CC-NEWS/2024/02/CC-NEWS-20240201000000-00004.warc.gz"]
    listings = {
        "/crawl-data/CC-NEWS/2024/01/warc.paths.gz": gzip.compress("\n".join(january).encode()),
        "/crawl-data/CC-NEWS/2024/02/warc.paths.gz": gzip.compress("\n".join(february).encode()),
    }
    with WarcServer(listings) as server:
        both = cc_news_locations("2024-01..2024-02", server.base_url)
        assert both == [server.base_url + p for p in january + february]
        # A capture-date range drops the files that cannot hold such a capture, unread.
        mid_january = cc_news_locations(
            "2024-01", server.base_url, date(2024, 1, 16), date(2024, 1, 20)
        )
        assert mid_january == [server.base_url + january[1]]
        with pytest.raises(ConfigError, match="YYYY-MM"):
            cc_news_locations("2024-1", server.base_url)
