"""Load and validate ``config/sources.yaml``: which outlets to crawl and how to recognise articles.

The file is edited by hand, often by someone who is not reading this code, so loading is strict
and fails fast: every problem raises :class:`~pipeline.exceptions.ConfigError` naming the file,
the source and the field, with a hint where one helps (closest valid key, regex error position,
CSS selector error). A crawl that silently ignores a misspelt ``article_pattern`` would otherwise
run for an hour and archive nothing.

Decisions worth knowing when writing the file:

* Every list field (``start_urls``, ``feeds``, ``sitemaps``, ``domains``, the ``*_patterns``,
  ``boilerplate``, ``selectors.drop``) also accepts a single string, wrapped into a one-item
  list: ``feeds: "https://x/rss"`` is unambiguous, so rejecting it would only be pedantic.
* URL strings and ``domains`` may use ``${VAR}`` and ``${VAR:-default}`` (the default applies when
  the variable is unset *or* empty, as in the shell; write ``$${`` for a literal ``${``). An
  undefined variable without a default is an error naming it.
* Patterns are Python regular expressions searched (``re.search``) in the *absolute* URL, so
  ``/opinion/\\d{4}/`` works while ``^/opinion/`` can never match (``check_sources`` warns).
* ``defaults:`` holds any source key except ``name``; a key set on a source replaces the default
  (lists are not concatenated), which keeps "what does this source use" answerable by reading
  two places at most.
* ``domains`` omitted means "the hosts of the source's own URLs". Set it when articles live on
  another host than the feed (``feeds.example.com`` vs ``www.example.com``); an entry without a
  port also admits its subdomains, as Scrapy's ``allowed_domains`` does.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import soupsieve
import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

from pipeline.exceptions import ConfigError
from pipeline.schedule.cadence import interval_seconds, schedule_problem

__all__ = [
    "SOURCES_ENV_VAR",
    "Poll",
    "Selectors",
    "Source",
    "check_sources",
    "default_sources_path",
    "enabled_sources",
    "get_source",
    "load_sources",
]

SOURCES_ENV_VAR = "NEWSARCHIVE_SOURCES"
"""Environment variable naming the sources file; it wins over every other location."""

_NAME_RE = re.compile(r"[a-z0-9_-]+")
_LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# host[:port]; a host is a DNS name, an IPv4 address or a bracketed IPv6 address.
_DOMAIN_RE = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"|\[[0-9a-f:.]+\])(?::\d{1,5})?"
)
_VAR_RE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_VAR_BODY_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", re.DOTALL)
_DEFAULT_PORTS = {"http": 80, "https": 443}

_TOP_KEYS = ("sources", "defaults")
_SOURCE_KEYS = (
    "name",
    "description",
    "enabled",
    "domains",
    "start_urls",
    "feeds",
    "sitemaps",
    "article_patterns",
    "follow_patterns",
    "follow_article_links",
    "deny_patterns",
    "selectors",
    "boilerplate",
    "language",
    "max_pages",
    "schedule",
    "poll",
)
_URL_FIELDS = ("start_urls", "feeds", "sitemaps")
_SELECTOR_KEYS = ("body", "title", "authors", "published", "drop")
# Accepted spellings that read naturally in YAML; each maps to the canonical key above.
_SELECTOR_ALIASES = {"author": "authors", "date": "published"}


@dataclass(frozen=True, kw_only=True)
class Selectors:
    """Optional per-source CSS selectors that override the generic extractor's guesses.

    Each is validated with soupsieve at load time so a typo fails before the crawl, not as an
    empty body on every page. ``drop`` lists elements removed before the body is extracted
    (share bars, "read more" boxes) that the generic boilerplate rules miss.
    """

    body: str | None = None
    title: str | None = None
    authors: str | None = None
    published: str | None = None
    drop: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """True when any selector is set, so callers can write ``if source.selectors:``."""
        return any((self.body, self.title, self.authors, self.published, self.drop))


@dataclass(frozen=True)
class Poll:
    """Adaptive polling bounds (``poll: {min: 10m, max: 1d}``), in seconds.

    A source with ``poll`` is re-crawled at an interval that follows how often its feeds and
    sitemaps bring new articles, never shorter than ``min`` nor longer than ``max``
    (``pipeline.schedule.adaptive``); its ``schedule``, if any, is only the first interval.
    """

    min_seconds: float
    max_seconds: float


@dataclass(frozen=True, kw_only=True)
class Source:
    """One outlet: where its articles come from and how to tell an article URL from the rest.

    Keyword-only so that the many optional fields cannot be passed in the wrong order when a
    test or a spider builds one directly; such a direct construction also gets ``domains``
    derived from its URLs, exactly as loading from YAML does.
    """

    name: str
    domains: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_patterns: tuple[re.Pattern[str], ...] = ()
    follow_patterns: tuple[re.Pattern[str], ...] = ()
    deny_patterns: tuple[re.Pattern[str], ...] = ()
    selectors: Selectors = field(default_factory=Selectors)
    # Extra junk-line patterns from the YAML key ``boilerplate:`` (the extractor's cleaning, not the
    # per-source lines pipeline/boilerplate/ learns).
    junk_patterns: tuple[re.Pattern[str], ...] = ()
    language: str | None = None
    max_pages: int | None = None
    schedule: str | None = None
    poll: Poll | None = None
    description: str = ""
    enabled: bool = True
    # Whether links found on article pages are followed; None: unless the source has a sitemap.
    follow_article_links: bool | None = None

    def __post_init__(self) -> None:
        if not self.domains:
            object.__setattr__(self, "domains", _derive_domains(self.entry_urls))

    @property
    def entry_urls(self) -> tuple[str, ...]:
        """Every URL a crawl starts from: start pages, then feeds, then sitemaps."""
        return self.start_urls + self.feeds + self.sitemaps

    @property
    def allowed_domains(self) -> tuple[str, ...]:
        """``domains`` without ports, for Scrapy's ``allowed_domains``.

        Scrapy compares bare host names, so an entry such as ``127.0.0.1:8765`` would make it
        reject every request; use :meth:`allows` for a port-aware check.
        """
        hosts = (_split_domain(d)[0] for d in self.domains)
        return tuple(dict.fromkeys(h.strip("[]") for h in hosts))

    def allows(self, url: str) -> bool:
        """Whether ``url`` is on one of ``domains`` (subdomains included; port if one is given)."""
        try:
            parts = urlsplit(url)
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            return False
        host = (parts.hostname or "").lower()
        if not host:
            return False
        for domain in self.domains:
            dhost, dport = _split_domain(domain)
            dhost = dhost.strip("[]")
            if dport is not None and dport != port:
                continue
            if host == dhost or host.endswith("." + dhost):
                return True
        return False

    @property
    def follows_article_links(self) -> bool:
        """Whether the crawl follows the links of article pages (related stories, AMP variants).

        By default only a source without a sitemap does: a sitemap lists the site's articles,
        so article links add requests (each one a duplicate, or a page the sitemap has too)
        but no articles (benchmarks/RESULTS.md, "Link following from article pages"); a feed
        lists only the newest, and start pages only their teasers, so there they are how older
        articles are found. ``follow_article_links`` in the YAML overrides it either way.
        """
        if self.follow_article_links is not None:
            return self.follow_article_links
        return not self.sitemaps

    def is_denied(self, url: str) -> bool:
        """Whether a deny pattern matches: such a URL is never fetched."""
        return _search_any(self.deny_patterns, url)

    def is_article(self, url: str) -> bool:
        """Whether ``url`` is an article page: an article pattern matches and no deny pattern.

        With no article patterns this is always False: link following then finds no articles
        (``check_sources`` warns about it), whatever the spider does with feed entries.
        """
        return _search_any(self.article_patterns, url) and not self.is_denied(url)

    def should_follow(self, url: str) -> bool:
        """Whether ``url`` is a section/pagination page to crawl for links (not an article)."""
        return (
            _search_any(self.follow_patterns, url)
            and not self.is_denied(url)
            and not self.is_article(url)
        )


def default_sources_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the sources file is when none is given.

    ``$NEWSARCHIVE_SOURCES`` first (an explicit choice), then ``config/sources.yaml`` under the
    current directory (a checkout or deployment directory), then the file shipped next to this
    package in the repository, so the CLI works from anywhere in a development checkout.
    """
    environ = os.environ if env is None else env
    explicit = environ.get(SOURCES_ENV_VAR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    local = Path.cwd() / "config" / "sources.yaml"
    if local.is_file():
        return local
    return Path(__file__).resolve().parent.parent / "config" / "sources.yaml"


def load_sources(
    path: Path | str | None = None, *, env: Mapping[str, str] | None = None
) -> list[Source]:
    """Read, validate and return every source of the file, enabled or not, in file order.

    ``env`` supplies the ``${VAR}`` values (default: ``os.environ``) and, when ``path`` is None,
    the ``$NEWSARCHIVE_SOURCES`` lookup; passing it makes loading independent of the process
    environment, which tests rely on.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    file = Path(path) if path is not None else default_sources_path(environ)
    where = str(file)
    document = _read_yaml(file)
    if document is None:
        raise ConfigError("the file is empty; it needs a top-level 'sources:' list", path=where)
    if not isinstance(document, dict):
        raise ConfigError(
            f"the top level must be a mapping with a 'sources:' list, not a {_type_name(document)}",
            path=where,
        )
    for key in document:
        if key not in _TOP_KEYS:
            raise ConfigError(
                f"unknown top-level key {key!r}{_suggest(key, _TOP_KEYS)}",
                path=where,
                field=str(key),
            )

    defaults = document.get("defaults")
    if defaults is None:
        defaults = {}
    if not isinstance(defaults, dict):
        raise ConfigError(
            f"expected a mapping, got a {_type_name(defaults)}", path=where, field="defaults"
        )
    for key in defaults:
        if key == "name":
            raise ConfigError(
                "'name' cannot have a default: every source needs its own",
                path=where,
                field="defaults.name",
            )
        if key not in _SOURCE_KEYS:
            raise ConfigError(
                f"unknown key {key!r}{_suggest(key, _SOURCE_KEYS)}",
                path=where,
                field=f"defaults.{key}",
            )

    entries = document.get("sources")
    if entries is None:
        raise ConfigError("missing the top-level 'sources:' list", path=where, field="sources")
    if not isinstance(entries, list):
        raise ConfigError(
            f"expected a list of source mappings, got a {_type_name(entries)}",
            path=where,
            field="sources",
        )
    if not entries:
        raise ConfigError(
            "the list is empty: define at least one source", path=where, field="sources"
        )

    sources: list[Source] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(entries):
        source = _parse_source(entry, index, defaults, where, environ)
        if source.name in first_index:
            raise ConfigError(
                f"duplicate source name (first defined as source #{first_index[source.name] + 1});"
                " names must be unique because each is also a Scrapy spider name",
                path=where,
                source=source.name,
                field="name",
            )
        first_index[source.name] = index
        sources.append(source)
    return sources


def enabled_sources(sources: Iterable[Source]) -> list[Source]:
    """The sources a default crawl runs: those not marked ``enabled: false``."""
    return [s for s in sources if s.enabled]


def get_source(sources: Iterable[Source], name: str) -> Source:
    """The source called ``name``; a ConfigError listing the known names otherwise."""
    known = list(sources)
    for source in known:
        if source.name == name:
            return source
    names = [s.name for s in known]
    listing = ", ".join(names) if names else "(none)"
    raise ConfigError(
        f"no such source{_suggest(name, names)}; known sources: {listing}", source=name
    )


def check_sources(sources: Iterable[Source]) -> list[str]:
    """Offline lint: likely mistakes that are valid configuration but would waste a crawl.

    Loading already rejects what is wrong; these are warnings because each can be intended
    (a start page that really is an article, a feed on a host the crawl may not follow...).
    Nothing is fetched, so the checks only relate a source's patterns to its own URLs.
    """
    warnings: list[str] = []
    seen_entry: dict[str, str] = {}
    for source in sources:

        def warn(message: str, source: Source = source) -> None:
            warnings.append(f"source {source.name!r}: {message}")

        if not source.entry_urls:
            warn("no start_urls, feeds or sitemaps: nothing to crawl")
        if source.start_urls and not source.article_patterns:
            warn("start_urls without article_patterns: link following will find no articles")
        if source.follow_patterns and not source.start_urls:
            warn(
                "follow_patterns are only used when following links from start_urls, "
                "and there are none"
            )
        if (
            source.follow_patterns
            and source.start_urls
            and not any(_search_any(source.follow_patterns, u) for u in source.start_urls)
        ):
            warn(
                "follow_patterns match none of the start_urls: pagination of the start pages "
                "will not be followed"
            )
        for label, patterns in (
            ("article_patterns", source.article_patterns),
            ("follow_patterns", source.follow_patterns),
            ("deny_patterns", source.deny_patterns),
        ):
            for pattern in patterns:
                if pattern.pattern.startswith(("^/", "\\A/")):
                    warn(
                        f"{label} {pattern.pattern!r} is anchored at a path but patterns are "
                        "searched in absolute URLs, so it never matches"
                    )
        for url in source.entry_urls:
            if _search_any(source.article_patterns, url):
                warn(
                    f"article_patterns match the entry URL {url}: it would be stored as an "
                    "article (pattern too broad?)"
                )
            if source.is_denied(url):
                warn(f"deny_patterns match the entry URL {url}: it will never be fetched")
            if not source.allows(url):
                warn(f"entry URL {url} is outside domains {list(source.domains)}")
            if url in seen_entry and seen_entry[url] != source.name:
                warn(f"entry URL {url} is also used by source {seen_entry[url]!r}")
            seen_entry.setdefault(url, source.name)
    return warnings


# --- parsing -------------------------------------------------------------------------------


class _Context:
    """Where a value came from, so that every error names file, source and field alike."""

    def __init__(self, path: str, source: str, from_defaults: frozenset[str]) -> None:
        self.path = path
        self.source = source
        self.from_defaults = from_defaults

    def label(self, key: str, suffix: str = "") -> str:
        """The field name as the user should look for it: ``defaults.x`` when inherited."""
        prefix = "defaults." if key in self.from_defaults else ""
        return f"{prefix}{key}{suffix}"

    def fail(self, message: str, key: str, suffix: str = "") -> NoReturn:
        raise ConfigError(
            message, path=self.path, source=self.source, field=self.label(key, suffix)
        )


def _parse_source(
    entry: object, index: int, defaults: Mapping[Hashable, Any], path: str, env: Mapping[str, str]
) -> Source:
    position = f"#{index + 1}"
    if not isinstance(entry, dict):
        raise ConfigError(
            f"each source must be a mapping of fields, got a {_type_name(entry)}",
            path=path,
            source=position,
        )
    raw_name = entry.get("name")
    display = raw_name if isinstance(raw_name, str) and raw_name else position
    for key in entry:
        if key not in _SOURCE_KEYS:
            raise ConfigError(
                f"unknown key {key!r}{_suggest(key, _SOURCE_KEYS)}",
                path=path,
                source=display,
                field=str(key),
            )
    if raw_name is None:
        raise ConfigError(
            "missing: every source needs a name", path=path, source=position, field="name"
        )
    if not isinstance(raw_name, str):
        raise ConfigError(
            f"expected a string, got a {_type_name(raw_name)}{_quote_hint(raw_name)}",
            path=path,
            source=position,
            field="name",
        )
    if not _NAME_RE.fullmatch(raw_name):
        raise ConfigError(
            f"invalid name {raw_name!r}: use only lower-case letters, digits, "
            "'_' and '-' (it becomes the Scrapy spider name)",
            path=path,
            source=display,
            field="name",
        )

    merged: dict[str, Any] = {str(k): v for k, v in defaults.items()}
    merged.update({str(k): v for k, v in entry.items()})
    ctx = _Context(path, raw_name, frozenset(str(k) for k in defaults if k not in entry))

    urls = {key: _parse_urls(merged.get(key), key, ctx, env) for key in _URL_FIELDS}
    if not any(urls.values()):
        ctx.fail("a source needs at least one of start_urls, feeds or sitemaps", "start_urls")
    domains = _parse_domains(merged.get("domains"), ctx, env)

    return Source(
        name=raw_name,
        domains=domains,
        start_urls=urls["start_urls"],
        feeds=urls["feeds"],
        sitemaps=urls["sitemaps"],
        article_patterns=_parse_patterns(merged.get("article_patterns"), "article_patterns", ctx),
        follow_patterns=_parse_patterns(merged.get("follow_patterns"), "follow_patterns", ctx),
        deny_patterns=_parse_patterns(merged.get("deny_patterns"), "deny_patterns", ctx),
        selectors=_parse_selectors(merged.get("selectors"), ctx),
        junk_patterns=_parse_patterns(merged.get("boilerplate"), "boilerplate", ctx),
        language=_parse_language(merged.get("language"), ctx),
        max_pages=_parse_max_pages(merged.get("max_pages"), ctx),
        schedule=_parse_schedule(merged.get("schedule"), ctx),
        poll=_parse_poll(merged.get("poll"), merged.get("schedule"), ctx),
        description=_parse_str(merged.get("description"), "description", ctx) or "",
        enabled=_parse_bool(merged.get("enabled"), "enabled", ctx, default=True),
        follow_article_links=_parse_optional_bool(
            merged.get("follow_article_links"), "follow_article_links", ctx
        ),
    )


def _string_items(
    value: object, key: str, ctx: _Context, prefix: str = ""
) -> list[tuple[str, str]]:
    """A list field's items as ``(suffix, text)``; a lone string counts as a one-item list.

    ``prefix`` locates a nested list in error messages (``.drop`` in ``selectors.drop[1]``).
    """
    if value is None:
        return []
    if isinstance(value, str):
        items: list[object] = [value]
        suffixes = [""]
    elif isinstance(value, list):
        items = value
        suffixes = [f"[{i}]" for i in range(len(value))]
    else:
        ctx.fail(
            f"expected a list of strings (or one string), got a {_type_name(value)}", key, prefix
        )
    result = []
    for suffix, item in zip(suffixes, items, strict=True):
        if not isinstance(item, str):
            ctx.fail(
                f"expected a string, got a {_type_name(item)}{_quote_hint(item)}",
                key,
                prefix + suffix,
            )
        if not item.strip():
            ctx.fail("empty string", key, prefix + suffix)
        result.append((suffix, item.strip()))
    return result


def _parse_urls(value: object, key: str, ctx: _Context, env: Mapping[str, str]) -> tuple[str, ...]:
    urls: list[str] = []
    for suffix, text in _string_items(value, key, ctx):
        url = _expand(text, env, key, suffix, ctx)
        problem = _url_problem(url)
        if problem:
            ctx.fail(f"invalid URL {url!r}: {problem}", key, suffix)
        urls.append(url)
    return tuple(dict.fromkeys(urls))


def _parse_domains(value: object, ctx: _Context, env: Mapping[str, str]) -> tuple[str, ...]:
    domains: list[str] = []
    for suffix, text in _string_items(value, "domains", ctx):
        domain = _expand(text, env, "domains", suffix, ctx).lower()
        if "://" in domain or "/" in domain:
            ctx.fail(
                f"invalid domain {domain!r}: give host[:port] only, without scheme or path",
                "domains",
                suffix,
            )
        if not _DOMAIN_RE.fullmatch(domain) or not _port_ok(_split_domain(domain)[1]):
            ctx.fail(f"invalid domain {domain!r}: expected host or host:port", "domains", suffix)
        domains.append(domain)
    return tuple(dict.fromkeys(domains))


def _parse_patterns(value: object, key: str, ctx: _Context) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for suffix, text in _string_items(value, key, ctx):
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            ctx.fail(f"invalid regular expression {text!r}: {exc}", key, suffix)
    return tuple(patterns)


def _parse_selectors(value: object, ctx: _Context) -> Selectors:
    if value is None:
        return Selectors()
    if not isinstance(value, dict):
        ctx.fail(f"expected a mapping of CSS selectors, got a {_type_name(value)}", "selectors")
    valid = _SELECTOR_KEYS + tuple(_SELECTOR_ALIASES)
    found: dict[str, tuple[str, object]] = {}
    for key, raw in value.items():
        name = str(key)
        if name not in valid:
            ctx.fail(f"unknown selector {name!r}{_suggest(name, valid)}", "selectors", f".{name}")
        canonical = _SELECTOR_ALIASES.get(name, name)
        if canonical in found:
            ctx.fail(
                f"{name!r} and {found[canonical][0]!r} name the same selector; keep one",
                "selectors",
                f".{name}",
            )
        found[canonical] = (name, raw)

    def one(canonical: str) -> str | None:
        if canonical not in found:
            return None
        name, raw = found[canonical]
        if raw is None:
            return None
        if not isinstance(raw, str) or not raw.strip():
            ctx.fail(f"expected a CSS selector string, got {raw!r}", "selectors", f".{name}")
        return _css(raw.strip(), f".{name}", ctx)

    drop: tuple[str, ...] = ()
    if "drop" in found:
        items = _string_items(found["drop"][1], "selectors", ctx, ".drop")
        drop = tuple(_css(text, f".drop{suffix}", ctx) for suffix, text in items)
    return Selectors(
        body=one("body"),
        title=one("title"),
        authors=one("authors"),
        published=one("published"),
        drop=drop,
    )


def _css(selector: str, suffix: str, ctx: _Context) -> str:
    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as exc:
        # soupsieve's message continues with a multi-line caret drawing; the first line says it.
        reason = str(exc).splitlines()[0]
        ctx.fail(f"invalid CSS selector {selector!r}: {reason}", "selectors", suffix)
    return selector


def _parse_str(value: object, key: str, ctx: _Context) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        ctx.fail(f"expected a string, got a {_type_name(value)}{_quote_hint(value)}", key)
    return value.strip()


def _parse_bool(value: object, key: str, ctx: _Context, *, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        ctx.fail(f"expected true or false, got {value!r}", key)
    return value


def _parse_optional_bool(value: object, key: str, ctx: _Context) -> bool | None:
    if value is None:
        return None
    return _parse_bool(value, key, ctx, default=False)


def _parse_language(value: object, ctx: _Context) -> str | None:
    language = _parse_str(value, "language", ctx)
    if language is not None and not _LANGUAGE_RE.fullmatch(language):
        ctx.fail(
            f"invalid language {language!r}: expected a code such as 'en' or 'pt-BR'", "language"
        )
    return language or None


def _parse_max_pages(value: object, ctx: _Context) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        ctx.fail(f"expected a positive whole number, got {value!r}", "max_pages")
    return value


def _parse_schedule(value: object, ctx: _Context) -> str | None:
    """Accept an interval (``30m``, ``6h``, ``1d``, ``45s``), a cron macro or a 5-field cron line.

    The grammar is the scheduler's own (``pipeline.schedule.cadence``), so what loads here is what
    ``newsarchive schedule`` can run.
    """
    schedule = _parse_str(value, "schedule", ctx)
    if not schedule:
        return None
    problem = schedule_problem(schedule)
    if problem:
        ctx.fail(
            f"invalid schedule {schedule!r}: {problem}; use an interval such as '30m' or "
            "'6h', or a cron expression such as '0 */6 * * *'",
            "schedule",
        )
    return schedule


_POLL_KEYS = ("min", "max")


def _parse_poll(value: object, schedule: object, ctx: _Context) -> Poll | None:
    """``poll: {min: 10m, max: 1d}`` (either may be left out: the settings' defaults apply).

    The interval moves between the bounds, so a cron ``schedule`` cannot go with it; an interval
    ``schedule`` is the first interval.
    """
    from pipeline import settings

    if value is None:
        return None
    if not isinstance(value, dict):
        ctx.fail(f"expected a mapping such as {{min: 10m, max: 1d}}, got {value!r}", "poll")
    for key in value:
        if str(key) not in _POLL_KEYS:
            ctx.fail(f"unknown key {key!r}{_suggest(key, _POLL_KEYS)}", "poll", f".{key}")
    bounds: list[float] = []
    for key, default in (
        ("min", settings.NEWSARCHIVE_POLL_MIN),
        ("max", settings.NEWSARCHIVE_POLL_MAX),
    ):
        text = value.get(key, default)
        seconds = interval_seconds(text) if isinstance(text, str) else None
        if seconds is None:
            ctx.fail(f"expected an interval such as '10m' or '1d', got {text!r}", "poll", f".{key}")
        bounds.append(seconds)
    if bounds[0] > bounds[1]:
        ctx.fail("min is longer than max", "poll")
    if isinstance(schedule, str) and schedule.strip() and interval_seconds(schedule) is None:
        ctx.fail(
            "poll adapts an interval; give schedule as an interval (the first one) or leave "
            "it out, not a cron line",
            "schedule",
        )
    return Poll(bounds[0], bounds[1])


# --- helpers -------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that rejects duplicate keys instead of keeping the last one.

    A source with two ``feeds:`` keys is almost always a merge accident, and PyYAML would
    silently drop the first list.
    """

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if key_node.value in seen:
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {key_node.value!r}",
                    key_node.start_mark,
                )
            seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _read_yaml(file: Path) -> object:
    where = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"file not found (set ${SOURCES_ENV_VAR} or pass a path)", path=where
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", path=where) from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where_in = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = "; ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigError(f"invalid YAML{where_in}: {detail}", path=where) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=where) from exc


