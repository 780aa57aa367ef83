"""Dates with provenance and cleaned authors, as a table of pages and what must come out.

Every date provenance appears (json-ld, meta, microdata, time, visible, relative, url, feed,
sitemap), as do the explicit "undated" state, time zones, relative stamps counted back from the
fetch time, future dates and copyright years; authors come from JSON-LD, meta tags, bylines
and op-ed attribution trailers, without "By", roles, "and" or widgets of other authors.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.documents import build_article
from pipeline.extract import ExtractedPage, ExtractOptions, extract
from pipeline.extract.attribution import parse_trailer
from pipeline.items import RawArticle

FETCHED = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
PROSE = (
    "<p>The harbour board voted on Tuesday to dredge the eastern channel before the summer "
    "season, after a long debate about the cost and the noise for the neighbours.</p>"
    "<p>Work will start in April and last six weeks, the board's chairwoman told reporters "
    "after the meeting, adding that ferries would keep running on a reduced timetable.</p>"
)
URL = "https://ledger.example/news/channel-dredging"


def page(
    head: str = "", top: str = "", tail: str = "", url: str = URL, lang: str = "en"
) -> ExtractedPage:
    html = (
        f"<html lang='{lang}'><head><title>Channel to be dredged</title>{head}</head><body>"
        f"<article>{top}{PROSE}{tail}</article></body></html>"
    )
    return extract(html, url, ExtractOptions(fetched_at=FETCHED))


def ld(**fields: object) -> str:
    return (
        "<script type='application/ld+json'>"
        + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", **fields})
        + "</script>"
    )


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# (case, page, published_at, updated_at, date_source)
DATE_CASES = [
    (
        "json-ld with offset",
        page(ld(datePublished="2024-03-01T09:30:00+02:00")),
        utc(2024, 3, 1, 7, 30),
        None,
        {"published": "json-ld"},
    ),
    (
        "json-ld both dates",
        page(ld(datePublished="2024-03-01T08:00:00Z", dateModified="2024-03-02T10:00:00Z")),
        utc(2024, 3, 1, 8),
        utc(2024, 3, 2, 10),
        {"published": "json-ld", "updated": "json-ld"},
    ),
    (
        "meta published",
        page("<meta property='article:published_time' content='2024-02-28T14:00:00Z'>"),
        utc(2024, 2, 28, 14),
        None,
        {"published": "meta"},
    ),
    (
        "meta modified",
        page(
            "<meta property='article:published_time' content='2024-02-28'>"
            "<meta property='article:modified_time' content='2024-02-29T06:15Z'>"
        ),
        utc(2024, 2, 28),
        utc(2024, 2, 29, 6, 15),
        {"published": "meta", "updated": "meta"},
    ),
    (
        "meta with India offset",
        page("<meta name='pubdate' content='2024-02-20T10:00:00+05:30'>"),
        utc(2024, 2, 20, 4, 30),
        None,
        {"published": "meta"},
    ),
    (
        "meta without zone is UTC",
        page("<meta name='date' content='2024-02-20 10:00'>"),
        utc(2024, 2, 20, 10),
        None,
        {"published": "meta"},
    ),
    (
        "microdata",
        page(top="<span itemprop='datePublished' content='2024-01-15T12:00:00Z'>Jan 15</span>"),
        utc(2024, 1, 15, 12),
        None,
        {"published": "microdata"},
    ),
    (
        "time element",
        page(top="<time datetime='2024-02-10T08:00:00-05:00'>Feb 10</time>"),
        utc(2024, 2, 10, 13),
        None,
        {"published": "time"},
    ),
    (
        "visible published stamp",
        page(top="<div class='meta'>Published March 3, 2024</div>"),
        utc(2024, 3, 3),
        None,
        {"published": "visible"},
    ),
    (
        "visible last-updated stamp",
        page(top="<div>Last Updated: 07/27/2016</div>"),
        None,
        utc(2016, 7, 27),
        {"published": "undated", "updated": "visible"},
    ),
    (
        "visible stamp in a US zone",
        page(top="<div>Updated July 27, 2016 10:12 AM EDT</div>"),
        None,
        utc(2016, 7, 27, 14, 12),
        {"published": "undated", "updated": "visible"},
    ),
    (
        "German stamp is day first",
        page(top="<div>Aktualisiert am 03.04.2023</div>", lang="de"),
        None,
        utc(2023, 4, 3),
        {"published": "undated", "updated": "visible"},
    ),
    (
        "relative hours",
        page(top="<div class='meta'>Updated 2 hours ago</div>"),
        None,
        FETCHED - timedelta(hours=2),
        {"published": "undated", "updated": "relative"},
    ),
    (
        "relative minutes",
        page(top="<div class='meta'>Updated 45 minutes ago</div>"),
        None,
        FETCHED - timedelta(minutes=45),
        {"published": "undated", "updated": "relative"},
    ),
    (
        "url date",
        page(url="https://ledger.example/news/2024/02/14/channel/"),
        utc(2024, 2, 14),
        None,
        {"published": "url"},
    ),
    ("undated", page(), None, None, {"published": "undated"}),
    (
        "future date is skipped",
        page(
            ld(datePublished="2031-01-01T00:00:00Z"),
            url="https://ledger.example/2024/02/14/channel/",
        ),
        utc(2024, 2, 14),
        None,
        {"published": "url"},
    ),
    (
        "copyright year is no date",
        page(tail="<p>© 2023 Harbor Ledger</p>"),
        None,
        None,
        {"published": "undated"},
    ),
    (
        "json-ld beats the url",
        page(
            ld(datePublished="2024-02-15T00:00:00Z"),
            url="https://ledger.example/2024/02/14/channel/",
        ),
        utc(2024, 2, 15),
        None,
        {"published": "json-ld"},
    ),
]


@pytest.mark.parametrize(
    ("case", "found", "published", "updated", "source"), DATE_CASES, ids=[c[0] for c in DATE_CASES]
)
def test_dates_and_their_provenance(
    case: str,
    found: ExtractedPage,
    published: datetime | None,
    updated: datetime | None,
    source: dict[str, str],
) -> None:
    assert (found.published_at, found.updated_at, found.date_source) == (published, updated, source)


def raw(hints: dict[str, str]) -> RawArticle:
    return RawArticle(
        url=URL,
        source="ledger",
        body=b"",
        status=200,
        headers={},
        fetched_at=FETCHED,
        discovered_via="feed",
        hints=hints,
    )


@pytest.mark.parametrize(
    ("hints", "published", "source"),
    [
        ({"feed_published": "Mon, 04 Mar 2024 09:00:00 +0100"}, utc(2024, 3, 4, 8), "feed"),
        ({"sitemap_lastmod": "2024-03-01"}, utc(2024, 3, 1), "sitemap"),
        ({"feed_published": "Wed, 01 Jan 2031 09:00:00 GMT"}, None, "undated"),
    ],
)
def test_an_undated_page_takes_a_feed_or_sitemap_date_but_never_a_future_one(
    hints: dict[str, str],
    published: datetime | None,
    source: str,
) -> None:
    article = build_article(raw(hints), page())
    assert (article.published_at, article.date_source["published"]) == (published, source)


def test_the_page_date_wins_over_the_feed_date() -> None:
    article = build_article(
        raw({"feed_published": "2024-03-04"}), page("<meta name='pubdate' content='2024-02-20'>")
    )
    assert (article.published_at, article.date_source) == (utc(2024, 2, 20), {"published": "meta"})


BIO = 'Jane Roe, a former ambassador to Chile, is the author of "Salt Roads."'
TRAILER = "Igor Ivanov, the foreign minister, contributed this comment to The Washington Post."

# (case, page, authors, role, original publication)
AUTHOR_CASES = [
    (
        "json-ld person",
        page(ld(author={"@type": "Person", "name": "Jane Doe"})),
        ["Jane Doe"],
        None,
        None,
    ),
    (
        "json-ld people",
        page(
            ld(
                author=[
                    {"@type": "Person", "name": "Jane Doe"},
                    {"@type": "Person", "name": "John Roe"},
                ]
            )
        ),
        ["Jane Doe", "John Roe"],
        None,
        None,
    ),
    (
        "meta author with By",
        page("<meta name='author' content='By Jane Doe'>"),
        ["Jane Doe"],
        None,
        None,
    ),
    (
        "byline with and",
        page(top="<p class='byline'>By Jane Doe and John Roe</p>"),
        ["Jane Doe", "John Roe"],
        None,
        None,
    ),
    (
        "byline with role",
        page(top="<p class='byline'>By JANE DOE, Staff Writer</p>"),
        ["Jane Doe"],
        None,
        None,
    ),
    (
        "rel author link",
        page(top="<a rel='author' href='/people/jane-doe'>Jane Doe</a>"),
        ["Jane Doe"],
        None,
        None,
    ),
    (
        "profile URL is no name",
        page("<meta name='author' content='https://ledger.example/jd'>"),
        [],
        None,
        None,
    ),
    (
        "op-ed trailer",
        page(tail=f"<p>{TRAILER}</p>"),
        ["Igor Ivanov"],
        "foreign minister",
        "The Washington Post",
    ),
    (
        "trailer writer comes first",
        page("<meta name='author' content='Jane Doe'>", tail=f"<p>{TRAILER}</p>"),
        ["Igor Ivanov", "Jane Doe"],
        "foreign minister",
        "The Washington Post",
    ),
    (
        "a desk is no author",
        page("<meta name='author' content='Opinion Desk'>", tail=f"<p>{TRAILER}</p>"),
        ["Igor Ivanov"],
        "foreign minister",
        "The Washington Post",
    ),
    (
        "trailer for another outlet",
        page(
            tail="<p>Anna de Vries, the mayor of Utrecht, wrote this article for The Guardian.</p>"
        ),
        ["Anna de Vries"],
        "mayor of Utrecht",
        "The Guardian",
    ),
    (
        "trending-author widget is ignored",
        page(
            top="<p class='byline'>By Jane Doe</p>",
            tail="<aside class='trending-authors'><h3>Trending authors</h3><ul>"
            "<li class='author'><a href='/a'>Max Mustermann</a></li>"
            "<li class='author'><a href='/b'>Erika Muster</a></li></ul></aside>",
        ),
        ["Jane Doe"],
        None,
        None,
    ),
    (
        "German byline",
        page(top="<p class='author'>Von Anna Schmidt</p>", lang="de"),
        ["Anna Schmidt"],
        None,
        None,
    ),
    (
        "biography line of an op-ed",
        page(tail=f"<p>{BIO}</p>", url="https://ledger.example/opinion/channel/"),
        ["Jane Roe"],
        "former ambassador to Chile",
        None,
    ),
    ("biography line ending a news story", page(tail=f"<p>{BIO}</p>"), [], None, None),
    (
        "no trailer, no role",
        page(tail="<p>The board meets again in May to review the work.</p>"),
        [],
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "found", "authors", "role", "publication"),
    AUTHOR_CASES,
    ids=[c[0] for c in AUTHOR_CASES],
)
def test_authors_roles_and_original_publication(
    case: str, found: ExtractedPage, authors: list[str], role: str | None, publication: str | None
) -> None:
    assert (found.authors, found.author_role, found.original_publication) == (
        authors,
        role,
        publication,
    )


def test_the_op_ed_trailer_stays_in_the_body() -> None:
    assert page(tail=f"<p>{TRAILER}</p>").body.endswith(TRAILER)


@pytest.mark.parametrize(
    "line",
    [
        "Mr. Smith is a fool, the mayor said.",
        "The minister, a veteran of three governments, said he would resign.",
        "Jane Roe is a fellow at the institute.",
        "Jane Roe, a nurse, contributed to the fund.",
    ],
)
def test_news_sentences_about_people_are_not_attribution_trailers(line: str) -> None:
    assert parse_trailer(line) is None
