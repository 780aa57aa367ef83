"""The article's language: what the page declares, checked against what the text says.

A declared language (``<html lang>``, ``Content-Language``, ``og:locale``) is cheap and usually
right, but multilingual sites often ship one template with a fixed ``lang="en"``. So a
declaration is overruled when the statistical identifier is very confident of another language
on a text long enough to judge; pages that declare nothing get the identifier's answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lxml.html import HtmlElement

from pipeline.extract.meta_tags import MetaTags

# Text shorter than this is too little for the identifier to overrule a declaration.
MIN_OVERRULE_CHARS = 400
# Normalised probability above which the identifier overrules a declaration.
OVERRULE_CONFIDENCE = 0.99
# Characters given to the identifier: enough to decide, bounded to stay fast on long pages.
SAMPLE_CHARS = 1500
_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")


def declared_language(root: HtmlElement, metas: MetaTags) -> str | None:
    """The primary language subtag the page declares for itself, lower-case, if any."""
    values = [
        root.get("lang"),
        root.get("xml:lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
    ]
    for key in ("content-language", "og:locale", "language", "dc.language"):
        values.append(metas.get(key, "").split(",")[0])
    for value in values:
        code = normalise_code(value)
        if code:
            return code
    return None


def normalise_code(value: str | None) -> str | None:
    """ "en-US" -> "en", "pt_BR" -> "pt"; None for anything that is not a language tag."""
    if not value:
        return None
    match = _CODE.match(value.strip())
    return match.group(1).lower() if match else None


def choose_language(declared: str | None, hint: str | None, text: str) -> str | None:
    """Declared language, else the source's hint, else identification; confident text wins."""
    stated = declared or normalise_code(hint)
    if not text.strip() or (stated is not None and len(text) < MIN_OVERRULE_CHARS):
        return stated
    detected, confidence = identify(text[:SAMPLE_CHARS])
    if stated is None:
        return detected
    if detected != stated and len(text) >= MIN_OVERRULE_CHARS and confidence >= OVERRULE_CONFIDENCE:
        return detected
    return stated


def identify(text: str) -> tuple[str, float]:
    """py3langid's best language for the text and its normalised probability."""
    language, confidence = _identifier().classify(text)
    return str(language), float(confidence)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The py3langid model with normalised probabilities, loaded once (it takes ~0.1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
