"""Specification of the junk-line library: furniture wording goes, prose that mentions it stays."""

from __future__ import annotations

import re

import pytest

from pipeline.extract.junk import (
    STAMP_VERB_START,
    STAMP_VERBS,
    is_boilerplate_line,
    is_byline,
    is_recirculation_heading,
    remove_boilerplate_lines,
    strip_stamps,
)


@pytest.mark.parametrize(
    "line",
    [
        "Get the latest updates as we post them — right on your browser",
        "Turn on notifications to get breaking news first",
        "Sign up for our newsletter",
        "Sign up for our free Morning Briefing newsletter and never miss a story.",
        "Advertisement",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Share this article",
        "Share on Facebook",
        "Read more: UN inspectors prepare to return to Iraq",
        "Click here to read more opinion pieces from our contributors.",
        "We use cookies to personalise content and ads. By continuing you agree to their use.",
        "Last Updated: 07/27/2016",
        ". Last Updated: 07/27/2016",
        "Published 3 March 2024, 10:12 GMT",
        "Updated: July 27, 2016 at 9:41 a.m. EDT",
        "February 27, 2024",
        "/ February 29, 2024",
        "© 2016 The Riverside Ledger. All rights reserved.",
        "Copyright 2024 The Associated Press. All rights reserved.",
        "Photo: Jane Smith/Reuters",
        "Photograph by Ed Marshall",
        "Credit: Getty Images",
        "AFP / MARCO BERTORELLO",
        "Follow The Ledger on Twitter and Instagram @ledger and on Facebook.",
        "To view the full story, please subscribe to The Ledger.",
        "Subscribe now to our e-edition for the full story.",
        "If you enjoyed reading this article, please consider supporting us.",
        "This post contains affiliate links; we may earn a commission.",
        "Image 2 of 24",
        "By Jane Doe and John Roe",
        "Listen to this article",
        "5 min read",
    ],
)
def test_furniture_lines_are_recognised(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The newsletter, which has 40,000 subscribers, was sold to a rival publisher on Monday.",
        "Sign up rates fell sharply after the site began charging for access.",
        "By the end of the year, the council had spent £2m on the scheme.",
        "Cookies and cakes were served at the ceremony, which lasted two hours.",
        "Advertisement spending rose by 12 per cent in the first quarter.",
        "Share prices fell 3% after the announcement.",
        "He said the report was last updated in 2019 and no longer reflected the facts.",
        "Copyright law has not kept pace with machine learning, the judge wrote.",
        "Read the full statement on the ministry's website.",
        "Follow the latest updates below:",
        "Photographs of the crash site were shown to the jury on Tuesday.",
        "Apart from the report, the minister said little.",
    ],
)
def test_prose_that_mentions_furniture_words_is_kept(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_bylines_need_capitalised_names_and_no_sentence() -> None:
    assert is_byline("By JANE DOE, Associated Press")
    assert is_byline("Written by Anna Kowalska & Tom Berg")
    assert not is_byline("By Friday, all schools had reopened.")
    assert not is_byline("By contrast the opposition gained seats")


def test_stamps_glued_to_text_are_cut_off() -> None:
    assert strip_stamps(". Last Updated: 07/27/2016 Russia's Pursuit") == "Russia's Pursuit"
    assert strip_stamps("The vote was close. Updated 27 July 2016") == "The vote was close."
    assert strip_stamps("It was updated on 27 July 2016 by the clerk.") == (
        "It was updated on 27 July 2016 by the clerk."
    )


def test_lines_inside_a_block_are_filtered_one_by_one() -> None:
    text = "Advertisement\nThe real sentence stays here.\nShare this article"
    assert remove_boilerplate_lines(text) == "The real sentence stays here."


def test_source_patterns_remove_lines_containing_a_match() -> None:
    extra = (re.compile(r"Ledger Plus subscribers"),)
    text = "Only for Ledger Plus subscribers: the full archive.\nA normal sentence."
    assert remove_boilerplate_lines(text, extra) == "A normal sentence."


@pytest.mark.parametrize(
    "heading",
    [
        "More from The Nation",
        "Related articles",
        "Related",
        "Most read",
        "You might also like",
        "Recommended for you",
        "Comments (3)",
        "Join the conversation",
        "More stories",
        "Trending now",
    ],
)
def test_recirculation_headings_are_recognised(heading: str) -> None:
    assert is_recirculation_heading(heading)


@pytest.mark.parametrize(
    "heading",
    [
        "What goes where",
        "More than 40 people were injured",
        "Related parties and conflicts",
        "Comments from the minister drew criticism",
    ],
)
def test_ordinary_subheadings_are_not_recirculation(heading: str) -> None:
    assert not is_recirculation_heading(heading)


def test_the_stamp_verb_look_ahead_covers_every_verb() -> None:
    starts = re.findall(r"(?:\(\?:|\|)(\w)", STAMP_VERBS)
    allowed = set(re.search(r"\[(\w+)\]", STAMP_VERB_START).group(1))  # type: ignore[union-attr]
    assert starts and set(starts) <= allowed
