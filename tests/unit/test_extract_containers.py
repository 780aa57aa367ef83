"""Specification: the article container survives names that only describe its state, and
dialogs and teaser rivers around it do not leak into the body."""

from __future__ import annotations

from pipeline.extract import extract

PARAGRAPHS = [
    "The harbour council voted on Thursday to close the old ferry pier for repairs, after "
    "engineers found that two of its supports had rusted through completely.",
    "Repairs are expected to take eight months and to cost about four million, most of it "
    "paid from the port's reserve fund, the council's treasurer said on Friday.",
    "Ferry passengers will board at the temporary landing next to the fish market, which "
    "opens on Monday with a shuttle bus from the station every twenty minutes.",
]
URL = "https://www.harbour-gazette.example/politics/2024/05/03/pier/"


def body_of(html: str) -> str:
    return extract(html, URL).body


def article(wrapper_attributes: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"<div {wrapper_attributes}><h1>Council closes pier</h1>{paragraphs}</div>"


def test_a_wrapper_named_for_its_comments_being_switched_on_is_still_the_article() -> None:
    wrapper = article('id="article" class="None comments-enabled"')
    html = f"<html><body>{wrapper}</body></html>"
    assert all(p in body_of(html) for p in PARAGRAPHS)


def test_a_consent_dialog_with_long_legal_paragraphs_is_not_body_text() -> None:
    legal = (
        "If you are a resident of this state, you have the right, at any time, to direct a "
        "business that sells your personal information to third parties not to sell it. "
    ) * 3
    dialog = (
        "<div id='onetrust-consent-sdk'><h2>Your privacy choices</h2>"
        f"<p>{legal}</p><p>{legal}</p><p>{legal}</p></div>"
    )
    html = f"<html><body>{article()}{dialog}</body></html>"
    body = body_of(html)
    assert all(p in body for p in PARAGRAPHS)
    assert "personal information" not in body


def test_a_river_of_teaser_cards_with_labels_authors_and_stamps_is_not_body_text() -> None:
    card = (
        "<div><a href='/category/x/'>Startups</a>"
        "<h2><a href='/2024/05/16/story-{n}/'>Another story number {n} about something</a></h2>"
        "<div><a href='/author/jo-doe/'>Jo Doe</a></div><div>{n} hours ago</div>"
        "<p>A short summary of story {n}, written to make a reader click through to it.</p></div>"
    )
    river = "".join(card.format(n=n) for n in range(1, 6))
    html = f"<html><body><main>{article()}<section>{river}</section></main></body></html>"
    body = body_of(html)
    assert all(p in body for p in PARAGRAPHS)
    assert "A short summary" not in body


def test_bulleted_key_points_above_the_first_paragraph_are_kept() -> None:
    points = "<ul><li>The pier closes on Monday</li><li>Repairs take eight months</li></ul>"
    story = f"<article><h1>Council closes pier</h1>{points}{article()}</article>"
    html = f"<html><body>{story}</body></html>"
    body = body_of(html)
    assert body.startswith("The pier closes on Monday\n\nRepairs take eight months\n\n")


def test_a_results_table_keeps_each_row_together_numbers_included() -> None:
    table = (
        "<table><tr><th>Team</th><th>Pts</th></tr><tr><td>Harbour FC</td><td>31</td></tr>"
        "<tr><td>Dock United</td><td>28</td></tr></table>"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    story = f"<article><h1>Table</h1>{paragraphs}{table}<p>{PARAGRAPHS[0]}</p></article>"
    html = f"<html><body>{story}</body></html>"
    body = body_of(html)
    assert "Team | Pts\n\nHarbour FC | 31\n\nDock United | 28" in body


def test_a_layout_table_holding_the_story_in_one_cell_is_read_as_paragraphs() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        "<html><body><table><tr><td><a href='/'>Home</a></td>"
        f"<td><h1>Council closes pier</h1>{paragraphs}</td></tr></table></body></html>"
    )
    assert body_of(html) == "\n\n".join(PARAGRAPHS)


def test_japanese_paragraphs_count_as_prose_so_every_declared_part_is_kept() -> None:
    parts = [
        "市議会は木曜日、老朽化した桟橋を修理のため閉鎖することを決めた。技師が支柱の腐食を見つけた。",
        "修理には八か月かかり、費用は約四百万円の見込みだと、財務担当者は金曜日に述べた。",
        "フェリーの乗客は月曜日から魚市場の隣の仮設乗り場を使う。駅からは二十分ごとにバスが出る。",
        "市長は記者会見で「安全が最優先だ」と述べ、工事の進み具合を毎月公表すると約束した。",
        "地元の商店街からは、観光客が減るのではないかと心配する声も上がっている。",
    ]
    paragraphs = "".join(f"<p itemprop='articleBody'>{p}</p>" for p in parts)
    teaser = (
        "<div class='other'><p>別の記事の紹介文がここに入る。とても長い紹介文である。</p></div>"
    )
    html = f"<html><body><article><h1>桟橋を閉鎖</h1>{paragraphs}</article>{teaser}</body></html>"
    assert body_of(html) == "\n\n".join(parts)
