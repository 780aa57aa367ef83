"""Acceptance specification of ``extract()``: whole realistic pages in, clean articles out.

The seed op-ed is wrapped in three different page templates (semantic HTML5 with JSON-LD, an
old table-and-div layout with no structured data, and a flat run of paragraphs with the junk
lines between them). Whatever the template, the article is the same six paragraphs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipeline.exceptions import ExtractionError
from pipeline.extract import ExtractedPage, ExtractOptions, extract

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SEED_BODY = (PAGES / "seed-op-ed.body.txt").read_text(encoding="utf-8").strip()
SEED_TITLE = "Russia's Pursuit of Peace and Partnership"
SEED_VARIANTS = {
    "seed-op-ed-article.html": "https://www.riverside-ledger.example/opinions/russias-pursuit/",
    "seed-op-ed-divs.html": "http://www.riverside-ledger.example/opinions/russia-peace.html",
    "seed-op-ed-flat.html": "http://www.riverside-ledger.example/russia-peace.html",
}


def extract_fixture(name: str, url: str, **options: object) -> ExtractedPage:
    return extract((PAGES / name).read_bytes(), url, ExtractOptions(**options))  # type: ignore[arg-type]


# --- the seed op-ed in realistic news markup ------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED_VARIANTS))
def test_seed_op_ed_body_is_exactly_the_six_paragraphs_after_the_title(name: str) -> None:
    page = extract_fixture(name, SEED_VARIANTS[name])
    assert page.title == SEED_TITLE
    assert page.body == SEED_BODY
    assert len(page.body.split("\n\n")) == 6


@pytest.mark.parametrize("name", sorted(SEED_VARIANTS))
def test_seed_op_ed_stamp_becomes_updated_at_and_never_appears_in_the_body(name: str) -> None:
    page = extract_fixture(name, SEED_VARIANTS[name])
    assert page.updated_at is not None
    assert page.updated_at.date() == date(2016, 7, 27)
    assert page.updated_at.tzinfo is not None
    for junk in (
        "Last Updated",
        "07/27/2016",
        "Get the latest updates",
        "right on your browser",
        "Advertisement",
        "newsletter",
        "cookies",
        "Share this article",
        "Comments",
        "Related",
        "Most read",
        "All rights reserved",
    ):
        assert junk.lower() not in page.body.lower()


def test_semantic_variant_reads_metadata_from_json_ld_meta_tags_and_byline() -> None:
    page = extract_fixture("seed-op-ed-article.html", SEED_VARIANTS["seed-op-ed-article.html"])
    assert page.authors == ["Igor Ivanov"]
    assert page.article_type == "opinion"
    assert page.section == "opinions"
    assert page.section_label == "Opinions"
    assert page.language == "en"
    assert page.canonical_url == (
        "https://www.riverside-ledger.example/opinions/russias-pursuit-of-peace-and-partnership/"
    )
    assert page.description is not None and page.description.startswith("Russia's foreign")
    assert page.date_source == {"published": "undated", "updated": "visible"}
    assert page.published_at is None


def test_plain_div_variant_without_structured_data_has_only_the_stamp_as_date() -> None:
    page = extract_fixture("seed-op-ed-divs.html", SEED_VARIANTS["seed-op-ed-divs.html"])
    assert page.date_source == {"published": "undated", "updated": "visible"}
    assert page.published_at is None
    assert page.updated_at == datetime(2016, 7, 27, tzinfo=UTC)
    assert page.section == "opinions"  # from the URL
    assert page.article_type == "opinion"


def test_a_stamp_later_than_the_fetch_time_is_not_a_date() -> None:
    page = extract_fixture(
        "seed-op-ed-divs.html",
        SEED_VARIANTS["seed-op-ed-divs.html"],
        fetched_at=datetime(2016, 1, 1, tzinfo=UTC),
    )
    assert page.updated_at is None
    assert page.body == SEED_BODY


# --- legacy encodings -----------------------------------------------------------------------

RUSSIAN_PARAGRAPHS = [
    "В понедельник городская администрация сообщила, что все коммунальные службы полностью "
    "готовы к зимнему сезону, а снегоуборочная техника прошла технический осмотр.",
    "По словам заместителя мэра, в этом году закуплено сорок новых машин, а число дворников "
    "увеличено почти на треть по сравнению с прошлой зимой.",
    "Жители могут сообщать о неубранных дворах и тротуарах по телефону горячей линии или через "
    "мобильное приложение, которое работает круглосуточно.",
]


def russian_page(declared_charset: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in RUSSIAN_PARAGRAPHS)
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; '
        f'charset={declared_charset}"><title>Город готов к зиме</title></head><body>'
        f'<div id="menu"><a href="/">Главная</a> <a href="/news">Новости</a></div>'
        f'<h1>Город готов к зиме</h1><div class="text">{paragraphs}</div></body></html>'
    )
    return html.encode("cp1251")


@pytest.mark.parametrize(
    ("declared", "http_encoding"),
    [("windows-1251", None), ("utf-8", None), ("utf-8", "utf-8"), ("windows-1251", "UTF-8")],
)
def test_windows_1251_page_decodes_whatever_its_label_says(
    declared: str, http_encoding: str | None
) -> None:
    page = extract(
        russian_page(declared),
        "http://gorod.example/news/1",
        ExtractOptions(http_encoding=http_encoding),
    )
    assert "\ufffd" not in page.body
    assert page.body == "\n\n".join(RUSSIAN_PARAGRAPHS)
    assert page.title == "Город готов к зиме"
    assert page.language == "ru"


# --- pages without an article ---------------------------------------------------------------

LOGIN_PAGE = b"""<!DOCTYPE html><html lang="en"><head><title>Sign in | The Ledger</title></head>
<body><header><nav><a href="/">Home</a><a href="/news">News</a></nav></header>
<main><h1>Sign in</h1>
<form action="/login" method="post"><label>Email <input name="email"></label>
<label>Password <input type="password" name="password"></label>
<label><input type="checkbox"> Remember me</label><button>Sign in</button></form>
<p><a href="/forgot">Forgot your password?</a></p><p><a href="/register">Create an account</a></p>
</main><footer>&copy; 2024 The Ledger</footer></body></html>"""

GALLERY_PAGE = b"""<!DOCTYPE html><html><head><title>In pictures: the spring fair</title></head>
<body><div class="menu"><a href="/">Home</a> <a href="/photos">Photos</a></div>
<h1>In pictures: the spring fair</h1>
<div class="gallery">
<figure><img src="/p/1.jpg" alt=""><figcaption>The parade. Photo: J. Smith</figcaption></figure>
<figure><img src="/p/2.jpg" alt=""><figcaption>Stalls on the green</figcaption></figure>
<div class="counter">1 / 24</div><div class="counter">Image 2 of 24</div>
</div><div class="footer">&copy; 2024 Ledger</div></body></html>"""


@pytest.mark.parametrize("page", [LOGIN_PAGE, GALLERY_PAGE], ids=["login", "gallery"])
def test_a_page_without_article_text_is_an_empty_body_error(page: bytes) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract(page, "https://ledger.example/x")
    assert raised.value.reason == "empty_body"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b'{"status": "ok", "items": []}',
        b"Just a plain text file, with no markup at all.\n",
    ],
    ids=["pdf", "png", "json", "text"],
)
def test_input_that_is_not_html_is_a_not_html_error(data: bytes) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract(data, "https://ledger.example/file")
    assert raised.value.reason == "not_html"


def test_a_pdf_given_as_text_is_also_not_html() -> None:
    with pytest.raises(ExtractionError) as raised:
        extract("%PDF-1.4 binary stuff", "https://ledger.example/file.pdf")
    assert raised.value.reason == "not_html"


# --- related articles and comments ----------------------------------------------------------


def test_related_articles_and_comments_are_never_part_of_the_body() -> None:
    page = extract_fixture(
        "related-and-comments.html",
        "https://www.millbrook-gazette.example/local/cycle-lane-approved/",
    )
    paragraphs = page.body.split("\n\n")
    assert paragraphs[0].startswith("Millbrook's planning committee has approved")
    assert paragraphs[-1].startswith("The scheme will cost")
    assert len(paragraphs) == 6
    for leaked in (
        "Railway bridge",
        "Market hall",
        "flood defences",
        "Food waste",
        "bikedad",
        "About time",
        "potholes",
        "ring-fenced",
        "More stories",
        "conversation",
        "Storm damage",
    ):
        assert leaked not in page.body
    assert page.authors == ["Priya Shah"]
    assert page.published_at == datetime(2023, 5, 4, 7, 30, tzinfo=UTC)
    assert page.date_source["published"] == "meta"


# --- structure inside the article -----------------------------------------------------------

STRUCTURED = """<html><head><title>How the new recycling rules work</title></head><body>
<div class="nav"><a href="/">Home</a> <a href="/local">Local</a></div>
<article>
<h1>How the new recycling rules work</h1>
<p>From October every household in the district will sort its waste into four containers instead
of two, the council confirmed on Monday after a year of trials.</p>
<h2>What goes where</h2>
<p>The new containers are colour-coded, and the council will deliver them during September:</p>
<ul>
<li>Blue bin: paper, cardboard and clean food cartons.</li>
<li>Green bin: garden waste, collected every two weeks.</li>
<li>Grey caddy: food waste, collected every week.</li>
</ul>
<h3>Collection days</h3>
<p>Collection days stay the same for most streets, although some rural routes will move from
Friday to Thursday so that the new lorries can cover them in a single shift.</p>
<blockquote>We expect the recycling rate to rise from 41 to 55 per cent within two years.
</blockquote>
<ol><li>Rinse containers before putting them out.</li><li>Flatten large boxes.</li></ol>
<p>Residents who need a larger bin can apply online or at the library from the first of August.</p>
</article></body></html>"""


def test_paragraph_order_headings_lists_and_quotes_inside_the_article_are_kept() -> None:
    page = extract(STRUCTURED, "https://ledger.example/local/recycling-rules")
    assert page.body.split("\n\n") == [
        "From October every household in the district will sort its waste into four containers "
        "instead of two, the council confirmed on Monday after a year of trials.",
        "What goes where",
        "The new containers are colour-coded, and the council will deliver them during September:",
        "Blue bin: paper, cardboard and clean food cartons.",
        "Green bin: garden waste, collected every two weeks.",
        "Grey caddy: food waste, collected every week.",
        "Collection days",
        "Collection days stay the same for most streets, although some rural routes will move "
        "from Friday to Thursday so that the new lorries can cover them in a single shift.",
        "We expect the recycling rate to rise from 41 to 55 per cent within two years.",
        "Rinse containers before putting them out.",
        "Flatten large boxes.",
        "Residents who need a larger bin can apply online or at the library from the first of "
        "August.",
    ]
    assert page.title == "How the new recycling rules work"


def test_text_given_as_str_is_extracted_like_bytes() -> None:
    data = (PAGES / "seed-op-ed-article.html").read_bytes()
    url = SEED_VARIANTS["seed-op-ed-article.html"]
    assert extract(data.decode("utf-8"), url) == extract(data, url)
