"""Every fetched URL of a run has one outcome, and the summary says which."""

from pipeline.crawl.ledger import Skip, summarize


def test_summary_reads_outcomes_and_skip_reasons_from_scrapy_stats() -> None:
    stats = {
        "newsarchive/fetched": 10,
        "newsarchive/indexed": 5,
        "newsarchive/updated": 1,
        "newsarchive/unchanged": 1,
        "newsarchive/skipped": 2,
        "newsarchive/skipped/fetch/http_404": 1,
        "newsarchive/skipped/validate/not_html": 1,
        "newsarchive/dead_lettered": 1,
        "newsarchive/run_dir": "var/runs/demo/x",
        "downloader/request_count": 14,
    }
    summary = summarize(stats, "demo", "finished")
    assert summary.balanced
    assert summary.skipped_by_reason == {"fetch/http_404": 1, "validate/not_html": 1}
    assert summary.to_dict()["balanced"] is True


def test_a_run_with_an_unaccounted_url_is_not_balanced() -> None:
    summary = summarize({"newsarchive/fetched": 3, "newsarchive/indexed": 2}, "demo", "finished")
    assert not summary.balanced


def test_a_skip_carries_a_stable_reason_and_the_url() -> None:
    skip = Skip("extract/empty_body", "http://x.org/a/", "no paragraphs")
    assert skip.reason == "extract/empty_body"
    assert "http://x.org/a/" in str(skip)
