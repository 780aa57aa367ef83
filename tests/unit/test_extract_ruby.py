"""Specification: ruby readings (furigana) read as the page's own <rp> brackets give them."""

from __future__ import annotations

from harbour_page import PROSE, body_of

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
