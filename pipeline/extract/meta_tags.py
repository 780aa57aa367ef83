"""Reading ``<meta>`` tags, which name their key in ``property`` (Open Graph) or ``name``.

A page's ``<meta>`` tags are read once into a mapping because titles, descriptions, sections
and dates all look keys up in it.
"""

from __future__ import annotations

from lxml.html import HtmlElement

MetaTags = dict[str, str]


def meta_tags(root: HtmlElement) -> MetaTags:
    """Lower-cased ``property``/``name``/``itemprop``/``http-equiv`` -> first non-empty content."""
    found: MetaTags = {}
    for meta in root.iter("meta"):
        key = (
            meta.get("property")
            or meta.get("name")
            or meta.get("itemprop")
            or meta.get("http-equiv")
        )
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found
