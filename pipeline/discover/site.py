"""``sources discover``: from one page of a site to its feeds, sitemaps and URL patterns.

The order spends a small request budget where it tells most: the page itself, robots.txt
(rules, ``Sitemap:`` lines), the feeds and sitemaps the page and robots.txt name, the common
paths only when nothing was named, a few children of a sitemap index (news sitemaps first), then
section pages for more links while budget is left. Everything announced by a feed or sitemap
and every same-site link goes to ``pipeline.discover.shapes.propose``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from pipeline.crawl.spiders.discovery import Entry, feed_entries, sitemap_content
from pipeline.discover.entrypoints import (
    COMMON_FEED_PATHS,
    COMMON_SITEMAP_PATHS,
    body_kind,
    page_links,
)
from pipeline.discover.fetch import Fetcher, Refusal
from pipeline.discover.shapes import Proposal, UrlKind, classify, propose
from pipeline.exceptions import StartPageUnreadable

__all__ = ["Discovery", "EntryPoint", "discover", "same_site"]

MAX_CHILD_SITEMAPS = 3
MAX_ITEMS = 5000  # entries read from one feed or sitemap; the shapes need a sample, not all


@dataclass
class EntryPoint:
    """A feed or sitemap that parsed, how it was found and what it holds."""

    url: str
    kind: str  # "feed" | "sitemap"
    how: str
    detail: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Discovery:
    """What ``discover`` found, refused and proposes for one site."""

    start_url: str
    name: str
    feeds: list[EntryPoint]
    sitemaps: list[EntryPoint]
    refusals: list[Refusal]
    notes: list[str]  # candidates that answered but were not feeds or sitemaps, probes that 404
    proposal: Proposal
    announced: list[str]
    linked: list[str]
    requests_made: int
    max_requests: int
    hosts: list[str]


def same_site(url: str, base: str) -> bool:
    """Same host and port as ``base``, ``www.`` ignored, subdomains of it included."""
    a = urlsplit(url).netloc.lower().removeprefix("www.")
    b = urlsplit(base).netloc.lower().removeprefix("www.")
    return bool(a) and (a == b or a.endswith("." + b))


def default_name(url: str) -> str:
    host = (urlsplit(url).hostname or "site").lower().removeprefix("www.")
    return re.sub(r"[^a-z0-9]+", "_", host).strip("_") or "site"


def discover(
    url: str, fetcher: Fetcher, *, name: str | None = None, max_size: int = 10 << 20
) -> Discovery:
    """Find the entry points of the site of ``url`` and propose its patterns."""
    page = fetcher.get(url)
    if page is None or page.status >= 400:
        why = (
            f"HTTP {page.status}"
            if page is not None
            else "; ".join(f"{r.reason}: {r.detail}" for r in fetcher.refusals[-1:])
        )
        raise StartPageUnreadable(f"cannot read {url}: {why}")
    start = page.url
    found = page_links(page.body, start)
    run = _Run(fetcher, start, max_size)
    robots_sitemaps = dict.fromkeys(fetcher.sitemaps_in_robots(start), "robots.txt Sitemap: line")
    for candidate, how in found.feeds.items():
        run.check(candidate, how)
    for candidate, how in {**robots_sitemaps, **found.sitemaps}.items():
        run.check(candidate, how)
    if not run.feeds:
        run.probe(COMMON_FEED_PATHS, "feed")
    if not run.sitemaps:
        run.probe(COMMON_SITEMAP_PATHS, "sitemap")
    linked = [u for u in found.links if same_site(u, start)]
    run.read_sections(linked)
    announced = [
        e.url for ep in (*run.feeds, *run.sitemaps) for e in ep.entries if same_site(e.url, start)
    ]
    hosts = sorted(
        {urlsplit(u).netloc.lower() for u in [start, *announced]}
        | {urlsplit(ep.url).netloc.lower() for ep in (*run.feeds, *run.sitemaps)}
    )
    return Discovery(
        start_url=start,
        name=name or default_name(start),
        feeds=run.feeds,
        sitemaps=run.sitemaps,
        refusals=list(fetcher.refusals),
        notes=run.notes,
        proposal=propose(announced, [*linked, *run.more_links]),
        announced=announced,
        linked=linked,
        requests_made=fetcher.requests_made,
        max_requests=fetcher.limits.max_requests,
        hosts=hosts,
    )


class _Run:
    """The state of one discovery: what was tried, what parsed, what answered otherwise."""

    def __init__(self, fetcher: Fetcher, start: str, max_size: int) -> None:
        self.fetcher = fetcher
        self.start = start
        self.max_size = max_size
        self.feeds: list[EntryPoint] = []
        self.sitemaps: list[EntryPoint] = []
        self.notes: list[str] = []
        self.tried: set[str] = set()
        self.more_links: list[str] = []

    def check(self, url: str, how: str) -> EntryPoint | None:
        """Fetch a candidate and keep it if it parses as a feed or sitemap."""
        if url in self.tried:
            return None
        self.tried.add(url)
        response = self.fetcher.get(url)
        if response is None:
            return None  # refused: recorded by the fetcher
        if response.status >= 400:
            self.notes.append(f"{url} ({how}): HTTP {response.status}")
            return None
        kind = body_kind(response.body)
        if not kind:
            self.notes.append(f"{url} ({how}): not a feed or sitemap ({response.content_type})")
            return None
        try:
            point = self._parse(response.url, kind, how, response.body)
        except ValueError as exc:
            reason = str(getattr(exc, "reason", f"bad_{kind}"))
            self.fetcher.refuse(url, reason, str(exc))
            return None
        (self.feeds if kind == "feed" else self.sitemaps).append(point)
        return point

    def probe(self, paths: tuple[str, ...], expect: str) -> None:
        """Common paths, one request each, until one parses (or the budget ends)."""
        for path in paths:
            if self.fetcher.budget_left <= 0:
                self.fetcher.refuse(urljoin(self.start, path), "budget", "common path not tried")
                return
            url = urljoin(self.start, path)
            point = self.check(url, f"common path {path}")
            if point is not None and point.kind == expect:
                return

    def read_sections(self, linked: list[str]) -> None:
        """Section pages linked from the start page, while budget is left, for more links."""
        sections = [u for u in linked if classify(u).kind == UrlKind.SECTION]
        for i, url in enumerate(sections):
            if self.fetcher.budget_left <= 0:
                left = len(sections) - i
                self.fetcher.refuse(url, "budget", f"{left} section page(s) not read")
                return
            if url in self.tried:
                continue
            self.tried.add(url)
            response = self.fetcher.get(url)
            if response is None or response.status >= 400 or b"<" not in response.body[:2048]:
                continue
            links = page_links(response.body, response.url).links
            self.more_links.extend(u for u in links if same_site(u, self.start))

    def _parse(self, url: str, kind: str, how: str, body: bytes) -> EntryPoint:
        if kind == "feed":
            items = feed_entries(body, max_items=MAX_ITEMS)
            flavour = "JSON Feed" if body.lstrip()[:1] == b"{" else _xml_flavour(body)
            return EntryPoint(url, "feed", how, f"{flavour}, {len(items)} items", items)
        content = sitemap_content(body, max_size=self.max_size, max_items=MAX_ITEMS)
        if not content.is_index:
            news = sum(1 for e in content.entries if "news_publication_date" in e.hints)
            detail = f"{len(content.entries)} URLs" + (f", {news} with news: tags" if news else "")
            return EntryPoint(url, "sitemap", how, detail, content.entries)
        children = [e.url for e in content.entries]
        ordered = sorted(children, key=lambda u: 0 if "news" in u.lower() else 1)
        entries: list[Entry] = []
        read = 0
        news = 0
        for child in ordered[:MAX_CHILD_SITEMAPS]:
            if self.fetcher.budget_left <= 0:
                break
            self.tried.add(child)
            response = self.fetcher.get(child)
            if response is None or response.status >= 400:
                continue
            try:
                part = sitemap_content(response.body, max_size=self.max_size, max_items=MAX_ITEMS)
            except ValueError as exc:
                self.fetcher.refuse(child, str(getattr(exc, "reason", "bad_sitemap")), str(exc))
                continue
            read += 1
            news += sum(1 for e in part.entries if "news_publication_date" in e.hints)
            entries.extend(part.entries)
        detail = (
            f"index of {len(children)} sitemaps, {read} read ({len(entries)} URLs"
            + (f", {news} with news: tags" if news else "")
            + ")"
        )
        return EntryPoint(url, "sitemap", how, detail, entries)


def _xml_flavour(body: bytes) -> str:
    head = body[:4096].lower()
    if b"<feed" in head:
        return "Atom"
    if b"<rdf:rdf" in head:
        return "RSS 1.0"
    return "RSS"
