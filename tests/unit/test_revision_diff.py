"""The word-level diff readers see: changed words marked, everything escaped, paragraphs kept."""

from __future__ import annotations

from pipeline.revisions.diff import (
    EQUAL,
    INSERTED,
    REMOVED,
    Segment,
    diff_html,
    diff_text,
    word_diff,
)

OLD = "The ferry leaves at nine.\n\nTickets cost <b>two</b> dollars."
NEW = "The ferry leaves at ten.\n\nTickets cost <b>two</b> dollars.\n\nChildren ride free."


def test_only_the_changed_words_are_marked() -> None:
    assert word_diff(OLD, NEW) == [
        Segment(EQUAL, "The ferry leaves at"),
        Segment(REMOVED, "nine."),
        Segment(INSERTED, "ten."),
        Segment(EQUAL, "\n\nTickets cost <b>two</b> dollars."),
        Segment(INSERTED, "\n\nChildren ride free."),
    ]


def test_equal_texts_are_one_equal_segment() -> None:
    assert word_diff(OLD, OLD) == [Segment(EQUAL, " ".join(OLD.split(" ")))]


def test_html_escapes_the_article_text_and_marks_changes_with_ins_and_del() -> None:
    assert diff_html(word_diff(OLD, NEW)) == (
        "<p>The ferry leaves at <del>nine.</del> <ins>ten.</ins></p>"
        "<p>Tickets cost &lt;b&gt;two&lt;/b&gt; dollars.</p>"
        "<p><ins>Children ride free.</ins></p>"
    )


def test_markup_in_a_change_cannot_escape_its_tag() -> None:
    html = diff_html(word_diff("a", 'a <script>alert("x")</script>'))
    assert "<script>" not in html
    assert "<ins>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>" in html


def test_terminal_form_uses_wdiff_marks() -> None:
    assert diff_text(word_diff("one two three", "one 2 three")) == "one [-two-] {+2+} three"
