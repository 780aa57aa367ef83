"""Specification: publication dates in the publisher's own offset, found in the less common
places, and the headline most of the page's statements agree on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import lxml.html
import pytest

from pipeline.extract import ExtractedPage, ExtractOptions, extract
from pipeline.extract.dates import parse_date, title_candidates
from pipeline.extract.metadata import PageMetadata, read_metadata
from pipeline.extract.titles import most_supported, shared_headline

PROSE = (
    "<p>The regional parliament voted on Tuesday to extend the night train service to the "
    "coast, after a three-hour debate in which every party but one supported the plan.</p>"
    "<p>The first trains will run in June, and tickets will cost the same as on the existing "
    "routes, the transport minister said after the vote.</p>"
)
FETCHED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def page(head: str = "", body: str = "", url: str = "https://news.example/a/b") -> ExtractedPage:
    html = f"<html><head>{head}</head><body>{body}<div class='text'>{PROSE}</div></body></html>"
    return extract(html, url, ExtractOptions(fetched_at=FETCHED))


def meta(head: str = "", body: str = "", url: str = "https://news.example/a/b") -> PageMetadata:
    root = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return read_metadata(root, url)


# --- the publisher's offset -------------------------------------------------------------------


def test_a_stated_offset_is_kept_so_the_calendar_day_is_the_publishers() -> None:
    found = parse_date("2025-02-13T00:30:00+03:00")
    assert found is not None
    assert found.isoformat() == "2025-02-13T00:30:00+03:00"
    assert found == datetime(2025, 2, 12, 21, 30, tzinfo=UTC)  # the same instant


def test_a_date_without_offset_is_taken_as_utc() -> None:
    assert parse_date("2025-02-13 08:00") == datetime(2025, 2, 13, 8, 0, tzinfo=UTC)


def test_a_named_zone_becomes_its_offset() -> None:
    found = parse_date("February 13, 2025 7:15 PM EST")
    assert found is not None and found.utcoffset() == timedelta(hours=-5)


def test_the_stored_value_of_a_moscow_midnight_story_stays_on_its_day() -> None:
    found = page('<meta property="article:published_time" content="2025-02-13T00:00:00+03:00">')
    assert found.published_at is not None
    assert found.published_at.isoformat() == "2025-02-13T00:00:00+03:00"
    assert found.published_at.tzinfo == timezone(timedelta(hours=3))


# --- less common places ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["article:published:time", "Article.Published-Time", "ARTICLE:PUBLISHED_TIME"]
)
def test_meta_keys_are_matched_whatever_their_punctuation_and_case(key: str) -> None:
    found = page(f'<meta property="{key}" content="2024-10-23T15:48:15+02:00">')
    assert found.published_at is not None
    assert found.published_at.isoformat() == "2024-10-23T15:48:15+02:00"
    assert found.date_source["published"] == "meta"


def test_an_analytics_meta_key_naming_publication_is_trusted_less_than_the_article_markup() -> None:
    found = page(
        '<meta name="tracking.articleFirstPublished" content="2019-02-05 16:07">',
        "<time itemprop='datePublished' datetime='2023-08-30T16:45+01:00'>30 August</time>",
    )
    assert found.published_at is not None
    assert found.published_at.date().isoformat() == "2023-08-30"


def test_an_analytics_meta_key_is_used_when_nothing_else_dates_the_page() -> None:
    found = page('<meta name="tracking.articleFirstPublished" content="2019-02-05 16:07">')
    assert found.published_at == datetime(2019, 2, 5, 16, 7, tzinfo=UTC)


def test_a_title_segment_that_is_a_date_dates_the_page_and_leaves_the_headline() -> None:
    found = page(
        '<meta property="og:site_name" content="Courier">'
        '<meta property="og:title" content="Night trains return | Courier | 28.04.2023">'
        "<title>Night trains return | Europe | Courier | 28.04.2023</title>"
    )
    assert found.published_at is not None
    assert found.published_at.date().isoformat() == "2023-04-28"
    assert found.date_source["published"] == "title"
    assert found.title == "Night trains return"


def test_a_date_inside_the_headline_words_is_no_title_date() -> None:
    assert not list(title_candidates(["What changed on 28.04.2023 at the port | Courier"]))
    assert [c.raw for c in title_candidates(["Port news | Courier | 28.04.2023"])] == ["28.04.2023"]


def test_the_second_opinion_dates_a_page_whose_markup_the_own_reading_does_not_know() -> None:
    script = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "WebPage", "name": "x"}</script>'
        '<meta itemprop="uploadDate" content="2025-04-05T10:00:00+03:00">'
    )
    found = page(script)
    assert found.published_at is not None
    assert found.published_at.date().isoformat() == "2025-04-05"
    assert found.date_source["published"] == "htmldate"


def test_the_second_opinion_does_not_take_a_teasers_or_a_copyright_date() -> None:
    found = page(
        body="<ul class='related'><li><time datetime='2023-01-01'>1 Jan</time></li></ul>"
        "<div class='footer-note'>Copyright 2019 News Example</div>"
    )
    assert found.published_at is None
    assert found.date_source["published"] == "undated"


# --- the headline -----------------------------------------------------------------------------


def test_the_headline_most_statements_agree_on_beats_a_rewritten_og_title() -> None:
    found = meta(
        '<meta property="og:title" content="Kicker for sharing: a teaser headline">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Council closes the ferry pier for repairs"}</script>'
        "<title>Council closes the ferry pier for repairs | Harbour Gazette</title>",
        "<h1>Council closes the ferry pier for repairs</h1>",
    )
    assert found.title == "Council closes the ferry pier for repairs"


def test_a_statement_held_in_a_longer_one_supports_it() -> None:
    assert most_supported(["Headline of the day – Section", "Headline of the day"]) == (
        "Headline of the day"
    )


def test_with_no_agreement_the_og_title_is_first() -> None:
    assert most_supported(["Sharing headline", "Visible headline"]) == "Sharing headline"


def test_a_site_suffix_after_a_full_width_colon_is_cut() -> None:
    found = meta(
        '<meta property="og:site_name" content="港新聞デジタル">'
        '<meta property="og:title" content="市議会が桟橋の閉鎖を決定：港新聞デジタル">'
    )
    assert found.title == "市議会が桟橋の閉鎖を決定"


def test_a_closing_french_quote_at_the_end_is_part_of_the_headline() -> None:
    found = meta('<meta property="og:title" content="Le maire parle de « gravité »">')
    assert found.title == "Le maire parle de « gravité »"


def test_a_kicker_shared_by_most_statements_stays_in_the_headline() -> None:
    statements = [
        "After the storm: Council closes the ferry pier",
        "After the storm: Council closes the ferry pier",
        "Council closes the ferry pier",
        "After the storm: Council closes the ferry pier",
    ]
    assert most_supported(statements) == "After the storm: Council closes the ferry pier"


def test_different_kickers_before_one_headline_leave_the_shared_headline() -> None:
    found = meta(
        '<meta property="og:title" content="Storm over the coast: «We have never seen '
        'waves this high before»">'
        "<title>Storm over the coast: «We have never seen waves this high before» | "
        "Harbour Gazette</title>",
        "<h1>Weather warning - «We have never seen waves this high before»</h1>",
    )
    assert found.title == "«We have never seen waves this high before»"


def test_a_section_kicker_in_the_h1_only_is_dropped() -> None:
    assert (
        shared_headline(
            "Culture : Book fair guest of honour: What do the islands read?",
            "Book fair guest of honour: What do the islands read?",
        )
        == "Book fair guest of honour: What do the islands read?"
    )


def test_two_headlines_that_merely_end_alike_are_not_kicker_variants() -> None:
    assert (
        shared_headline(
            "Tears for the pole vaulter – then came the twist",
            "Paris 2024: Tears flowed for the young athlete from the north – then came the twist",
        )
        == ""
    )


def test_the_same_kicker_in_both_statements_is_kept_by_the_vote() -> None:
    assert (
        shared_headline(
            "BUDGET 3.0 | Tax office hires collectors", "BUDGET 3.0 | Tax office hires collectors"
        )
        == ""
    )
