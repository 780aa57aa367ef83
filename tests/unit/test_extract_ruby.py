"""Specification: ruby readings (furigana) read as the page's own <rp> brackets give them."""

from __future__ import annotations

from pipeline.extract import ExtractOptions, extract

PROSE = (
    "<p>The harbour council voted on Thursday to close the old ferry pier for repairs, after "
    "engineers found that two of its supports had rusted through completely.</p>"
    "<p>Repairs are expected to take eight months and to cost about four million, most of it "
    "paid from the port's reserve fund, the council's treasurer said.</p>"
)
URL = "https://www.harbour-gazette.example/politics/pier"


def body_of(article: str, head: str = "", url: str = URL) -> list[str]:
    html = f"<html><head>{head}</head><body><article>{article}</article></body></html>"
    return extract(html, url, ExtractOptions()).body.split("\n\n")


# --- ruby ---------------------------------------------------------------------------------


def test_a_ruby_reading_in_rp_brackets_is_kept_as_the_page_brackets_it() -> None:
    body = body_of(
        "<p>港の<ruby><rb>桟橋</rb><rp>（</rp><rt>さんばし</rt><rp>）</rp></ruby>を市議会が"
        "閉鎖することを決めた。修理には八か月かかる見込みで、費用は約四百万円になるという。"
        "市の財務担当者が木曜日に明らかにした。</p>" + PROSE
    )
    assert body[0].startswith("港の桟橋（さんばし）を市議会が")


def test_a_ruby_reading_without_brackets_is_left_out() -> None:
    body = body_of(
        "<p>港の<ruby>桟橋<rt>さんばし</rt></ruby>を市議会が閉鎖することを決めた。"
        "修理には八か月かかる見込みで、費用は約四百万円になるという。</p>" + PROSE
    )
    assert body[0].startswith("港の桟橋を市議会が")