def _expand(text: str, env: Mapping[str, str], key: str, suffix: str, ctx: _Context) -> str:
    """Substitute ``${VAR}`` / ``${VAR:-default}``; ``$${`` stays a literal ``${``."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        body = match.group(1)
        parsed = _VAR_BODY_RE.fullmatch(body) if body is not None else None
        if parsed is None:
            ctx.fail(
                f"malformed variable reference in {text!r}: use ${{NAME}} or ${{NAME:-default}}",
                key,
                suffix,
            )
        name, default = parsed.group(1), parsed.group(2)
        value = env.get(name, "")
        if value:
            return value
        if default is not None:
            return default
        ctx.fail(
            f"environment variable {name!r} is not set and {text!r} gives no default "
            f"(write ${{{name}:-default}})",
            key,
            suffix,
        )

    return _VAR_RE.sub(replace, text)


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be crawled, or None when it is an absolute http(s) URL with a host."""
    if any(ch.isspace() for ch in url):
        return "contains whitespace"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in _DEFAULT_PORTS:
        return "the scheme must be http or https"
    if not parts.hostname:
        return "no host"
    if port == 0:
        return "port 0"
    return None


def _derive_domains(urls: Iterable[str]) -> tuple[str, ...]:
    hosts = (urlsplit(u).netloc.rpartition("@")[2].lower() for u in urls)
    return tuple(dict.fromkeys(h for h in hosts if h))


def _split_domain(domain: str) -> tuple[str, int | None]:
    """``host[:port]`` -> ``(host, port)``; an IPv6 host keeps its brackets."""
    head, sep, tail = domain.rpartition(":")
    if sep and tail.isdigit() and (not head.startswith("[") or head.endswith("]")):
        return head, int(tail)
    return domain, None


def _port_ok(port: int | None) -> bool:
    return port is None or 0 < port < 65536


def _search_any(patterns: Sequence[re.Pattern[str]], url: str) -> bool:
    return any(p.search(url) for p in patterns)


def _suggest(word: object, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _quote_hint(value: object) -> str:
    # YAML turns `no`, `on`, `2024-01-01`, `1.0` into non-strings; quoting keeps them text.
    if isinstance(value, bool | int | float) or type(value).__module__ == "datetime":
        return f" ({value!r}; quote it to make it a string)"
    return ""


def _type_name(value: object) -> str:
    names = {
        dict: "mapping",
        list: "list",
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
