"""Bytes to text: find the character encoding a page really uses.

Declared charsets are often wrong: CMS templates say ``utf-8`` over legacy-encoded bodies, and
servers send ``ISO-8859-1`` for UTF-8 pages. Decoding with a wrong label silently turns every
non-ASCII letter into U+FFFD or mojibake, which poisons search. So a label is only trusted when
the bytes decode under it without error, and bytes that are valid multi-byte UTF-8 are taken
as UTF-8 whatever the label says (legacy single-byte text is practically never valid UTF-8).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from pipeline.exceptions import ExtractionError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# How far into the document a <meta> charset declaration is looked for; browsers use 1024
# bytes, but real pages put it after long inline scripts often enough to look further.
_PRESCAN_BYTES = 16384
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)

# Valid multi-byte UTF-8 characters needed per broken sequence to call a page damaged UTF-8
# rather than another encoding: legacy 8-bit text almost never forms valid UTF-8 by accident.
_MIN_UTF8_EVIDENCE = 50

# Non-letters that Western European text in windows-1252 commonly contains.
_WESTERN_PUNCTUATION = frozenset("\u00a0“”‘’„‚–—…•·«»‹›©®™°±×÷§¶€£¥¢¡¿ªº")
# In Western languages a minority of letters carry accents; text that is mostly accented
# Latin letters is another script read through the wrong code page.
_MAX_ACCENTED_SHARE = 0.3
_MAX_ODD_SHARE = 0.02

# Western single-byte codecs: they decode any bytes, so a wrong label never fails loudly.
_WESTERN_CODECS = frozenset({"cp1252", "iso8859-15", "mac-roman"})

# WHATWG Encoding Standard: labels whose bytes browsers decode with a superset codec.
_SUPERSETS = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}


def decode_html(data: bytes, http_encoding: str | None = None) -> str:
    """Decode page bytes: BOM, UTF-8 if (almost) valid, a declared charset, else detection."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace")
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    for label in (http_encoding, declared_charset(data)):
        codec = codec_for_label(label)
        if codec is None or codec == "utf-8":
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec in _WESTERN_CODECS and not looks_western(text):
            # Every byte decodes under a Western label, so only the result can show the label
            # wrong: Greek or Cyrillic read as windows-1252 is all accented Latin letters.
            continue
        return text
    return _detect(data)


def declared_charset(data: bytes) -> str | None:
    """The charset named by a ``<meta charset>`` or ``http-equiv`` tag near the top, if any."""
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def codec_for_label(label: str | None) -> str | None:
    """Python codec for an HTTP/HTML charset label, or None when the label is unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        # A label read from ASCII-compatible bytes cannot be UTF-16; browsers use UTF-8 too.
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a bad paste, a cut-off sequence), else None."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ch > "\x7f") - broken
    return text if multibyte >= _MIN_UTF8_EVIDENCE * broken else None


def _detect(data: bytes) -> str:
    """Encoding of bytes that no label decodes: windows-1252 if they read as Western text,
    else statistical detection; binary junk is undecodable."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and looks_western(western):
        return western
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ExtractionError("undecodable", "no character encoding fits these bytes")
    return data.decode(best.encoding, errors="replace")


def looks_western(text: str) -> bool:
    """True when windows-1252 text reads like a Western European language.

    Browsers fall back to windows-1252 for unlabelled legacy pages, and statistical detectors
    are unreliable between its sibling code pages on short texts. Other scripts decoded as
    windows-1252 betray themselves: Cyrillic or Greek turns almost every letter into an
    accented Latin one, and Central European letters become symbols such as "¹" or "¿".
    """
    letters = accented = odd = 0
    for char in text:
        if char.isascii():
            letters += char.isalpha()
        elif char.isalpha():
            letters += 1
            accented += 1
        elif char not in _WESTERN_PUNCTUATION:
            odd += 1
    return accented <= _MAX_ACCENTED_SHARE * letters and odd <= _MAX_ODD_SHARE * (accented + 1)
