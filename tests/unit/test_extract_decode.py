"""Specification of page decoding: the encoding a page really uses wins over its label."""

from __future__ import annotations

import codecs

import pytest

from pipeline.exceptions import ExtractionError
from pipeline.extract import extract
from pipeline.extract.decode import codec_for_label, declared_charset, decode_html
from pipeline.extract.parse import check_bytes, parse_document

RUSSIAN = "<p>Москва готовится к зиме: снегоуборочная техника проверена и готова к работе.</p>"
FRENCH = "<p>Les élèves sont arrivés à l'école très tôt ce matin, malgré la grève des bus.</p>"


def page(charset: str, body: str) -> str:
    return f'<html><head><meta charset="{charset}"></head><body>{body}</body></html>'


def test_utf8_bom_wins_over_any_label() -> None:
    data = codecs.BOM_UTF8 + page("windows-1251", RUSSIAN).encode("utf-8")
    assert RUSSIAN in decode_html(data, http_encoding="iso-8859-1")


def test_utf16_with_bom_is_decoded() -> None:
    data = page("utf-16", RUSSIAN).encode("utf-16")
    assert RUSSIAN in decode_html(data)


def test_declared_legacy_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    assert RUSSIAN in decode_html(page("windows-1251", RUSSIAN).encode("cp1251"))
    assert FRENCH in decode_html(page("iso-8859-1", FRENCH).encode("cp1252"))


def test_http_charset_is_used_when_the_page_declares_none() -> None:
    data = f"<html><body>{RUSSIAN}</body></html>".encode("koi8-r")
    assert RUSSIAN in decode_html(data, http_encoding="KOI8-R")


def test_legacy_bytes_labelled_utf8_are_detected_instead_of_replaced() -> None:
    text = decode_html(page("utf-8", RUSSIAN * 3).encode("cp1251"), http_encoding="utf-8")
    assert "\ufffd" not in text
    assert RUSSIAN in text


def test_valid_utf8_wins_over_a_wrong_single_byte_label() -> None:
    assert FRENCH in decode_html(page("iso-8859-1", FRENCH).encode("utf-8"), "iso-8859-1")


def test_utf8_with_a_few_broken_bytes_stays_utf8() -> None:
    data = page("utf-8", RUSSIAN * 20).encode("utf-8") + b"<p>caf\xe9</p>"
    text = decode_html(data)
    assert RUSSIAN in text
    assert text.count("\ufffd") == 1


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Café crème brûlée à la française, déjà vu, dit-il à l'élève.", "cp1252"),
        ("¿Qué pasó en la reunión? El alcalde explicó que la obra costará más.", "cp1252"),
        ("Москва готовится к зиме: снегоуборочная техника проверена и готова.", "cp1251"),
        ("Zażółć gęślą jaźń, polski tekst o mieście i rzece, który ma znaki.", "cp1250"),
    ],
)
def test_unlabelled_legacy_pages_are_detected(text: str, codec: str) -> None:
    data = f"<html><body><p>{text}</p><p>{text}</p></body></html>".encode(codec)
    assert text in decode_html(data)


def test_latin1_label_means_windows_1252_as_in_browsers() -> None:
    data = page("iso-8859-1", "<p>\u201cQuoted\u201d \u2014 text</p>").encode("cp1252")
    assert "\u201cQuoted\u201d \u2014 text" in decode_html(data)


def test_meta_http_equiv_charset_is_found() -> None:
    data = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    assert declared_charset(data) == "windows-1251"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("latin1", "cp1252"),
        ("ISO-8859-1", "cp1252"),
        ("windows-1251", "cp1251"),
        ("gb2312", "gb18030"),
        ("utf-16", "utf-8"),
        ("no-such-charset", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_labels_map_to_the_codecs_browsers_use(
    label: str | None, codec: str | None
) -> None:
    assert codec_for_label(label) == codec


def test_binary_noise_is_undecodable() -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(4096))
    with pytest.raises(ExtractionError) as raised:
        decode_html(noise)
    assert raised.value.reason == "undecodable"


def test_extract_reports_undecodable_bytes() -> None:
    noise = b"<html><body>" + bytes((i * 7919 + 13) % 256 for i in range(4096))
    with pytest.raises(ExtractionError) as raised:
        extract(noise, "https://x.example/a")
    assert raised.value.reason == "undecodable"


def test_binary_signatures_are_rejected_before_decoding() -> None:
    with pytest.raises(ExtractionError) as raised:
        check_bytes(b"  %PDF-1.5\n...")
    assert raised.value.reason == "not_html"
    check_bytes(b"<!doctype html><p>fine</p>")  # no exception


def test_an_xml_declaration_does_not_stop_parsing_text() -> None:
    root = parse_document('<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body>')
    assert root.findtext(".//p") == "x"


def test_control_characters_in_the_text_are_dropped() -> None:
    filler = "<p>" + "An ordinary sentence of the article. " * 20 + "</p>"
    page = extract(
        f"<html><body>{filler}<p>A bell\x07 and an\x1b escape.</p></body></html>",
        "https://x.example/a",
    )
    assert page.body.endswith("A bell and an escape.")


def test_deeply_nested_markup_keeps_its_text() -> None:
    html = "<div>" * 600 + "<p>Deep text.</p>" + "</div>" * 600
    assert parse_document(html).findtext(".//p") == "Deep text."


def test_html_fragment_without_html_element_still_parses() -> None:
    root = parse_document("<div><p>Some text</p></div>")
    assert root.tag == "html"


def test_double_escaped_entities_are_decoded_but_ampersands_in_names_stay() -> None:
    html = (
        "<html><body><article><p>The council&amp;#8217;s vote is due&amp;nbsp;soon, said "
        "the chair of AT&amp;T's R&amp;D board &amp;mdash; after a long debate.</p>"
        "</article></body></html>"
    )
    body = extract(html, "https://news.example/a").body
    assert body == (
        "The council’s vote is due soon, said the chair of AT&T's R&D board — after a long debate."
    )
