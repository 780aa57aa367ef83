"""Specification: ``extract()`` never crashes; every page ends in an article or a recorded reason.

Two kinds of evidence. First, each stage of the extractor is made to raise in turn: whatever
breaks, the caller sees ``ExtractionError("failed", "<Type>: <message>")``, and the offline CLI
prints an ``error`` object and exits 0. Second, generated pages with the shapes of markup that
tree code trips over -- comments and processing instructions where an element is expected,
CDATA, ``<template>``, SVG and MathML islands, deep nesting, broken encodings -- are extracted
and must still give the article (or, for the shapes with no article, a named reason).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import pipeline.extract.api as api
from pipeline.cli import main
from pipeline.exceptions import ExtractionError
from pipeline.extract import extract

URL = "https://www.harbour-gazette.example/politics/2024/05/03/council-votes/"
PARAGRAPHS = [
    "The harbour council voted on Thursday to close the old ferry pier for repairs, after "
    "engineers found that two of its supports had rusted through.",
    "Repairs are expected to take eight months and to cost about four million, most of it "
    "paid from the port's reserve fund, the council's treasurer said.",
    "Ferry passengers will board at the temporary landing next to the fish market, which "
    "opens on Monday with a shuttle bus from the station every twenty minutes.",
]


def page(body_inside_article: str = "", head: str = "", around: str = "") -> str:
    """An ordinary article page; the arguments put hostile markup in chosen places."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Council votes to close ferry pier | Harbour Gazette</title>{head}</head>"
        f"<body>{around}<nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav>"
        "<article><h1>Council votes to close ferry pier</h1>"
        f"<p class='byline'>By Mara Quint</p>{body_inside_article}{paragraphs}</article>"
        f"{around}<footer>Contact us</footer></body></html>"
    )


def assert_article(html: str | bytes) -> None:
    extracted = extract(html, URL)
    for paragraph in PARAGRAPHS:
        assert paragraph in extracted.body


# --- every stage's failure becomes an outcome ------------------------------------------------

STAGES = [
    "check_size",
    "check_bytes",
    "decode_html",
    "parse_document",
    "check_tree",
    "read_metadata",
    "clean_tree",
    "choose_dates",
    "visible_candidates",
    "select_paragraphs",
    "find_attribution",
    "classify",
    "choose_language",
    "opinion_kind",
]


def _raiser(error: Exception) -> Callable[..., object]:
    def broken(*args: object, **kwargs: object) -> object:
        raise error

    return broken


@pytest.mark.parametrize("stage", STAGES)
def test_an_exception_in_any_stage_becomes_extract_failed_with_type_and_message(
    stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hasattr(api, stage), f"extract() no longer calls {stage}"
    monkeypatch.setattr(api, stage, _raiser(ValueError(f"{stage} broke")))
    with pytest.raises(ExtractionError) as caught:
        extract(page().encode(), "https://www.harbour-gazette.example/opinion/pier/")
    assert caught.value.reason == "failed"
    assert caught.value.detail == f"ValueError: {stage} broke"


def test_expected_reasons_pass_through_the_boundary_unchanged() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract(b"%PDF-1.7 binary", URL)
    assert caught.value.reason == "not_html"


def test_the_cli_prints_an_error_object_for_a_crash_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "page.html"
    saved.write_text(page(), encoding="utf-8")
    monkeypatch.setattr(api, "read_metadata", _raiser(RecursionError("too deep for Python")))
    status = main(["extract", str(saved)])
    record = json.loads(capsys.readouterr().out)
    assert status == 0
    assert record["error"] == "failed"
    assert record["detail"] == "RecursionError: too deep for Python"


# --- markup shapes that tree code trips over --------------------------------------------------

NODE_SHAPES = {
    "comment": "<!-- ad slot -->",
    "empty comment": "<!---->",
    "processing instruction": "<?php echo 1; ?>",
    "xml declaration inside body": "<?xml version='1.0'?>",
    "cdata": "<![CDATA[ if (a < b) {} ]]>",
    "conditional comment": "<!--[if lt IE 9]><p>Old browser</p><![endif]-->",
}


@pytest.mark.parametrize("shape", sorted(NODE_SHAPES))
def test_non_element_nodes_before_time_and_byline_elements_do_not_crash(shape: str) -> None:
    node = NODE_SHAPES[shape]
    stamp = f"{node}<time datetime='2024-05-03T09:30:00+02:00'>3 May 2024</time>{node}"
    extracted = extract(page(body_inside_article=stamp), URL)
    assert extracted.published_at is not None
    assert extracted.published_at.isoformat().startswith("2024-05-03T09:30")


@pytest.mark.parametrize("shape", sorted(NODE_SHAPES))
def test_non_element_nodes_everywhere_still_give_the_article(shape: str) -> None:
    node = NODE_SHAPES[shape]
    html = page(head=node * 3, around=node, body_inside_article=node)
    html = html.replace("</p>", f"</p>{node}").replace("<meta", f"{node}<meta")
    assert_article(html)


@pytest.mark.parametrize(
    "island",
    [
        "<template><p>Template text that is never shown to readers at all.</p></template>",
        "<svg viewBox='0 0 10 10'><title>icon</title><text>Share</text><!-- c --></svg>",
        "<math><mrow><mi>x</mi><mo>=</mo><mn>2</mn></mrow></math>",
        "<noscript><p>Please enable JavaScript to read the comments.</p></noscript>",
        "<object><param name='x' value='y'><embed src='a.swf'></object>",
    ],
)
def test_foreign_islands_inside_the_article_do_not_crash_or_leak(island: str) -> None:
    html = page(body_inside_article=island)
    extracted = extract(html, URL)
    assert all(p in extracted.body for p in PARAGRAPHS)
    assert "Template text" not in extracted.body


def test_deep_nesting_around_the_article_is_extracted_or_refused_by_name() -> None:
    deep = "<div>" * 300 + page() + "</div>" * 300
    assert_article(deep)
    deeper = "<div>" * 5000 + page() + "</div>" * 5000
    with pytest.raises(ExtractionError) as caught:
        extract(deeper, URL)
    assert caught.value.reason == "too_deep"


def test_unclosed_inline_tags_nesting_thousands_deep_do_not_crash() -> None:
    html = page(body_inside_article="<b><i>" * 1500 + "bold")
    try:
        extract(html, URL)
    except ExtractionError as error:
        assert error.reason != "failed", error.detail


@pytest.mark.parametrize(
    "data",
    [
        page().encode("utf-8").replace(b"harbour", b"harb\xff\xfeour"),  # invalid UTF-8 bytes
        page().replace("charset='utf-8'", "charset='no-such-charset'").encode("utf-8"),
        page().replace("charset='utf-8'", "charset='utf-16'").encode("utf-8"),
        page().encode("utf-8").replace(b"council", b"coun\x00cil", 1),  # a NUL byte
        b"\xef\xbb\xbf" + page().encode("utf-8"),  # BOM
        page().encode("utf-16"),  # UTF-16 with BOM
        page().encode("utf-8")[:-900],  # truncated mid-document
    ],
    ids=["invalid-utf8", "unknown-charset", "lying-charset", "nul-byte", "bom", "utf16", "cut"],
)
def test_broken_encodings_give_an_article_or_a_named_reason(data: bytes) -> None:
    try:
        extracted = extract(data, URL)
    except ExtractionError as error:
        assert error.reason in {"undecodable", "not_html", "empty_body"}, error.detail
    else:
        assert "ferry pier" in extracted.body
