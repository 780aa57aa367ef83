"""An article edited after publication keeps its versions: re-crawls of a changing fixture page.

The story is crawled three times: as published, after a sentence was rewritten, and after only
its date line ticked. Two versions are kept, the date-line change is recorded as trivial and
does not bump the revision, the diff shows the rewritten sentence, and search finds the article
as "edited after publication".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from edited_article import (
    DATE_LINE,
    EDITED_SENTENCE,
    LATER_DATE_LINE,
    SENTENCE,
    EditedArticle,
    build_edited_article,
)
from elasticsearch import Elasticsearch

from pipeline.index import drop_index
from pipeline.revisions.store import revisions_alias
from pipeline.search import SearchRequest, search

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def edited(
    es: Elasticsearch, es_url: str, crawl_runner: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EditedArticle]:
    index = f"test-rev-{os.getpid()}"
    drop_index(es, index)
    story = build_edited_article(crawl_runner, es_url, index, tmp_path_factory.mktemp("data"))
    es.indices.refresh(index=f"{index},{revisions_alias(index)}")
    yield story
    drop_index(es, index)


def revisions_cli(es_url: str, index: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "revisions", *args, "--index", index],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "ELASTICSEARCH_URL": es_url},
        timeout=60,
        check=False,
    )


def test_the_rewritten_sentence_is_a_revision_and_the_date_line_a_trivial_change(
    es: Elasticsearch, edited: EditedArticle
) -> None:
    first, second, third = edited.summaries
    assert first["indexed"] >= 1
    assert second["updated"] == 1 and third["updated"] == 1  # both captures were written
    stored = es.get(index=edited.index, id=edited.doc_id)["_source"]
    assert stored["revision"] == 2
    assert LATER_DATE_LINE in stored["body"] and EDITED_SENTENCE in stored["body"]
    kept = es.search(
        index=revisions_alias(edited.index),
        query={"term": {"doc_id": edited.doc_id}},
        sort=[{"revision": "asc"}, {"captured_at": "asc"}],
    )["hits"]["hits"]
    assert [(h["_source"]["revision"], h["_source"]["kind"]) for h in kept] == [
        (1, "version"),
        (2, "version"),
        (2, "trivial"),
    ]
    v1, v2, trivial = (h["_source"] for h in kept)
    assert SENTENCE in v1["body"] and DATE_LINE in v1["body"]
    assert EDITED_SENTENCE in v2["body"] and DATE_LINE in v2["body"]
    assert trivial["trivia"] == ["date_line"] and LATER_DATE_LINE in trivial["body"]
    # Each version names its capture: the time and the WARC record it can be re-read from.
    assert v1["captured_at"] < v2["captured_at"] < trivial["captured_at"]
    assert all(v["warc"]["file"] for v in (v1, v2, trivial))
    assert stored["changed_at"] == v2["captured_at"]  # the trivial change is not a change


def test_revisions_command_lists_both_versions_and_diffs_the_changed_sentence(
    es_url: str, edited: EditedArticle
) -> None:
    out = revisions_cli(es_url, edited.index, edited.doc_id, "--json")
    assert out.returncode == 0, out.stderr
    listing = json.loads(out.stdout)
    assert [v["revision"] for v in listing["versions"]] == [1, 2]
    assert [t["trivia"] for t in listing["trivial_changes"]] == [["date_line"]]
    body = listing["diff"]["body"]
    # Word level: only the words that changed, the rest of the sentence stays equal.
    assert [s["text"] for s in body if s["kind"] == "removed"] == ["ten minutes", "Monday."]
    assert [s["text"] for s in body if s["kind"] == "inserted"] == [
        "a quarter of an hour",
        "June.",
    ]
    assert listing["diff"]["title"] == [{"kind": "equal", "text": edited_title(listing)}]

    text = revisions_cli(es_url, edited.index, edited.doc_id)
    assert text.returncode == 0, text.stderr
    assert "leave [-ten minutes-] {+a quarter of an hour+} earlier" in text.stdout
    assert "from [-Monday.-] {+June.+} The transit office" in text.stdout
    assert "trivial change of revision 2" in text.stdout and "date_line" in text.stdout

    missing = revisions_cli(es_url, edited.index, edited.doc_id, "--diff", "1", "3")
    assert missing.returncode == 2 and "no revision 3" in missing.stderr


def edited_title(listing: dict[str, Any]) -> str:
    return str(listing["versions"][-1]["title"])


def test_search_filters_to_edited_articles_and_sorts_by_last_change(
    es: Elasticsearch, edited: EditedArticle
) -> None:
    only_edited = search(es, edited.index, SearchRequest(edited=True, facets=False))
    assert [h.id for h in only_edited.hits] == [edited.doc_id]
    everything = search(es, edited.index, SearchRequest(sort="changed", facets=False, size=100))
    assert everything.total > 1
    assert everything.hits[0].id == edited.doc_id
