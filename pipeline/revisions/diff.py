"""A word-level diff of two versions of an article, for people to read.

Words are compared, not characters or lines: a changed sentence shows as its removed and
inserted words, a moved comma does not light up a paragraph. Paragraph breaks are kept as
tokens of their own so the diff reads as the article does. The HTML form escapes every piece of
text before it wraps changes in ``<del>``/``<ins>`` (as ``pipeline.search.snippets`` does with
``<mark>``), so an article's own markup can only ever show as text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["EQUAL", "INSERTED", "REMOVED", "Segment", "diff_html", "diff_text", "word_diff"]

EQUAL, INSERTED, REMOVED = "equal", "inserted", "removed"
_BREAK = "\n\n"


@dataclass(frozen=True)
class Segment:
    kind: str  # EQUAL | INSERTED | REMOVED
    text: str  # words joined by spaces; paragraph breaks as "\n\n"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


def word_diff(old: str, new: str) -> list[Segment]:
    """The segments that turn ``old`` into ``new``: removed words before inserted ones."""
    a, b = _tokens(old), _tokens(new)
    segments: list[Segment] = []
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _add(segments, EQUAL, a[i1:i2])
            continue
        if op in ("delete", "replace"):
            _add(segments, REMOVED, a[i1:i2])
        if op in ("insert", "replace"):
            _add(segments, INSERTED, b[j1:j2])
    return segments


def diff_html(segments: list[Segment]) -> str:
    """Paragraphs of escaped text with ``<del>`` and ``<ins>`` around the changes."""
    paragraphs: list[list[str]] = [[]]
    for seg in segments:
        for n, part in enumerate(seg.text.split(_BREAK)):
            if n:
                paragraphs.append([])
            if not part.strip():
                continue
            text = html.escape(part.strip(), quote=True)
            if seg.kind == INSERTED:
                text = f"<ins>{text}</ins>"
            elif seg.kind == REMOVED:
                text = f"<del>{text}</del>"
            paragraphs[-1].append(text)
    return "".join(f"<p>{' '.join(p)}</p>" for p in paragraphs if p)


def diff_text(segments: list[Segment]) -> str:
    """The diff for a terminal: ``[-removed-]`` and ``{+inserted+}`` as ``wdiff`` writes them."""
    out: list[str] = []
    for seg in segments:
        if seg.kind == INSERTED:
            out.append("{+" + seg.text + "+}")
        elif seg.kind == REMOVED:
            out.append("[-" + seg.text + "-]")
        else:
            out.append(seg.text)
    return " ".join(out).replace(" \n\n", "\n\n").replace("\n\n ", "\n\n")


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for n, paragraph in enumerate(p for p in text.split(_BREAK) if p.strip()):
        if n:
            tokens.append(_BREAK)
        tokens += paragraph.split()
    return tokens


def _add(segments: list[Segment], kind: str, tokens: list[str]) -> None:
    if not tokens:
        return
    text = _joined(tokens)
    if segments and segments[-1].kind == kind:
        glue = "" if text.startswith(_BREAK) or segments[-1].text.endswith(_BREAK) else " "
        segments[-1] = Segment(kind, segments[-1].text + glue + text)
    else:
        segments.append(Segment(kind, text))


def _joined(tokens: list[str]) -> str:
    """Words joined by spaces, with no space around a paragraph break."""
    out = ""
    for token in tokens:
        if token == _BREAK or not out or out.endswith(_BREAK):
            out += token
        else:
            out += " " + token
    return out
