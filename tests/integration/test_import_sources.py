"""``newsarchive import`` of remote and live-crawled pages: CC-NEWS listings over HTTP, and a
backfill that the scheduled crawl then continues without rewriting what is unchanged."""

from __future__ import annotations

import gzip
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from warcs import (
    WarcFile,
    WarcServer,
    article_html,
    duplicated_canonical_urls,
    run_import,
    stored,
)

from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

T = datetime(2024, 3, 10, 6, 0, tzinfo=UTC)
CORRECTION = "Correction: the ferry timetable changes on Sunday, not on Saturday."


def _news_warc(path: Path, host: str, count: int) -> bytes:
    with WarcFile(path) as warc:
        warc.warcinfo()
        for n in range(count):
            url = f"https://{host}/2024/03/{n}/market-day-{n}/"
            warc.request(url, T + timedelta(hours=n))
            paragraphs = [
                f"Market day {n} in the old town drew farmers from across the northern valleys.",
                f"Stallholder {n} said cheese and apples sold out before noon for the first time.",
            ]
            warc.response(url, article_html(f"Market day {n}", paragraphs), T + timedelta(hours=n))
    return path.read_bytes()


def test_a_cc_news_month_is_listed_and_its_files_streamed_in_parts(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    first = _news_warc(tmp_path / "a.warc.gz", "north.example", 12)
    second = _news_warc(tmp_path / "b.warc.gz", "south.example", 9)
    names = [
        "crawl-data/CC-NEWS/2024/03/CC-NEWS-20240310060000-00001.warc.gz",
        "crawl-data/CC-NEWS/2024/03/CC-NEWS-20240310180000-00002.warc.gz",
    ]
    files = {
        "/crawl-data/CC-NEWS/2024/03/warc.paths.gz": gzip.compress("\n".join(names).encode()),
        f"/{names[0]}": first,
        f"/{names[1]}": second,
    }
    with WarcServer(files) as server:
        code, summary, stderr = run_import(
            "cc-news:2024-03", "--cc-news-url", server.base_url, "--index", alias,
            "--workers", "2", es_url=es_url, data_dir=tmp_path / "data",
            # Parts of 4 KiB: each file is read as several ranges, each from its own offset.
            env={"NEWSARCHIVE_IMPORT_PART_BYTES": "4096"},
        )  # fmt: skip
    assert code == 0, stderr[-3000:]
    assert summary["inputs"] == 2 and summary["parts"] > 2
    assert summary["records"] == (1 + 2 * 12) + (1 + 2 * 9)  # a warcinfo, then request/response
    assert summary["indexed"] == 21 and summary["balanced"]
    hosts = {d["source"] for d in stored(es, alias).values()}
    assert hosts == {"north.example", "south.example"}
    ranges = [r for method, path, r in server.requests if method == "GET" and r]
    assert ranges, "parts after the first are read from their offset, not from byte 0"
    assert duplicated_canonical_urls(es, alias) == []


def test_host_and_date_filters_skip_before_extraction(
    es: Elasticsearch, es_url: str, alias: str, tmp_path: Path
) -> None:
    _news_warc(tmp_path / "a.warc.gz", "north.example", 6)
    _news_warc(tmp_path / "b.warc.gz", "south.example", 6)
    code, summary, stderr = run_import(
        str(tmp_path), "--index", alias, "--host", "north.example",
        "--from", "2024-03-10", "--to", "2024-03-10", "--workers", "0",
        es_url=es_url, data_dir=tmp_path / "data",
    )  # fmt: skip
    assert code == 0, stderr[-3000:]
    # Captures are hourly from 06:00 on 10 March: all six of north.example fall on that day.
    assert summary["indexed"] == 6
    assert summary["skipped_by_reason"]["filter/host"] == 6
    assert summary["balanced"]
    sources = {d["source"] for d in stored(es, alias).values()}
    assert sources == {"north.example"}


@pytest.fixture
def site() -> Any:
    with FixtureSite() as s:
        yield s


def test_a_crawl_after_the_import_updates_only_what_changed(
    es: Elasticsearch,
    es_url: str,
    site: FixtureSite,
    crawl_runner: Any,
    alias: str,
    tmp_path: Path,
) -> None:
    """Backfill the fixture site's articles as captured two days ago, then crawl it live."""
    captured = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    articles = manifest.expected_articles()
    with WarcFile(tmp_path / "backfill.warc.gz") as warc:
        for article in articles:
            url = article.url(site.base_url)
            with urllib.request.urlopen(url, timeout=30) as response:
                body = response.read()
                ctype = response.headers.get("Content-Type", "text/html")
            warc.response(url, body, captured, content_type=ctype)
    data_dir = tmp_path / "data"
    code, summary, stderr = run_import(
        str(warc.path), "--index", alias, "--workers", "2",
        es_url=es_url, data_dir=data_dir, env={"NEWSARCHIVE_DEMO_URL": site.base_url},
    )  # fmt: skip
    assert code == 0, stderr[-3000:]
    assert summary["indexed"] == len(articles)
    imported = stored(es, alias)
    assert {d["source"] for d in imported.values()} == {"demo"}  # the configured source's host

    revised = articles[0].path
    site.revise(revised, CORRECTION)
    crawl = crawl_runner(site_url=site.base_url, es_url=es_url, alias=alias, data_dir=data_dir)
    assert crawl.exit_code == 0, crawl.stderr[-3000:]
    s = crawl.summary
    assert (s["indexed"], s["updated"], s["unchanged"]) == (0, 1, len(articles) - 1)
    after = stored(es, alias)
    revised_id = document_id(canonical_url(site.url(revised)))
    assert CORRECTION in after[revised_id]["body"] and after[revised_id]["revision"] == 2
    for doc_id, doc in imported.items():
        if doc_id != revised_id:
            assert after[doc_id] == doc  # not rewritten: same capture, same sequence number
    assert duplicated_canonical_urls(es, alias) == []
