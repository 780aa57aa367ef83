"""Specification: bylines give people as authors; agencies go to ``agency``; the outlet's own
name, desk codes and "Quelle:" labels are no authors."""

from __future__ import annotations

import lxml.html
import pytest
from harbour_page import PROSE, URL

from pipeline.extract import extract
from pipeline.extract.authors import split_credit
from pipeline.extract.credits import Credit, classify_credit
from pipeline.extract.metadata import PageMetadata, read_metadata

SITES = {"harbourgazette", "harbour-gazette"}


def meta(head: str = "", body: str = "", url: str = URL) -> PageMetadata:
    root = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return read_metadata(root, url)


@pytest.mark.parametrize(
    ("credit", "names"),
    [
        ("Elena Oberholzer (obe), Oliver Maksan (oma)", ["Elena Oberholzer", "Oliver Maksan"]),
        ("Corina Gall (cog.)", ["Corina Gall"]),
        ("sid/dpa", ["sid", "dpa"]),
        ("By 배윤경,이상현", ["배윤경", "이상현"]),
        ("大渡 美咲", ["大渡 美咲"]),
        ("MDR THÜRINGEN Stand: 28.04.2023", []),
    ],
)
def test_credits_lose_desk_codes_and_stamps_and_keep_caseless_names(
    credit: str, names: list[str]
) -> None:
    assert split_credit(credit) == names


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Jane Doe", Credit.PERSON),
        ("dpa", Credit.AGENCY),
        ("The Associated Press", Credit.AGENCY),
        ("Associated Press in Valencia", Credit.AGENCY),
        ("Anadolu Ajansı", Credit.AGENCY),
        ("Harbour Gazette", Credit.OUTLET),
        ("Deutsche Welle (www.dw.com)", Credit.OUTLET),
        ("Max Harbourgazetteer", Credit.PERSON),
    ],
)
def test_a_credit_names_a_person_an_agency_or_the_outlet(name: str, kind: Credit) -> None:
    assert classify_credit(name, SITES) is kind


def test_an_agency_byline_is_the_agency_and_makes_the_article_wire_copy() -> None:
    html = (
        "<html><head><meta name='author' content='dpa'></head><body>"
        f"<article><h1>Pier closes</h1>{PROSE}</article></body></html>"
    )
    page = extract(html, URL)
    assert page.authors == []
    assert page.agency == "dpa"
    assert page.article_type == "wire"


def test_a_source_label_names_agencies_never_a_writer() -> None:
    found = meta(body="<p class='byline'>Quelle: sid/dpa</p>")
    assert found.authors == []
    assert found.agency == "sid"


def test_the_outlets_own_name_gives_way_to_the_writer_named_by_an_author_link() -> None:
    found = meta(
        "<meta name='author' content='Harbour Gazette'>",
        "<div class='kopf'>von <a href='/autoren/name/max-doe'>Dr. Max Doe</a></div>",
    )
    assert found.authors == ["Dr. Max Doe"]


def test_a_labelled_author_field_names_the_writer() -> None:
    found = meta(body="<ul class='facts'><li><strong>Autorin/Autor</strong> Roman Doe</li></ul>")
    assert found.authors == ["Roman Doe"]


def test_the_outlet_is_recognised_from_the_pages_own_address_when_read_from_a_file() -> None:
    found = meta(
        "<meta property='og:url' content='https://www.lto.example/recht/x'>"
        "<meta name='author' content='LTO'>",
        url="file:///saved/page.html",
    )
    assert found.authors == []


def test_bylines_in_teasers_are_skipped_but_body_classes_do_not_count_as_teasers() -> None:
    body = (
        "<div class='recommended'><span itemprop='author'>Teaser Writer</span></div>"
        "<div class='story'><span itemprop='author'>Madeleine Doe</span></div>"
    )
    root = lxml.html.document_fromstring(
        f"<html><body class='single-post footer-template'>{body}</body></html>"
    )
    assert read_metadata(root, URL).authors == ["Madeleine Doe"]


def test_the_editor_named_as_structured_author_gives_way_to_the_visible_byline() -> None:
    found = meta(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Pier", '
        '"author": {"@type": "Person", "name": "Rudi Hartono"}}</script>',
        '<h1>Pier closes</h1><div class="writer-line">Sari Wulandari</div>'
        f"{PROSE}"
        '<div class="info-editor">Editor : <a href="/profile/12/rudi">Rudi Hartono</a></div>',
    )
    assert found.authors == ["Sari Wulandari"]


def test_an_editing_credit_leaves_the_reporters() -> None:
    found = meta(
        '<meta name="author" content="Jane Doe, John Roe">',
        f"{PROSE}<p>Reporting by Jane Doe; Editing by John Roe</p>",
    )
    assert found.authors == ["Jane Doe"]


def test_an_author_who_is_not_credited_as_editor_stays() -> None:
    found = meta(
        '<meta name="author" content="Jane Doe">',
        f"{PROSE}<p>The editors of the gazette thanked the readers.</p>",
    )
    assert found.authors == ["Jane Doe"]
