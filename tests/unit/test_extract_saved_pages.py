"""Saved pages (tests/fixtures/pages, invented HTML): text that must and must not be in the body,
and the kind of article each one is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.exceptions import ExtractionError
from pipeline.extract import ExtractedPage, extract
from pipeline.extract.kinds import is_live, is_wire, opinion_kind

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
URL = "https://ledger.example/news/2024/03/04/story/"


def saved(name: str, url: str = URL) -> ExtractedPage:
    return extract((PAGES / name).read_bytes(), url)


# (page, text that must appear, text that must not appear)
CASES = [
    (
        "seed-op-ed-article.html",
        [
            "On Sept. 6, Vladimir Putin and George W. Bush had a talk over the phone.",
            "Igor Ivanov, the foreign minister, contributed this comment to The Washington Post.",
        ],
        ["Get the latest news", "Last Updated", "07/27/2016", "Advertisement"],
    ),
    (
        "live-blog.html",
        [
            "Harbour wall holds",
            "the old sea wall is holding",
            "Ferries cancelled for the rest of the day",
            "Parents were told by text message",
        ],
        [
            "Share this post",
            "Copy link",
            "Advertisement",
            "Load more",
            "Pause updates",
            "Jump to latest",
            "Forecasters warn",
            "All rights reserved",
        ],
    ),
    (
        "paginated-article-page-1.html",
        [
            "The fish market on Quay Street has been flooded three times",
            "The night of the second flood",
            "rowed a dinghy through the hall",
        ],
        [
            "Page 1 of 3",
            "Next page",
            "More features",
            "The last lighthouse keeper",
            "He kept the lamp burning",
            "By Tomas Reyes",
        ],
    ),
    (
        "jsonld-only-body.html",
        [
            "The night ferry to the islands will run again from May",
            "with cabins for sixty passengers",
            "hospital appointments on the mainland",
        ],
        ["Loading", "JavaScript", "Harbor Ledger"],
    ),
    (
        "related-and-comments.html",
        [
            "Millbrook's planning committee has approved a two-kilometre cycle lane",
            "Parking spaces moved, not lost",
            "Opponents say they will now ask for a review",
        ],
        [
            "More stories",
            "Railway bridge repairs to close road",
            "Food waste collections start",
            "Join the conversation",
            "The kerb separation is the important part",
            "old_timer",
            "ring-fenced active travel grant",
        ],
    ),
]


@pytest.mark.parametrize(("name", "present", "absent"), CASES, ids=[c[0] for c in CASES])
def test_saved_page_bodies(name: str, present: list[str], absent: list[str]) -> None:
    body = saved(name).body
    assert [p for p in present if p not in body] == []
    assert [a for a in absent if a in body] == []


def test_a_page_with_nothing_to_extract_is_an_explicit_empty_result_with_a_reason() -> None:
    with pytest.raises(ExtractionError) as raised:
        saved("nothing-extractable.html")
    assert raised.value.reason == "empty_body"
    assert URL in raised.value.detail


def test_the_live_blog_is_typed_live_and_dated_by_its_first_and_latest_post() -> None:
    page = saved("live-blog.html")
    assert (page.article_type, page.authors) == ("live", ["Nadia Berg"])
    assert (
        page.published_at.isoformat() if page.published_at else None,
        page.updated_at.isoformat() if page.updated_at else None,
    ) == ("2024-03-04T06:00:00+00:00", "2024-03-04T11:40:00+00:00")


def test_the_json_ld_only_page_takes_body_and_metadata_from_structured_data() -> None:
    page = saved("jsonld-only-body.html")
    assert len(page.body.split("\n\n")) == 3
    assert (page.authors, page.date_source) == (["Lena Holm"], {"published": "json-ld"})


def test_the_seed_op_ed_is_an_op_ed_with_its_writer_role_and_outlet() -> None:
    page = saved("seed-op-ed-article.html", "https://example.com/opinion/2016/07/27/x/")
    assert (page.article_type, page.opinion_kind) == ("opinion", "op-ed")
    assert (page.authors[0], page.author_role, page.original_publication) == (
        "Igor Ivanov",
        "foreign minister",
        "The Washington Post",
    )


@pytest.mark.parametrize(
    ("first", "authors", "wire"),
    [
        ("LONDON (Reuters) - Shares rose on Monday as investors weighed the outlook.", [], True),
        ("BERLIN (dpa) – Die Bahn kündigte am Montag neue Verbindungen an.", [], True),
        ("(AP) — A storm knocked out power to thousands of homes.", [], True),
        ("The council voted on Tuesday to rebuild the pier.", ["The Associated Press"], True),
        ("The council voted on Tuesday to rebuild the pier.", ["Jane Doe"], False),
        ("Reuters reported on Monday that the talks had stalled.", [], False),
    ],
)
def test_wire_copy_is_recognised_by_dateline_or_agency_byline(
    first: str, authors: list[str], wire: bool
) -> None:
    assert is_wire(first, authors) is wire


@pytest.mark.parametrize(
    ("section", "url", "title", "trailer", "kind"),
    [
        ("Letters", "https://x.example/opinion/letters/2024/a/", "Ferry fares", False, "letter"),
        (
            "Opinion",
            "https://x.example/opinion/editorials/a/",
            "The pier deserves better",
            False,
            "editorial",
        ),
        (
            "Opinion",
            "https://x.example/opinion/a/",
            "Editorial: The pier deserves better",
            False,
            "editorial",
        ),
        ("Columns", "https://x.example/opinion/a/", "Why tides matter", False, "column"),
        ("Op-Ed", "https://x.example/a/", "Why tides matter", False, "op-ed"),
        ("Opinion", "https://x.example/opinion/a/", "Why tides matter", True, "op-ed"),
        ("Opinion", "https://x.example/opinion/a/", "Why tides matter", False, None),
    ],
)
def test_opinion_pieces_are_told_apart(
    section: str, url: str, title: str, trailer: bool, kind: str | None
) -> None:
    assert opinion_kind(section, url, title, has_trailer=trailer) == kind


@pytest.mark.parametrize(
    ("url", "title", "live"),
    [
        ("https://x.example/world/live/2024/mar/04/storm/", "Storm reaches the coast", True),
        ("https://x.example/news/storm-hector-live-updates/", "Storm Hector", True),
        ("https://x.example/news/storm/", "Live: Storm Hector reaches the coast", True),
        ("https://x.example/news/storm/", "Storm Hector – live", True),
        ("https://x.example/news/storm/", "Storm Hector as it happened", True),
        (
            "https://x.example/culture/live-music-returns-to-the-harbour/",
            "Live music returns",
            False,
        ),
        ("https://x.example/news/why-we-live-by-the-sea/", "Why we live by the sea", False),
        ("https://x.example/news/where-we-live/", "Where we live", False),
    ],
)
def test_live_blogs_are_recognised_by_url_or_headline(url: str, title: str, live: bool) -> None:
    assert is_live([], url, title) is live
