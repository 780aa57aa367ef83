"""Learned site boilerplate: what the crawl learns from a source's pages, and what it keeps.

The pages are invented "Harbor Ledger" columns run through the crawl's own extract stage
(``ExtractPipeline`` with a real SQLite store in a temporary data directory).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from pipeline.boilerplate import (
    REFRESH_EVERY,
    REFRESH_MAX,
    REFRESH_SHARE,
    BoilerplateStore,
    SiteLearner,
    refresh_interval,
)
from pipeline.boilerplate.learn import (
    CONFIDENT_PAGES,
    MIN_PAGES,
    LineStats,
    is_candidate,
    line_key,
    line_pattern,
    sightings,
)
from pipeline.cli import main as newsarchive
from pipeline.crawl.pipelines import ExtractPipeline
from pipeline.crawl.runner import own_settings
from pipeline.index.neardup import fingerprint
from pipeline.items import Article, RawArticle

SOURCE = "harbor_ledger"
# A template prompt that neither the global line library nor any config names.
PROMPT = "Tell us about the harbor you grew up with: the Ledger collects your stories at the desk."
# A saying that many columns quote, each at its own place in the text.
SAYING = "As the old harbor saying goes, the tide waits for no boat and no excuse."
# The columnist's standard trailer, the same under every column.
TRAILER = "Mara Quill, the harbor commissioner, contributed this comment to The Harbor Ledger."
TOPICS = [
    "ferries",
    "fish markets",
    "dredging",
    "moorings",
    "tides",
    "lighthouses",
    "piers",
    "cranes",
    "tugboats",
    "breakwaters",
    "regattas",
    "warehouses",
    "buoys",
    "canals",
    "customs sheds",
    "boatyards",
    "seawalls",
    "oyster beds",
    "slipways",
    "dockworkers",
]


def column(number: int) -> bytes:
    """One column page: eight paragraphs of its own, the saying, the prompt and the trailer."""
    topic = TOPICS[number % len(TOPICS)]
    paragraphs = [
        f"Column {number} on {topic}: paragraph {k} weighs what the {topic} of our city owe to "
        f"the people who keep them running, season after season, in point number {k}."
        for k in range(8)
    ]
    paragraphs.insert(3 + number % 4, SAYING)  # somewhere in the middle, never the same place
    paragraphs += [PROMPT, TRAILER]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html lang='en'><head><title>On {topic}, column {number}</title>"
        f"<meta name='author' content='Mara Quill'></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>On {topic}, column {number}</h1>{body}</article></body></html>"
    ).encode()


def raw(number: int) -> RawArticle:
    return RawArticle(
        url=f"https://ledger.example/opinion/2024/03/{number:02d}/column-{number}/",
        source=SOURCE,
        body=column(number),
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        fetched_at=datetime(2024, 4, 1, tzinfo=UTC),
        discovered_via="feed",
    )


@pytest.fixture
def extract_stage(tmp_path: Path) -> Iterator[ExtractPipeline]:
    # Inline extraction (no worker pool): the learner is observed in this process either way.
    settings = {"NEWSARCHIVE_DATA_DIR": str(tmp_path), "NEWSARCHIVE_EXTRACT_WORKERS": 0}
    stage = ExtractPipeline(get_crawler(settings_dict=own_settings(settings)))
    stage.open_spider()
    yield stage
    stage.close_spider()


def crawl(stage: ExtractPipeline, numbers: range) -> list[Article]:
    articles = [stage.process_item(raw(n)) for n in numbers]
    assert all(isinstance(a, Article) for a in articles)
    return articles


def test_an_unconfigured_prompt_is_learned_and_absent_from_later_bodies(
    extract_stage: ExtractPipeline,
) -> None:
    early = crawl(extract_stage, range(1, 4))
    assert all(PROMPT in a.body for a in early)  # nothing names it: it leaks at first
    crawl(extract_stage, range(4, 16))
    later = crawl(extract_stage, range(16, 21))
    assert all(PROMPT not in a.body for a in later)
    assert all("paragraph 7 weighs" in a.body for a in later)  # the column itself stays


def test_a_recurring_quote_and_the_op_ed_trailer_are_kept(extract_stage: ExtractPipeline) -> None:
    articles = crawl(extract_stage, range(1, 21))
    assert all(SAYING in a.body for a in articles)
    assert all(a.body.endswith(TRAILER) for a in articles)
    assert extract_stage.store is not None
    learned = [c.example for c in extract_stage.store.candidates(SOURCE)]
    assert learned == [PROMPT]


def test_a_rejected_line_is_never_stripped_and_an_accepted_one_always(tmp_path: Path) -> None:
    store = BoilerplateStore(tmp_path)
    for n in range(1, 21):
        store.observe(SOURCE, f"https://ledger.example/{n}", sightings(["Story text.", PROMPT]))
    [candidate] = store.candidates(SOURCE)
    assert candidate.applied  # pending, but on every page: confident enough to apply
    store.review(SOURCE, [candidate.key], "rejected")
    body = f"Story text.\n\n{PROMPT}"
    assert SiteLearner(store, SOURCE).clean(body) == body
    store.review(SOURCE, [candidate.key], "accepted")
    assert SiteLearner(store, SOURCE).clean(body) == "Story text."


def test_a_pending_candidate_waits_for_more_pages_before_it_is_applied(tmp_path: Path) -> None:
    store = BoilerplateStore(tmp_path)
    for n in range(MIN_PAGES):
        store.observe(SOURCE, f"https://ledger.example/{n}", sightings(["Story text.", PROMPT]))
    [candidate] = store.candidates(SOURCE)
    assert candidate.status == "pending"
    assert not candidate.applied
    assert MIN_PAGES < CONFIDENT_PAGES


def test_a_line_in_varying_middle_positions_is_no_candidate() -> None:
    stats = LineStats(line_key(SAYING), SAYING, pages=20, same_position=6, position="middle")
    assert not is_candidate(stats, source_pages=20)


def test_lines_naming_the_author_or_quoting_are_not_observed() -> None:
    seen = sightings(
        [
            "“We never close,” said the harbor master at the press conference.",
            "Mara Quill writes about the harbor every Tuesday for this paper.",
            PROMPT,
        ],
        authors=["Mara Quill"],
    )
    assert [s.text for s in seen] == [PROMPT]
    assert seen[0].position == "end:0"


def test_a_learned_pattern_ignores_case_spacing_and_numbers() -> None:
    pattern = line_pattern(line_key("Read all 12 stories in  the Ledger app today."))
    assert pattern.search("read all 7 stories in the ledger app today.")
    assert not pattern.search("Read all 12 stories in the Ledger app today. And more prose.")


def shown(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()  # what earlier commands printed
    assert newsarchive(["boilerplate", "show", SOURCE, "--json", "--data-dir", str(data_dir)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_review_commands_show_accept_and_reject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = BoilerplateStore(tmp_path)
    for n in range(1, 11):
        store.observe(SOURCE, f"https://ledger.example/{n}", sightings(["Story text.", PROMPT]))
    store.close()
    assert shown(tmp_path, capsys) == [
        {
            "id": 1,
            "status": "pending",
            "applied": True,
            "pages": 10,
            "source_pages": 10,
            "text": PROMPT,
        }
    ]
    assert newsarchive(["boilerplate", "reject", SOURCE, "1", "--data-dir", str(tmp_path)]) == 0
    assert shown(tmp_path, capsys)[0]["status"] == "rejected"
    assert shown(tmp_path, capsys)[0]["applied"] is False
    assert newsarchive(["boilerplate", "accept", SOURCE, "7", "--data-dir", str(tmp_path)]) == 2
    assert newsarchive(["boilerplate", "accept", SOURCE, "1", "--data-dir", str(tmp_path)]) == 0
    assert shown(tmp_path, capsys)[0] | {"id": 1} == {
        "id": 1,
        "status": "accepted",
        "applied": True,
        "pages": 10,
        "source_pages": 10,
        "text": PROMPT,
    }


def test_a_recrawled_page_counts_once(tmp_path: Path) -> None:
    store = BoilerplateStore(tmp_path)
    for url in ["https://ledger.example/1"] * 3 + ["https://ledger.example/2"]:
        store.observe(SOURCE, url, sightings(["Story text.", PROMPT]))
    assert store.source_pages(SOURCE) == 2
    assert [s.pages for s in store.line_stats(SOURCE)] == [2]


def test_what_one_crawl_learned_is_visible_to_the_next_once_closed(tmp_path: Path) -> None:
    store = BoilerplateStore(tmp_path)
    for n in range(1, 11):
        store.observe(SOURCE, f"https://ledger.example/{n}", sightings(["Story text.", PROMPT]))
    store.close()  # observations are committed in batches; closing saves the last one
    [candidate] = BoilerplateStore(tmp_path).candidates(SOURCE)
    assert (candidate.example, candidate.pages, candidate.source_pages) == (PROMPT, 10, 10)


def test_a_store_written_before_the_counters_keeps_what_it_learned(tmp_path: Path) -> None:
    legacy = sqlite3.connect(tmp_path / "boilerplate.sqlite")
    with legacy:
        legacy.executescript(
            "CREATE TABLE pages (source TEXT, url TEXT, PRIMARY KEY (source, url));"
            "CREATE TABLE sightings (source TEXT, key TEXT, url TEXT, position TEXT,"
            " example TEXT, PRIMARY KEY (source, key, url));"
            "CREATE TABLE reviews (source TEXT, key TEXT, status TEXT, PRIMARY KEY (source, key));"
        )
        for n in range(10):
            url = f"https://ledger.example/{n}"
            legacy.execute("INSERT INTO pages VALUES (?, ?)", (SOURCE, url))
            legacy.execute(
                "INSERT INTO sightings VALUES (?, ?, ?, 'end:0', ?)",
                (SOURCE, line_key(PROMPT), url, PROMPT),
            )
    legacy.close()
    [candidate] = BoilerplateStore(tmp_path).candidates(SOURCE)
    assert (candidate.example, candidate.pages, candidate.applied) == (PROMPT, 10, True)


def test_patterns_are_re_read_often_while_a_source_is_new_and_at_a_bounded_lag_later() -> None:
    assert [refresh_interval(n) for n in (1, 100, 249)] == [REFRESH_EVERY] * 3
    assert refresh_interval(500) == 500 // REFRESH_SHARE
    assert refresh_interval(100_000) == REFRESH_MAX


def test_a_worker_minhash_travels_with_the_article_only_while_its_body_is_unchanged(
    tmp_path: Path,
) -> None:
    settings = {"NEWSARCHIVE_DATA_DIR": str(tmp_path), "NEWSARCHIVE_EXTRACT_WORKERS": 1}
    stage = ExtractPipeline(get_crawler(settings_dict=own_settings(settings)))
    stage.open_spider()

    async def crawl_pooled() -> list[Article]:
        return [await stage.process_item(raw(n)) for n in range(1, 21)]

    try:
        articles = asyncio.run(crawl_pooled())
    finally:
        stage.close_spider()
    early, later = articles[:3], articles[-3:]
    assert all(PROMPT in a.body and a.body_fingerprint == fingerprint(a.body) for a in early)
    # The learned prompt was stripped after extraction: the worker's MinHash no longer applies.
    assert all(PROMPT not in a.body and a.body_fingerprint is None for a in later)
