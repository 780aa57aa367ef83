"""Bounded extraction: hostile pages end as a reason within the bounds; wrong charsets are fixed."""

from __future__ import annotations

import time

import pytest

from pipeline.exceptions import ExtractionError
from pipeline.extract import ExtractOptions, extract
from pipeline.extract.decode import decode_html
from pipeline.extract.limits import Deadline, ExtractLimits

URL = "https://news.example/world/2026/11/28/talks/"
SENTENCE = "The foreign ministers agreed to resume the talks on Wednesday in Geneva. "
PARA = f"<p>{SENTENCE * 3}</p>"


def reason(html: bytes | str, options: ExtractOptions | None = None) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract(html, URL, options)
    return caught.value.reason


def nested_divs(depth: int) -> str:
    return f"<html><body>{'<div>' * depth}{PARA}{'</div>' * depth}</body></html>"


def test_100000_nested_divs_are_too_deep_in_well_under_a_second() -> None:
    started = time.monotonic()
    assert reason(nested_divs(100_000).encode()) == "too_deep"
    assert time.monotonic() - started < 5  # bounded: refused right after parsing


def test_nesting_below_the_bound_still_extracts() -> None:
    assert extract(nested_divs(500), URL).body == (SENTENCE * 3).strip()


def test_a_15mb_text_node_is_too_large() -> None:
    page = f"<html><body><p>{'word ' * 3_000_000}</p></body></html>"
    assert len(page) > 15_000_000
    assert reason(page.encode()) == "too_large"


def test_a_3mb_text_node_inside_the_document_bound_is_too_large() -> None:
    page = f"<html><body>{PARA}<pre>{'x' * 3_000_000}</pre></body></html>"
    with pytest.raises(ExtractionError, match="text node") as caught:
        extract(page, URL)
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize(
    ("tags", "expected"),
    [("<div><b><span>", "too_deep"), ("<font>", "too_deep"), ("<p>a", "too_large")],
)
def test_a_megabyte_of_unclosed_tags_is_refused(tags: str, expected: str) -> None:
    page = "<html><body>" + PARA + tags * (1_000_000 // len(tags))
    started = time.monotonic()
    assert reason(page.encode()) == expected
    assert time.monotonic() - started < 5


def test_the_time_budget_stops_a_slow_page_without_signals() -> None:
    # 30,000 unclosed paragraphs: within the size bounds, but seconds of scoring work.
    page = "<html><body>" + PARA + "<p>a" * 30_000
    options = ExtractOptions(limits=ExtractLimits(time_limit=0.2))
    with pytest.raises(ExtractionError, match="stopped after") as caught:
        extract(page, URL, options)
    assert caught.value.reason == "timeout"


def test_an_exhausted_budget_names_the_stage() -> None:
    deadline = Deadline(0.0)
    time.sleep(0.01)
    with pytest.raises(ExtractionError, match="stopped after parsing"):
        deadline.check("parsing")


def test_an_ordinary_page_is_within_every_bound() -> None:
    page = f"<html><head><title>Talks</title></head><body><article>{PARA}</article></body></html>"
    assert extract(page, URL).body.startswith("The foreign ministers")


def test_limits_are_set_from_the_environment() -> None:
    limits = ExtractLimits.from_env(
        {"NEWSARCHIVE_EXTRACT_TIME_LIMIT": "1.5", "NEWSARCHIVE_EXTRACT_MAX_DEPTH": "64"}
    )
    assert limits.time_limit == 1.5 and limits.max_depth == 64
    assert limits.max_elements == ExtractLimits().max_elements
    assert reason(nested_divs(100), ExtractOptions(limits=limits)) == "too_deep"


RUSSIAN = "Министр иностранных дел заявил, что переговоры продолжатся в среду в Женеве. " * 4
GREEK = "Ο υπουργός Εξωτερικών δήλωσε ότι οι συνομιλίες θα συνεχιστούν την Τετάρτη. " * 4
GERMAN = "Die Bürgermeisterin äußerte sich über die Größe des Haushalts – „überraschend“. " * 4


def labelled(text: str, label: str, codec: str) -> bytes:
    head = f'<html><head><meta charset="{label}"><title>t</title></head>'
    return (head + f"<body><article><p>{text}</p></article></body></html>").encode(codec)


@pytest.mark.parametrize(
    ("text", "label", "codec"),
    [
        (RUSSIAN, "utf-8", "cp1251"),  # the trap: windows-1251 labelled UTF-8
        (GERMAN, "utf-8", "cp1252"),
        (RUSSIAN, "windows-1252", "cp1251"),  # a Western label over Cyrillic bytes
        (GREEK, "iso-8859-1", "iso8859-7"),
        (RUSSIAN, "windows-1251", "utf-8"),  # a legacy label over UTF-8
    ],
)
def test_a_wrong_declared_charset_is_re_decoded(text: str, label: str, codec: str) -> None:
    data = labelled(text, label, codec)
    assert text.strip() in decode_html(data, http_encoding=label)
    body = extract(data, URL, ExtractOptions(http_encoding=label)).body
    assert body == text.strip() and "\ufffd" not in body


def test_a_correct_western_label_is_kept() -> None:
    data = labelled(GERMAN, "windows-1252", "cp1252")
    assert GERMAN.strip() in decode_html(data, "windows-1252")
