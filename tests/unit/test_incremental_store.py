"""The durable crawl state: the URL store, the rule that skips feed/sitemap entries unchanged
since they were seen, and when Scrapy's JOBDIR may be resumed."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.crawl.state import UrlRecord, UrlStore, url_store_path
from pipeline.crawl.state.jobdir import claim_job_dir, release_job_dir
from pipeline.crawl.state.middleware import unchanged_by_date

SEEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def record(**changes: object) -> UrlRecord:
    values: dict[str, object] = {
        "url": "https://ledger.example/news/2026/04/30/story/",
        "canonical_url": "https://ledger.example/news/2026/04/30/story/",
        "etag": '"abc"',
        "last_modified": "Thu, 30 Apr 2026 08:00:00 GMT",
        "content_hash": "f" * 64,
        "last_seen": SEEN,
        "last_status": 200,
    }
    values.update(changes)
    return UrlRecord(**values)  # type: ignore[arg-type]


def test_records_survive_closing_and_reopening_the_store(tmp_path: Path) -> None:
    path = url_store_path(tmp_path)
    with UrlStore(path) as store:
        assert store.put_many([record()]) == 1
    with UrlStore(path) as store:
        assert store.get(record().url) == record()
        assert store.get("https://ledger.example/other/") is None
        assert store.count() == 1


def test_a_written_record_is_visible_to_another_reader_while_the_writer_is_open(
    tmp_path: Path,
) -> None:
    # The crawl keeps its store open; what it wrote must already be on disk for the next run.
    path = url_store_path(tmp_path)
    with UrlStore(path) as crawl, UrlStore(path) as next_run:
        crawl.put_many([record()])
        assert next_run.get(record().url) == record()


def test_a_newer_record_replaces_the_older_one(tmp_path: Path) -> None:
    with UrlStore(url_store_path(tmp_path)) as store:
        store.put_many([record()])
        store.put_many([record(etag='"def"', last_status=304)])
        stored = store.get(record().url)
        assert stored is not None and stored.etag == '"def"' and stored.last_status == 304
        assert store.count() == 1


def test_a_sitemap_lastmod_not_after_the_stored_last_modified_means_unchanged() -> None:
    assert unchanged_by_date(record(), {"sitemap_lastmod": "2026-04-30T08:00:00+00:00"})
    assert unchanged_by_date(record(), {"sitemap_lastmod": "2026-04-29"})
    assert not unchanged_by_date(record(), {"sitemap_lastmod": "2026-04-30T08:00:01+00:00"})


def test_a_feed_updated_date_counts_but_a_publication_date_does_not() -> None:
    assert unchanged_by_date(record(), {"feed_updated": "Wed, 29 Apr 2026 10:00:00 GMT"})
    # A revision keeps the publication date, so it can never prove "unchanged".
    assert not unchanged_by_date(record(), {"feed_published": "Wed, 29 Apr 2026 10:00:00 GMT"})


def test_without_a_last_modified_header_the_time_of_the_last_fetch_is_the_reference() -> None:
    no_header = record(last_modified=None)
    assert unchanged_by_date(no_header, {"sitemap_lastmod": "2026-05-01T11:00:00Z"})
    assert not unchanged_by_date(no_header, {"sitemap_lastmod": "2026-05-01T13:00:00Z"})


def test_no_usable_date_means_fetch() -> None:
    assert not unchanged_by_date(record(), {})
    assert not unchanged_by_date(record(), {"sitemap_lastmod": "yesterday-ish"})


# -- Scrapy's JOBDIR: resumed after a clean stop, discarded after a kill ----------------------


def interrupted_state(jobdir: Path) -> None:
    """What an interrupted run leaves: seen fingerprints and a queue with its bookkeeping."""
    (jobdir / "requests.queue").mkdir(parents=True)
    (jobdir / "requests.queue" / "active.json").write_text("[[0, 0]]")
    (jobdir / "requests.seen").write_text("0123abcd\n")


def test_a_run_stopped_cleanly_is_resumed(tmp_path: Path) -> None:
    jobdir = tmp_path / "jobs" / "demo"
    assert not claim_job_dir(jobdir)  # nothing to resume the first time
    interrupted_state(jobdir)
    release_job_dir(jobdir, "shutdown")
    assert claim_job_dir(jobdir)
    assert (jobdir / "requests.seen").read_text() == "0123abcd\n"


def test_a_finished_run_leaves_no_state(tmp_path: Path) -> None:
    jobdir = tmp_path / "jobs" / "demo"
    claim_job_dir(jobdir)
    interrupted_state(jobdir)
    release_job_dir(jobdir, "finished")
    assert not jobdir.exists()


def test_the_state_of_a_killed_run_is_discarded_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    jobdir = tmp_path / "jobs" / "demo"
    claim_job_dir(jobdir)
    interrupted_state(jobdir)
    # SIGKILL: release_job_dir never runs, the in-use mark stays.
    with caplog.at_level(logging.WARNING, logger="pipeline.crawl.state.jobdir"):
        assert not claim_job_dir(jobdir)
    assert not (jobdir / "requests.seen").exists()
    assert not (jobdir / "requests.queue").exists()
    assert "did not shut down cleanly" in caplog.text
    assert f"pid {os.getpid()}" in caplog.text


def test_a_run_whose_spider_never_closed_is_not_resumed(tmp_path: Path) -> None:
    jobdir = tmp_path / "jobs" / "demo"
    claim_job_dir(jobdir)
    interrupted_state(jobdir)
    release_job_dir(jobdir, None)  # e.g. a second Ctrl-C stopped the reactor mid-close
    assert not claim_job_dir(jobdir)
    assert not (jobdir / "requests.seen").exists()


def test_unreadable_queue_bookkeeping_is_discarded(tmp_path: Path) -> None:
    jobdir = tmp_path / "jobs" / "demo"
    claim_job_dir(jobdir)
    interrupted_state(jobdir)
    release_job_dir(jobdir, "shutdown")
    (jobdir / "requests.queue" / "active.json").write_text("[[0, 0]")  # cut off mid-write
    assert not claim_job_dir(jobdir)
    assert not (jobdir / "requests.queue").exists()
