"""Specification of metadata: titles, authors, dates, section, type, canonical URL, language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest

from pipeline.extract import ExtractedPage, ExtractOptions, extract
from pipeline.extract.authors import split_credit
from pipeline.extract.dates import parse_date
from pipeline.extract.language import choose_language, normalise_code
from pipeline.extract.metadata import PageMetadata, read_metadata, url_section
from pipeline.extract.titles import strip_site_name

PROSE = (
    "<p>The regional parliament voted on Tuesday to extend the night train service to the "
    "coast, after a three-hour debate in which every party but one supported the plan.</p>"
    "<p>The first trains will run in June, and tickets will cost the same as on the existing "
    "routes, the transport minister said after the vote.</p>"
)
FETCHED = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)


def page(
    head: str = "",
    body: str = "",
    url: str = "https://news.example/politics/night-train",
    **options: object,
) -> ExtractedPage:
    html = f"<html><head>{head}</head><body>{body}<div class='text'>{PROSE}</div></body></html>"
    return extract(html, url, ExtractOptions(fetched_at=FETCHED, **options))  # type: ignore[arg-type]


def meta(head: str = "", body: str = "", url: str = "https://news.example/a/b") -> PageMetadata:
    root = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return read_metadata(root, url)


# --- titles ---------------------------------------------------------------------------------


def test_og_title_comes_first() -> None:
    found = meta(
        '<meta property="og:title" content="Night trains return">'
        "<title>Night trains return to the coast | The Courier</title>",
        "<h1>Night trains return to the coast</h1>",
    )
    assert found.title == "Night trains return"


def test_title_element_loses_its_site_suffix() -> None:
    found = meta(
        '<meta property="og:site_name" content="The Courier">'
        "<title>Night trains return to the coast | The Courier</title>"
    )
    assert found.title == "Night trains return to the coast"


def test_site_name_is_recognised_from_the_domain_too() -> None:
    assert strip_site_name("Night trains return - Riverside Ledger", {"riversideledger"}) == (
        "Night trains return"
    )
    assert strip_site_name("Analysis: why trains matter", {"courier"}) == (
        "Analysis: why trains matter"
    )


def test_h1_is_used_when_there_is_no_meta_title() -> None:
    found = meta("", "<h1>  Night trains\nreturn </h1>")
    assert found.title == "Night trains return"


# --- authors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credit", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("By JANE DOE, Staff Writer", ["Jane Doe"]),
        ("Jane Doe, John Roe & Ana Silva", ["Jane Doe", "John Roe", "Ana Silva"]),
        ("By Jane Doe | Updated March 4, 2024", ["Jane Doe"]),
        ("Written by Jane Doe, jane@example.com", ["Jane Doe"]),
        ("By The Associated Press", ["The Associated Press"]),
    ],
)
def test_credits_become_clean_names(credit: str, names: list[str]) -> None:
    assert split_credit(credit) == names


def test_json_ld_people_win_over_organisations_and_bylines() -> None:
    found = meta(
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "author": ['
        '{"@type": "Organization", "name": "Courier Staff"}, {"@type": "Person", '
        '"name": "Ana Silva"}]}]}</script>',
        '<p class="byline">By Someone Else</p>',
    )
    assert found.authors == ["Ana Silva"]


def test_byline_element_is_the_last_resort() -> None:
    found = meta("", '<div class="article-byline">By Ana Silva and Tom Berg</div>')
    assert found.authors == ["Ana Silva", "Tom Berg"]


def test_meta_author_profile_urls_are_not_names() -> None:
    found = meta(
        '<meta property="article:author" content="https://facebook.com/ana">'
        '<meta name="author" content="Ana Silva">'
    )
    assert found.authors == ["Ana Silva"]


# --- dates ----------------------------------------------------------------------------------


def test_json_ld_dates_win_and_are_converted_to_utc() -> None:
    result = page(
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-03-04T09:15:00+01:00", '
        '"dateModified": "2024-03-04T11:00:00+01:00"}</script>'
        '<meta property="article:published_time" content="2024-01-01T00:00:00Z">'
    )
    assert result.published_at == datetime(2024, 3, 4, 8, 15, tzinfo=UTC)
    assert result.updated_at == datetime(2024, 3, 4, 10, 0, tzinfo=UTC)
    assert result.date_source == {"published": "json-ld", "updated": "json-ld"}


def test_time_element_is_used_when_there_is_no_structured_date() -> None:
    result = page(body='<p class="dateline"><time datetime="2024-03-04">4 March</time></p>')
    assert result.published_at == datetime(2024, 3, 4, tzinfo=UTC)
    assert result.date_source == {"published": "time"}


def test_time_elements_in_teaser_lists_are_ignored() -> None:
    result = page(body='<ul class="related"><li><time datetime="2023-01-01">1 Jan</time></li></ul>')
    assert result.published_at is None


def test_url_date_is_the_last_resort() -> None:
    result = page(url="https://news.example/2024/03/01/night-train")
    assert result.published_at == datetime(2024, 3, 1, tzinfo=UTC)
    assert result.date_source == {"published": "url"}


def test_future_dates_are_rejected_and_the_next_candidate_is_used() -> None:
    result = page(
        '<meta property="article:published_time" content="2031-01-01T00:00:00Z">',
        url="https://news.example/2024/03/01/night-train",
    )
    assert result.published_at == datetime(2024, 3, 1, tzinfo=UTC)


def test_copyright_years_are_not_dates() -> None:
    result = page(body="<div class='footer-note'>Copyright 2019 News Example</div>")
    assert result.published_at is None
    assert parse_date("2019") is None
    assert parse_date("© 2019") is None


def test_relative_stamps_count_back_from_the_fetch_time() -> None:
    result = page(body="<div class='meta'>Updated 3 hours ago</div>")
    assert result.updated_at == FETCHED - timedelta(hours=3)
    assert result.date_source == {"published": "undated", "updated": "relative"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-07-27", datetime(2016, 7, 27, tzinfo=UTC)),
        ("2016-07-27T10:12:00Z", datetime(2016, 7, 27, 10, 12, tzinfo=UTC)),
        ("07/27/2016", datetime(2016, 7, 27, tzinfo=UTC)),
        ("27.07.2016", datetime(2016, 7, 27, tzinfo=UTC)),
        ("July 27, 2016 10:12 AM EDT", datetime(2016, 7, 27, 14, 12, tzinfo=UTC)),
        ("Wed 27 Jul 2016 10.12 BST", datetime(2016, 7, 27, 9, 12, tzinfo=UTC)),
        ("1469614320", datetime(2016, 7, 27, 10, 12, tzinfo=UTC)),
    ],
)
def test_common_date_formats_parse(raw: str, expected: datetime) -> None:
    assert parse_date(raw) == expected


def test_ambiguous_numeric_dates_follow_the_page_language() -> None:
    assert parse_date("03/04/2016") == datetime(2016, 3, 4, tzinfo=UTC)
    assert parse_date("03/04/2016", dayfirst=True) == datetime(2016, 4, 3, tzinfo=UTC)


# --- section, type, canonical, description --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://news.example/world/2016/07/27/story-slug", "world"),
        ("https://news.example/en/business/story-slug.html", "business"),
        ("https://news.example/story-slug", None),
        ("https://news.example/2016/07/27/story-slug", None),
    ],
)
def test_section_falls_back_to_the_first_meaningful_url_segment(
    url: str, section: str | None
) -> None:
    assert url_section(url) == section


@pytest.mark.parametrize(
    ("head", "url", "kind"),
    [
        ("", "https://news.example/opinion/night-trains", "opinion"),
        ("", "https://news.example/commentisfree/2024/mar/04/x", "opinion"),
        (
            '<meta property="article:section" content="Op-Ed">',
            "https://news.example/a/b",
            "opinion",
        ),
        (
            '<script type="application/ld+json">{"@type": "OpinionNewsArticle"}</script>',
            "https://news.example/a/b",
            "opinion",
        ),
        (
            '<meta property="article:section" content="Daily Comment">',
            "https://news.example/a/b",
            "opinion",
        ),
        ("", "https://news.example/politics/night-trains", "news"),
    ],
)
def test_article_type_is_opinion_when_type_section_or_url_say_so(
    head: str, url: str, kind: str
) -> None:
    assert meta(head, url=url).article_type == kind


def test_placeholder_sections_are_skipped() -> None:
    found = meta(
        '<meta property="article:section" content="tags">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"articleSection": "Transport"}</script>'
    )
    assert (found.section, found.section_label) == ("transport", "Transport")


def test_wordpress_category_link_names_the_section() -> None:
    found = meta("", '<a href="/news/" rel="category tag">Local News</a>')
    assert (found.section, found.section_label) == ("local-news", "Local News")


def test_canonical_link_is_made_absolute() -> None:
    found = meta(
        '<link rel="canonical" href="/politics/night-train">',
        url="https://news.example/politics/night-train?utm_source=x",
    )
    assert found.canonical_url == "https://news.example/politics/night-train"


def test_description_comes_from_meta_tags() -> None:
    found = meta('<meta property="og:description" content="  The night train is back.  ">')
    assert found.description == "The night train is back."


# --- language -------------------------------------------------------------------------------


def test_declared_language_is_normalised() -> None:
    assert normalise_code("en-US") == "en"
    assert normalise_code("pt_BR") == "pt"
    assert normalise_code("not a language") is None


def test_page_without_declaration_gets_the_identified_language() -> None:
    german = (
        "Der Landtag hat am Dienstag beschlossen, den Nachtzug an die Küste zu verlängern. "
        "Die ersten Züge sollen im Juni fahren, sagte der Verkehrsminister nach der Sitzung."
    )
    assert choose_language(None, None, german) == "de"


def test_a_hint_is_used_when_the_page_declares_nothing_and_the_text_is_short() -> None:
    assert choose_language(None, "fr-FR", "") == "fr"


def test_a_wrong_template_declaration_is_overruled_by_a_long_clear_text() -> None:
    german = (
        "Der Landtag hat am Dienstag beschlossen, den Nachtzug an die Küste zu verlängern. "
        "Die ersten Züge sollen im Juni fahren, sagte der Verkehrsminister nach der Sitzung. "
    ) * 4
    assert choose_language("en", None, german) == "de"
    assert choose_language("en", None, "Kurzer Text.") == "en"
