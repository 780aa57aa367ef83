"""One run's health from its documents and skips: the counts, the shares, the median."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pipeline.health.measures import RunHealth, Tally
from pipeline.items import Article

NOW = datetime(2026, 3, 4, 9, 15, tzinfo=UTC)
ARTICLE = Article(
    id="a",
    url="https://example.org/a",
    canonical_url="https://example.org/a",
    source="harbor",
    title="Ferry",
    body=" ".join(["word"] * 120),
    authors=["Dana Whitfield"],
    published_at=NOW,
    updated_at=None,
    section="news",
    language="en",
    fetched_at=NOW,
    content_hash="h",
    date_source={"published": "json-ld"},
)


def tally() -> Tally:
    t = Tally("harbor", "crawl", NOW, short_words=50)
    t.article(ARTICLE)
    t.article(replace(ARTICLE, authors=[], date_source={"published": "url"}))
    t.article(
        replace(ARTICLE, body="too short", published_at=None, date_source={"published": "undated"})
    )
    t.article(replace(ARTICLE, date_source={"published": "feed"}, learned_lines_removed=3))
    for reason in (
        "extract/empty_body",
        "fetch/http_404",
        "fetch/not_modified",
        "dedupe/duplicate_variant",
    ):
        t.skip(reason)
    return t


def test_counts_of_a_run() -> None:
    h = tally().result(NOW, "var/runs/harbor/1")
    assert (h.documents, h.no_date, h.undated, h.no_author, h.short_body) == (4, 3, 1, 1, 1)
    assert h.boilerplate_lines == 3
    assert h.median_words == 120.0
    assert h.extraction_failures == {"empty_body": 1}
    assert h.fetch_errors == {"http_404": 1}  # a 304 is not an error, a variant not a failure
    assert (h.unchanged, h.volume) == (1, 5)


def test_shares_are_over_the_documents_failures_over_what_was_tried() -> None:
    h = tally().result(NOW)
    assert h.share("no_date") == 3 / 4 and h.share("undated") == 1 / 4
    assert h.share("extraction_failed") == 1 / 5  # 4 documents + 1 rejected page
    assert h.share("fetch_error") == 1 / 7  # 5 carried + 1 rejected + 1 failed fetch


def test_a_run_without_documents_has_no_shares_but_a_volume() -> None:
    t = Tally("harbor", "crawl", NOW, short_words=50)
    t.skip("fetch/not_modified")
    h = t.result(NOW)
    assert h.share("no_author") is None and h.median_words is None and h.volume == 1


def test_the_stored_form_reads_back_the_same() -> None:
    h = tally().result(NOW, "run")
    assert RunHealth.from_dict(h.to_dict(), id=7) == replace(h, id=7)
