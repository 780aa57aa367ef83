"""Schema.org JSON-LD blocks: the most precise metadata a news page carries, when it is valid.

Publishers embed ``<script type="application/ld+json">`` for search engines; it names the
headline, authors, dates, section and sometimes the whole ``articleBody``. The JSON is often
sloppy (HTML comments around it, raw newlines in strings, several objects in one ``@graph``),
so parsing is lenient and everything is flattened into a list of plain objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

JsonObject = dict[str, Any]

# What XPath's translate(@type, "LDJSON", "ldjson") did: only these capitals fold.
_TYPE_CASE = str.maketrans("LDJSON", "ldjson")
_WRAPPER = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_RAW_CONTROL = re.compile(r"[\x00-\x1f]")

# Types that describe the article of the page (schema.org Article and its subtypes).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "opinionnewsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "report",
        "scholarlyarticle",
        "techarticle",
        "advertisercontentarticle",
    }
)


def jsonld_objects(root: HtmlElement) -> list[JsonObject]:
    """Every JSON object in the page's JSON-LD scripts, ``@graph`` and nesting flattened."""
    found: list[JsonObject] = []
    for script in _jsonld_scripts(root):
        data = _load(script.text or "")
        if data is not None:
            found.extend(_flatten(data))
    return found


def _jsonld_scripts(root: HtmlElement) -> Iterator[HtmlElement]:
    """The page's ``<script>`` elements whose type holds "ld+json" (any case), in order.

    libxml2 finds the ``<script>`` elements by name in C; testing their type in Python costs
    less than having XPath translate() it (a whole-document XPath was a per-page hot spot).
    """
    for script in root.getroottree().iter("script"):
        kind = script.get("type")
        if kind is not None and "ld+json" in kind.translate(_TYPE_CASE):
            yield script


def article_objects(objects: list[JsonObject]) -> list[JsonObject]:
    """The objects whose ``@type`` is an Article subtype, in page order."""
    return [o for o in objects if ARTICLE_TYPES.intersection(type_names(o))]


def type_names(obj: JsonObject) -> list[str]:
    """The object's ``@type`` values, lower-cased (it may be a string or a list)."""
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.lower().rsplit("/", 1)[-1] for v in values if isinstance(v, str)]


def text_value(value: Any) -> str | None:
    """A string field's value; lists give their first string, objects their ``name``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            text = text_value(item)
            if text:
                return text
    if isinstance(value, dict):
        return text_value(value.get("name"))
    return None


def _load(raw: str) -> Any:
    """Parse a script's JSON, tolerating comment wrappers and raw control characters."""
    raw = _WRAPPER.sub("", raw.strip())
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        pass
    try:
        return json.loads(_RAW_CONTROL.sub(" ", raw))
    except ValueError:
        return None


def _flatten(data: Any) -> Iterator[JsonObject]:
    """Yield every dict that has an ``@type``, walking lists, ``@graph`` and nested values."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            graph = item.get("@graph")
            if graph is not None:
                stack.append(graph)
            main = item.get("mainEntity") or item.get("mainEntityOfPage")
            if isinstance(main, dict) and "@type" in main:
                stack.append(main)
