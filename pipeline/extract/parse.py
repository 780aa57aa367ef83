"""Text to an HTML tree, refusing input that is not an HTML document.

Spiders sometimes hand over PDFs, images, JSON APIs or plain-text error bodies under an article
URL. Parsing those "succeeds" (libxml2 wraps anything in ``<html><body><p>``) and would index
garbage, so non-HTML is recognised here and reported as ``not_html``.

The tree is lxml's: BeautifulSoup's ``lxml`` builder uses the same libxml2 parser but then
rebuilds every node in Python, which alone costs more than trafilatura's whole extraction.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from pipeline.exceptions import ExtractionError

# Signatures of common binary formats served where a page was expected.
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
    b"wOFF",
    b"wOF2",
)
# The first markup of an HTML document or fragment: a tag, doctype or comment.
_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*[\s/>]|!doctype|!--)", re.IGNORECASE)
# How much of the start of the text must hold that markup; pages do not begin with prose.
_HEAD_CHARS = 2048
_XML_DECLARATION = re.compile(r"^[\s\ufeff]*<\?xml[^>]*\?>")
# huge_tree lifts libxml2's limits on nesting depth (256) and text node size, which real
# pages with unclosed tags or inlined data exceed; past them, content is silently dropped.
_PARSER = lxml.html.HTMLParser(huge_tree=True)
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
# lxml.html picks each element's Python class (FormElement, InputElement, ...) in a Python
# callback, run whenever an element is touched from Python with no live proxy -- several
# thousand times per page, a tenth of the extraction time. The extractor needs nothing but
# HtmlElement's methods, so one class for all elements, chosen in C, does.
_LOOKUP = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)
for _parser in (_PARSER, _UTF8_PARSER):
    _parser.set_element_class_lookup(_LOOKUP)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def check_bytes(data: bytes) -> None:
    """Reject well-known binary formats before any decoding is attempted."""
    head = data.lstrip()[:16]
    if any(head.startswith(magic) for magic in _BINARY_MAGIC):
        raise ExtractionError("not_html", f"binary signature {head[:5]!r}")


def parse_document(text: str) -> HtmlElement:
    """The ``<html>`` element of ``text``; raises ExtractionError("not_html") for non-HTML."""
    text = _XML_DECLARATION.sub("", text, count=1)
    head = text.lstrip("\ufeff \t\r\n")[:_HEAD_CHARS]
    if head.startswith("%PDF-") or not _MARKUP.search(head):
        raise ExtractionError("not_html", "no HTML markup at the start of the document")
    if len(_CONTROL.findall(head)) > len(head) // 100:
        raise ExtractionError("not_html", "binary control characters in the document")
    try:
        try:
            return lxml.html.document_fromstring(text, parser=_PARSER)
        except ValueError:
            # lxml refuses some text it would accept as bytes (a misplaced encoding
            # declaration, lone surrogates); UTF-8 bytes with a declared parser always work.
            data = text.encode("utf-8", errors="replace")
            return lxml.html.document_fromstring(data, parser=_UTF8_PARSER)
    except lxml.etree.ParserError as error:
        raise ExtractionError("not_html", str(error)) from error
