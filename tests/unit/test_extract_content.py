"""Specification of text blocks and main-content selection."""

from __future__ import annotations

import re

import lxml.html

from pipeline.extract.blocks import text_blocks
from pipeline.extract.clean import clean_tree
from pipeline.extract.content import ContentOptions, select_paragraphs

PROSE_A = (
    "The harbour authority said on Thursday that dredging of the main channel will start "
    "in March and will close the northern berths for about six weeks."
)
PROSE_B = (
    "Ferry operators, who were consulted last autumn, have agreed to move their evening "
    "sailings to the southern terminal while the work is under way."
)
PROSE_C = (
    "The authority expects the deeper channel to let larger cargo ships call at the port, "
    "which it says could add up to two hundred jobs over the next five years."
)


def paragraphs(html: str, **options: object) -> list[str]:
    root = lxml.html.document_fromstring(html)
    body = clean_tree(root, options.get("body_selector")).body  # type: ignore[arg-type]
    return select_paragraphs(body, ContentOptions(**options))  # type: ignore[arg-type]


def test_blocks_follow_reading_order_and_split_at_double_line_breaks() -> None:
    root = lxml.html.fragment_fromstring(
        "<div>First line<br>same paragraph<br><br>Second paragraph"
        "<p>Third, with a <a href='/x'>link</a>.</p>tail text</div>"
    )
    blocks = text_blocks(root)
    assert [b.text for b in blocks] == [
        "First line\nsame paragraph",
        "Second paragraph",
        "Third, with a link.",
        "tail text",
    ]
    assert blocks[2].link_chars == len("link")


def test_source_newlines_inside_a_paragraph_are_spaces() -> None:
    root = lxml.html.fragment_fromstring("<p>one\n   two\tthree&nbsp;four</p>")
    assert [b.text for b in text_blocks(root)] == ["one two three four"]


def test_the_densest_prose_region_wins_over_link_lists() -> None:
    html = (
        "<body><div class='x1'><a href='/1'>World news today</a><br><a href='/2'>Sport</a>"
        "<br><a href='/3'>Business and markets</a></div>"
        f"<div class='x2'><p>{PROSE_A}</p><p>{PROSE_B}</p><p>{PROSE_C}</p></div></body>"
    )
    assert paragraphs(html) == [PROSE_A, PROSE_B, PROSE_C]


def test_an_article_element_holding_the_story_is_preferred() -> None:
    html = (
        f"<body><div><p>{PROSE_C}</p>"
        f"<article><h2>Dredging plan</h2><p>{PROSE_A}</p><p>{PROSE_B}</p></article></div></body>"
    )
    assert paragraphs(html) == ["Dredging plan", PROSE_A, PROSE_B]


def test_a_small_teaser_article_does_not_win_over_the_story() -> None:
    html = (
        f"<body><article class='teaser'><h2><a href='/t'>Port strike ends</a></h2></article>"
        f"<div class='story'><p>{PROSE_A}</p><p>{PROSE_B}</p><p>{PROSE_A}</p><p>{PROSE_B}</p>"
        "</div></body>"
    )
    assert paragraphs(html) == [PROSE_A, PROSE_B, PROSE_A, PROSE_B]


def test_a_run_of_teaser_cards_next_to_the_story_is_dropped() -> None:
    cards = "".join(
        f"<div><a href='/{n}'>Other story number {n}</a><div>{blurb}</div></div>"
        for n, blurb in enumerate(
            [
                "A blurb about ferries.",
                "A blurb about the port strike.",
                "A blurb about the harbour master's resignation.",
            ]
        )
    )
    html = (
        f"<body><div><div><p>{PROSE_A}</p><p>{PROSE_B}</p><p>{PROSE_C}</p></div>"
        f"<div>{cards}</div></div></body>"
    )
    assert paragraphs(html) == [PROSE_A, PROSE_B, PROSE_C]


def test_labels_before_the_first_paragraph_are_dropped() -> None:
    html = f"<body><div><div>Politics</div><div>Live</div><p>{PROSE_A}</p><p>{PROSE_B}</p></div>"
    assert paragraphs(html) == [PROSE_A, PROSE_B]


def test_body_selector_decides_when_configured() -> None:
    html = (
        f"<body><div class='big'><p>{PROSE_A}</p><p>{PROSE_B}</p></div>"
        f"<div class='mine'><p>{PROSE_C}</p></div></body>"
    )
    assert paragraphs(html, body_selector="div.mine") == [PROSE_C]


