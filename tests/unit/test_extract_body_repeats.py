"""Specification: body lines that only repeat metadata (the headline block, the byline) are
furniture; sentences that mention the same words stay."""

from __future__ import annotations

from harbour_page import PROSE, body_of

from pipeline.extract.repeats import is_credit_line, repeats_headline

# --- the headline block -------------------------------------------------------------------


def test_the_headline_block_with_a_kicker_is_not_body() -> None:
    head = '<meta property="og:title" content="Council closes the old ferry pier">'
    body = body_of("<div>Repairs: Council closes the old ferry pier</div>" + PROSE, head)
    assert body[0].startswith("The harbour council voted")


def test_the_h1_repeated_in_the_container_is_not_body_when_og_title_differs() -> None:
    head = '<meta property="og:title" content="A rewritten sharing headline about the pier">'
    body = body_of("<h1>Council closes the old ferry pier</h1>" + PROSE, head)
    assert "Council closes the old ferry pier" not in body


def test_a_sentence_that_merely_mentions_the_headline_words_stays() -> None:
    keys = {"councilclosestheoldferrypier"}
    assert repeats_headline("Council closes the old ferry pier", keys)
    assert repeats_headline("Repairs: Council closes the old ferry pier", keys)
    assert not repeats_headline(
        "Residents were angry on Thursday when the council closes the old ferry pier", keys
    )
    assert not repeats_headline("Council closes the old ferry pier for repairs", keys)


# --- the byline -------------------------------------------------------------------------


SITES = {"harbourgazette", "harbour", "gazette"}


def test_a_line_of_the_pages_own_credits_is_a_byline() -> None:
    credits = ("Jane Doe", "John Roe")
    assert is_credit_line("Jane Doe", credits, SITES)
    assert is_credit_line("Harbour Gazette (Jane Doe, John Roe)", credits, SITES)
    assert is_credit_line("Von Jane Doe und John Roe", credits, SITES)


def test_an_agency_dateline_is_a_byline() -> None:
    assert is_credit_line("AFP, MANILA", ("AFP",), SITES)
    assert not is_credit_line("AFP, the agency, said so", ("AFP",), SITES)


def test_a_sentence_about_the_writer_is_not_a_byline() -> None:
    assert not is_credit_line("Jane Doe reported from the pier.", ("Jane Doe",), SITES)
    assert not is_credit_line("Jane Doe", (), SITES)


def test_the_byline_printed_in_the_container_leaves_the_body() -> None:
    head = '<meta name="author" content="Jane Doe">'
    body = body_of(PROSE + "<p>Jane Doe</p>", head)
    assert body[-1].startswith("Repairs are expected")


def test_a_wire_credit_with_its_dateline_place_is_a_byline_even_unread_as_metadata() -> None:
    assert is_credit_line("AFP, MANILA", (), SITES)
    assert is_credit_line("The Associated Press, NEW YORK", (), SITES)
    assert not is_credit_line("AFP, which filed the report, said so", (), SITES)


def test_labels_after_the_last_paragraph_are_what_is_left_of_teaser_cards() -> None:
    body = body_of(PROSE + "<div>Liveblog</div><div>Topics</div><div>Analysis</div>")
    assert body[-1].startswith("Repairs are expected")


def test_a_kicker_glued_to_the_headline_without_a_space_is_the_headline_block() -> None:
    headline = "Inquiry: Council checks the pier contracts"
    keys = {"inquirycouncilchecksthepiercontracts"}
    assert repeats_headline("Harbour affairs" + headline, keys, [headline])
    assert not repeats_headline("The mayor said " + headline, keys, [headline])


def test_the_outlets_name_with_a_desk_code_is_the_desk_credit() -> None:
    assert is_credit_line("Harbour Gazette (hg)", ("Jane Doe",), SITES)
    assert not is_credit_line("Harbour Gazette", ("Jane Doe",), SITES)


def test_no_headline_statement_means_no_headline_repeat() -> None:
    assert not repeats_headline("Dredging plan", set(), ["", "Plan"])
