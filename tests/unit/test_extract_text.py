"""Specification of text normalisation shared by every extraction step."""

from __future__ import annotations

import pytest

from pipeline.extract.text import squash


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  one\n\t two  ", "one two"),
        ("zero\u200bwidth soft\u00adhyphen\x07bell", "zerowidth softhyphenbell"),
        ("“Quoted” – zero\u200bwidth\ufeff and\u00a0no-break", "“Quoted” – zerowidth and no-break"),
    ],
)
def test_squash_drops_invisible_characters_in_ascii_and_in_other_text(
    text: str, expected: str
) -> None:
    assert squash(text) == expected