def test_link_heavy_lines_and_furniture_lines_inside_the_story_are_dropped() -> None:
    html = (
        f"<body><div><p>{PROSE_A}</p><p><a href='/a'>Harbour master resigns over delays</a></p>"
        f"<p>Advertisement</p><p>{PROSE_B}</p><p>Read more: <a href='/b'>Port strike ends</a></p>"
        f"<p>{PROSE_C}</p></div></body>"
    )
    assert paragraphs(html) == [PROSE_A, PROSE_B, PROSE_C]


def test_the_headline_repeated_in_the_body_is_dropped() -> None:
    html = f"<body><div><h1>Dredging to start in March</h1><p>{PROSE_A}</p><p>{PROSE_B}</p></div>"
    assert paragraphs(html, title="Dredging to start in March") == [PROSE_A, PROSE_B]


def test_a_heading_left_without_content_at_the_end_is_dropped() -> None:
    html = f"<body><div><p>{PROSE_A}</p><p>{PROSE_B}</p><h3>Topics</h3></div></body>"
    assert paragraphs(html) == [PROSE_A, PROSE_B]


def test_source_boilerplate_patterns_apply() -> None:
    html = (
        f"<body><div><p>{PROSE_A}</p><p>Harbour Weekly is free for members.</p>"
        f"<p>{PROSE_B}</p></div></body>"
    )
    pattern = re.compile(r"free for members")
    assert paragraphs(html, junk_patterns=(pattern,)) == [PROSE_A, PROSE_B]


def test_json_ld_article_body_is_used_when_the_page_shows_only_a_teaser() -> None:
    html = "<body><div><p>Subscribe to read the full story.</p></div></body>"
    full = f"{PROSE_A}\n{PROSE_B}\n\n{PROSE_C}"
    assert paragraphs(html, jsonld_body=full) == [PROSE_A, PROSE_B, PROSE_C]


def test_json_ld_article_body_does_not_replace_a_complete_dom_text() -> None:
    html = f"<body><div><p>{PROSE_A}</p><p>{PROSE_B}</p><p>{PROSE_C}</p></div></body>"
    assert paragraphs(html, jsonld_body=f"{PROSE_A} {PROSE_B}") == [PROSE_A, PROSE_B, PROSE_C]


def test_the_declared_article_body_wins_over_a_bigger_unnamed_comment_thread() -> None:
    comment = (
        "I have lived by the harbour for thirty years and I can tell you that every "
        "one of these dredging plans has ended in delays, cost overruns and silence. "
    )
    html = (
        f"<body><div><div itemprop='articleBody'><p>{PROSE_A}</p><p>{PROSE_B}</p>"
        f"<p>{PROSE_C}</p></div>"
        f"<div class='thread'>{''.join(f'<p>{comment * 2}</p>' for _ in range(4))}</div>"
        "</div></body>"
    )
    assert paragraphs(html) == [PROSE_A, PROSE_B, PROSE_C]


def test_an_article_body_declared_in_parts_is_read_in_full() -> None:
    html = (
        f"<body><div><div itemprop='articleBody'><p>{PROSE_A}</p></div>"
        f"<div class='ad-slot'>Advertisement</div>"
        f"<div itemprop='articleBody'><p>{PROSE_B}</p><p>{PROSE_C}</p></div></div></body>"
    )
    assert paragraphs(html) == [PROSE_A, PROSE_B, PROSE_C]


def test_a_long_paragraph_full_of_linked_titles_is_still_prose() -> None:
    linked = (
        "She is best known for her novels <a href='/1'>The Harbour at Night</a>, "
        "<a href='/2'>Salt and Iron</a>, <a href='/3'>The Last Ferry Home</a>, "
        "<a href='/4'>Tides of the Northern Quay</a> and <a href='/5'>The Dredger's "
        "Daughter</a>, all of which are set in the town where she grew up and still "
        "lives."
    )
    html = f"<body><div><p>{PROSE_A}</p><p>{linked}</p><p>{PROSE_B}</p></div></body>"
    result = paragraphs(html)
    assert len(result) == 3 and result[1].startswith("She is best known")


def test_a_short_last_paragraph_is_kept_with_a_single_long_one() -> None:
    html = (
        f"<body><div><p>{PROSE_A} {PROSE_B} {PROSE_C}</p><p>He declined to comment.</p>"
        "</div></body>"
    )
    assert paragraphs(html)[-1] == "He declined to comment."


def test_a_story_written_straight_into_a_table_cell_stays_apart_from_the_next_cell() -> None:
    sidebar = "".join(f"<a href='/{n}'>Top story number {n} of the day</a><br>" for n in range(8))
    html = (
        f"<body><table><tr><td>{PROSE_A}<br><br>{PROSE_B}<br><br>{PROSE_C}</td>"
        f"<td>{sidebar}</td></tr></table></body>"
    )
    assert paragraphs(html) == [PROSE_A, PROSE_B, PROSE_C]
