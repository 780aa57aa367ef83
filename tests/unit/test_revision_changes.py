"""What counts as an edit: a changed sentence does, whitespace, date lines and counters do not."""

from __future__ import annotations

from pipeline.revisions.changes import SUBSTANTIVE, TRIVIAL, classify, is_date_line

BODY = (
    "The council approved the budget on Tuesday.\n\n"
    "Wednesday, March 4, 2026 · 9:15 a.m. ET\n\n"
    "The vote was seven to two. 1,204 shares"
)


def test_a_changed_sentence_is_a_substantive_change_of_the_body() -> None:
    change = classify("Budget", BODY, "Budget", BODY.replace("seven to two", "six to three"))
    assert (change.kind, change.fields, change.trivia) == (SUBSTANTIVE, ("body",), ())


def test_a_changed_title_is_substantive_even_when_the_body_is_equal() -> None:
    change = classify("Budget passes", BODY, "Budget passes narrowly", BODY)
    assert change.kind == SUBSTANTIVE and change.fields == ("title",)


def test_whitespace_alone_is_trivial() -> None:
    change = classify("Budget", BODY, "Budget ", BODY.replace("the budget", "the  budget"))
    assert (change.kind, change.trivia) == (TRIVIAL, ("whitespace",))


def test_a_ticking_date_line_is_trivial() -> None:
    later = BODY.replace("9:15 a.m.", "11:40 a.m.")
    change = classify("Budget", BODY, "Budget", later)
    assert (change.kind, change.trivia) == (TRIVIAL, ("date_line",))


def test_a_date_line_that_appears_or_goes_is_trivial_too() -> None:
    without = BODY.replace("Wednesday, March 4, 2026 · 9:15 a.m. ET\n\n", "")
    assert classify("Budget", BODY, "Budget", without).trivia == ("date_line",)


def test_a_climbing_share_count_is_trivial() -> None:
    change = classify("Budget", BODY, "Budget", BODY.replace("1,204 shares", "3.1K shares"))
    assert (change.kind, change.trivia) == (TRIVIAL, ("share_count",))


def test_both_kinds_of_noise_at_once_are_named_both() -> None:
    noisy = BODY.replace("9:15", "10:05").replace("1,204 shares", "1,388 shares")
    assert classify("Budget", BODY, "Budget", noisy).trivia == ("date_line", "share_count")


def test_noise_next_to_a_real_edit_does_not_hide_it() -> None:
    edited = BODY.replace("9:15", "10:05").replace("Tuesday", "Monday")
    assert classify("Budget", BODY, "Budget", edited).kind == SUBSTANTIVE


def test_date_lines_are_short_stamps_not_sentences_with_dates() -> None:
    assert is_date_line("Updated: March 4, 2026 at 9:15 a.m. EST")
    assert is_date_line("Last modified 2026-03-04 09:15 UTC")
    assert is_date_line("As of 4 March 2026, 18:30 GMT")
    assert not is_date_line("The vote is on March 4, 2026.")
    assert not is_date_line("Updated guidance")  # no date in it
    assert is_date_line("March 4")  # a bare date is a stamp too
