"""URL query parameters <-> SearchRequest, shared by the page and the JSON API.

Parsed by hand rather than by the framework's validation so that every mistake produces one
sentence naming the parameter (``from: not a date (YYYY-MM-DD): '2016-13-01'``) and the same
400 answer on the page and in the API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from urllib.parse import urlencode

from pipeline.exceptions import BadParameter
from pipeline.search.query import INTERVALS, MAX_PAGE_SIZE, SORTS, SearchRequest

DEFAULT_PAGE_SIZE = 10
MAX_VALUES = 50  # per facet parameter
MAX_VALUE_LENGTH = 256


def request_from_params(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """Build the SearchRequest that the URL asks for (``collapse`` defaults to on)."""
    size = _int(params, "size", DEFAULT_PAGE_SIZE, 0, MAX_PAGE_SIZE)
    page = _int(params, "page", 1, 1, 10_000)
    return SearchRequest(
        text=_one(params, "q", ""),
        sources=_many(params, "source"),
        sections=_many(params, "section"),
        authors=_many(params, "author"),
        languages=_many(params, "language"),
        date_from=_date(params, "from"),
        date_to=_date(params, "to"),
        size=size,
        offset=(page - 1) * size,
        sort=_choice(params, "sort", "relevance", SORTS),
        collapse=_bool(params, "collapse", True),
        edited=_bool(params, "edited", False),
        interval=_choice(params, "interval", "auto", INTERVALS),
    )


def params_of(request: SearchRequest, **changes: str | int | None) -> str:
    """The query string for ``request`` with some parameters changed (``None`` removes one)."""
    pairs: list[tuple[str, str]] = []
    base: dict[str, str | int | None] = {
        "q": request.text or None,
        "from": request.date_from.isoformat() if request.date_from else None,
        "to": request.date_to.isoformat() if request.date_to else None,
        "sort": request.sort if request.sort != "relevance" else None,
        "interval": request.interval if request.interval != "auto" else None,
        "collapse": None if request.collapse else 0,
        "edited": 1 if request.edited else None,
        "size": request.size if request.size != DEFAULT_PAGE_SIZE else None,
    }
    base.update(changes)
    pairs += [(k, str(v)) for k, v in base.items() if v is not None and k != "page"]
    for name, values in request.facet_values().items():
        pairs += [(name, v) for v in values]
    if changes.get("page") is not None:
        pairs.append(("page", str(changes["page"])))
    return urlencode(pairs)


def page_of(request: SearchRequest) -> int:
    return request.offset // request.size + 1 if request.size else 1


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    return [v for v in params.get(name, []) if v != ""]


def _one(params: Mapping[str, Sequence[str]], name: str, default: str) -> str:
    values = _values(params, name)
    if len(values) > 1:
        raise BadParameter(name, "give it once")
    return values[0] if values else default


def _many(params: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...]:
    values = _values(params, name)
    if len(values) > MAX_VALUES:
        raise BadParameter(name, f"at most {MAX_VALUES} values")
    for value in values:
        if len(value) > MAX_VALUE_LENGTH:
            raise BadParameter(name, f"a value is longer than {MAX_VALUE_LENGTH} characters")
    return tuple(dict.fromkeys(values))


def _int(params: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int) -> int:
    raw = _one(params, name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"not a whole number: {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadParameter(name, f"must be between {low} and {high}, not {value}")
    return value


def _date(params: Mapping[str, Sequence[str]], name: str) -> date | None:
    raw = _one(params, name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"not a date (YYYY-MM-DD): {raw[:40]!r}") from None


def _choice(
    params: Mapping[str, Sequence[str]], name: str, default: str, choices: Sequence[str]
) -> str:
    raw = _one(params, name, default)
    if raw not in choices:
        raise BadParameter(name, f"must be one of {', '.join(choices)}, not {raw[:40]!r}")
    return raw


def _bool(params: Mapping[str, Sequence[str]], name: str, default: bool) -> bool:
    raw = _one(params, name, "").lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise BadParameter(name, f"must be true or false, not {raw[:40]!r}")
