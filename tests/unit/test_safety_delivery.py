"""Bulk actions are safe to re-send: each has a deterministic id and an external version."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.exceptions import MissingIdError
from pipeline.index import to_actions
from pipeline.index.delivery import Backoff, bulk_body, require_ids
from pipeline.items import Article

FETCHED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def article(n: int, **changes: object) -> Article:
    base = Article(
        id=f"id-{n}",
        url=f"https://ledger.example/a/{n}/",
        canonical_url=f"https://ledger.example/a/{n}/",
        source="ledger",
        title=f"Story {n}",
        body="Body.",
        authors=[],
        published_at=None,
        updated_at=None,
        section=None,
        language="en",
        fetched_at=FETCHED,
        content_hash="h",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_every_action_carries_its_article_id_and_the_fetch_time_as_version() -> None:
    actions = list(to_actions([article(1), article(2)], "news"))
    assert [a["_id"] for a in actions] == ["id-1", "id-2"]
    assert {a["version"] for a in actions} == {int(FETCHED.timestamp() * 1000)}
    assert {a["version_type"] for a in actions} == {"external_gte"}


def test_a_later_fetch_has_a_higher_version() -> None:
    early, late = to_actions(
        [article(1), article(1, fetched_at=FETCHED + timedelta(seconds=1))], "n"
    )
    assert late["version"] - early["version"] == 1000


def test_an_action_without_an_id_is_refused_before_anything_is_sent() -> None:
    actions = list(to_actions([article(1)], "news"))
    actions.append({"_op_type": "index", "_index": "news", "_source": {"title": "no id"}})
    with pytest.raises(MissingIdError, match="without _id"):
        require_ids(actions)


def test_the_bulk_body_keeps_id_and_version_in_the_action_line() -> None:
    lines = bulk_body(list(to_actions([article(7)], "news")))
    header, source = lines
    assert header == {
        "index": {
            "_index": "news",
            "_id": "id-7",
            "version": int(FETCHED.timestamp() * 1000),
            "version_type": "external_gte",
        }
    }
    assert source["title"] == "Story 7"


def test_back_off_doubles_up_to_its_ceiling() -> None:
    b = Backoff(max_retries=6, initial=0.5, maximum=3.0)
    assert [b.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
