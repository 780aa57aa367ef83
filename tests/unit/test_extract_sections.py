"""Specification: the section as the page names it (slug for facets, label kept), and the
cues that mark an opinion piece beyond section and URL."""

from __future__ import annotations

import lxml.html
import pytest

from pipeline.extract import extract
from pipeline.extract.metadata import PageMetadata, read_metadata
from pipeline.extract.sections import slugify

PROSE = (
    "<p>The harbour council voted on Thursday to close the old ferry pier for repairs, after "
    "engineers found that two of its supports had rusted through completely.</p>"
    "<p>Repairs are expected to take eight months and to cost about four million, most of it "
    "paid from the port's reserve fund, the council's treasurer said.</p>"
)


def meta(
    head: str = "", body: str = "", url: str = "https://gazette.example/2024/pier"
) -> PageMetadata:
    root = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return read_metadata(root, url)


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("Opinion", "opinion"),
        ("OPINION ", "opinion"),
        ("Local News", "local-news"),
        ("Économie", "economie"),
        ("Wirtschaft & Finanzen", "wirtschaft-finanzen"),
        ("国際", "国際"),
    ],
)
def test_labels_become_lowercase_slugs(label: str, slug: str) -> None:
    assert slugify(label) == slug


def test_a_json_ld_breadcrumb_names_the_section_before_the_url() -> None:
    crumbs = (
        '<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": ['
        '{"@type": "ListItem", "position": 1, "name": "Home"},'
        '{"@type": "ListItem", "position": 2, "name": "Local Politics"},'
        '{"@type": "ListItem", "position": 3, "name": "Council closes the pier"}]}</script>'
    )
    found = meta(crumbs, url="https://gazette.example/news/2024/pier")
    assert (found.section, found.section_label) == ("local-politics", "Local Politics")


def test_an_html_breadcrumb_names_the_section() -> None:
    trail = "<nav class='c-breadcrumbs'><a href='/'>Start</a> › <a href='/kultur'>Kultur</a></nav>"
    found = meta(body=trail, url="https://gazette.example/a/2024/pier")
    assert (found.section, found.section_label) == ("kultur", "Kultur")


def test_article_section_comes_first_and_is_normalised() -> None:
    found = meta('<meta property="article:section" content="Opinion">')
    assert (found.section, found.section_label) == ("opinion", "Opinion")


def test_the_url_is_the_last_resort_and_a_saved_page_uses_its_canonical_address() -> None:
    found = meta(
        '<link rel="canonical" href="https://gazette.example/sport/2024/05/03/final">',
        url="file:///saved/page.html",
    )
    assert (found.section, found.section_label) == ("sport", "sport")


@pytest.mark.parametrize(
    "title", ["Opinion | The pier deserved better", "Kommentar: Der Steg hätte Besseres verdient"]
)
def test_an_opinion_label_opening_the_headline_marks_opinion(title: str) -> None:
    assert meta(f'<meta property="og:title" content="{title}">').article_type == "opinion"


def test_a_columnist_byline_marks_opinion() -> None:
    found = meta(body="<p class='byline'>By Mara Quint, Columnist</p>")
    assert found.article_type == "opinion"
    assert found.authors == ["Mara Quint"]


def test_an_op_ed_trailer_marks_opinion_even_without_any_other_cue() -> None:
    trailer = (
        "<p>Mara Quint, the harbour master, contributed this comment to The Harbour Gazette.</p>"
    )
    article = f"<article><h1>Why the pier must close</h1>{PROSE}{trailer}</article>"
    html = f"<html><body>{article}</body></html>"
    page = extract(html, "https://gazette.example/2024/05/03/pier")
    assert page.article_type == "opinion"
    assert page.opinion_kind == "op-ed"
    assert page.authors[0] == "Mara Quint"
