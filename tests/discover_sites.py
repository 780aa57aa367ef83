"""Small news sites of different shapes, served on loopback, for ``sources discover`` and
``sources try``: each is a table of paths written here, served by a real HTTP server that
records every request (so tests can count what discover asked for).

Shapes: ``feed_only`` (an RSS feed and a JSON Feed, dates in the path), ``news_sitemaps``
(robots.txt names a sitemap index of news sitemaps; numeric-id URLs), ``sections_only`` (no
feed, no sitemap: section pages with ?page=N pagination; slug-only URLs under section
prefixes), ``robots_denies_feed`` (the page names a feed robots.txt disallows; a sitemap at the
common path; Guardian-style ``/2024/mar/02/`` dates) and ``hostile`` (see ``hostile_routes``).
Every site also has the pages a pattern must not take: home, sections, pagination, tag,
author and about pages.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape

SECTIONS = ("news", "world", "business")
WORDS = [
    "harbour",
    "council",
    "ferry",
    "budget",
    "inspectors",
    "quay",
    "tide",
    "pilots",
    "dredging",
    "warehouse",
    "lighthouse",
    "fishermen",
    "cargo",
    "crane",
    "berth",
    "tariff",
    "mayor",
    "survey",
    "bridge",
    "storm",
]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Story:
    """One article of a site: its path, title, section, date and author."""

    path: str
    title: str
    section: str
    published: datetime
    author: str


def slug_words(n: int, count: int = 4) -> list[str]:
    return [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(count)]


def story_title(n: int) -> str:
    words = slug_words(n)
    return f"{words[0].title()} {words[1]} and the {words[2]} {words[3]} question, part {n}"


def body_paragraphs(story: Story, n: int) -> list[str]:
    w = slug_words(n, 6)
    return [
        f"The {w[0]} committee met on Tuesday to discuss the {w[1]} plan, story number {n}, "
        f"which residents of the {story.section} district have followed for months.",
        f"Officials said the {w[2]} work would start in spring and that the {w[3]} would stay "
        f"open while crews finish the {w[4]} repairs along the eastern side of the bay.",
        f"Several speakers asked why the {w[5]} costs had grown since the first estimate, and "
        "the chair promised a written answer before the next public meeting in the town hall.",
        f"Report {n} closes with the schedule: consultation in {story.published:%B}, a vote in "
        "the autumn, and construction the following year if the money is found in time.",
    ]


def nav(base: str) -> str:
    sections = " ".join(f'<a href="/{s}/">{s.title()}</a>' for s in SECTIONS)
    return (
        f'<header><nav><a href="/">Home</a> {sections} <a href="/about/">About us</a> '
        '<a href="/tag/harbour-dues/">Harbour dues</a></nav></header>'
    )


def footer() -> str:
    return (
        '<footer><a href="/privacy/">Privacy</a> <a href="/contact/">Contact</a> '
        '<a href="/author/jane-doe/">Jane Doe</a></footer>'
    )


def article_html(base: str, story: Story, n: int) -> bytes:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body_paragraphs(story, n))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(story.title)} | The Harbour Courier</title>"
        f'<link rel="canonical" href="{base}{story.path}">'
        f'<meta name="author" content="{story.author}">'
        f'<meta property="article:published_time" content="{story.published.isoformat()}">'
        f'<meta property="article:section" content="{story.section.title()}">'
        f"</head><body>{nav(base)}<main><article><h1>{escape(story.title)}</h1>"
        f'<p class="byline">By <a href="/author/{story.author.lower().replace(" ", "-")}/">'
        f"{story.author}</a></p>{paragraphs}</article></main>{footer()}</body></html>"
    ).encode()


def listing_html(
    base: str, title: str, links: list[tuple[str, str]], extra_head: str = ""
) -> bytes:
    items = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in links)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"{extra_head}</head><body>{nav(base)}<main><h1>{title}</h1><ul>{items}</ul></main>"
        f"{footer()}</body></html>"
    ).encode()


def furniture_pages(base: str) -> dict[str, Reply]:
    def page(title: str) -> Reply:
        return Reply(body=listing_html(base, title, []))

    return {
        "/about/": page("About us"),
        "/privacy/": page("Privacy"),
        "/contact/": page("Contact"),
        "/tag/harbour-dues/": page("Harbour dues"),
        "/author/jane-doe/": page("Jane Doe"),
        "/author/sam-okafor/": page("Sam Okafor"),
    }


def stories(path_of: Callable[[int, str, datetime], str], count: int = 9) -> list[Story]:
    start = datetime(2024, 3, 2, 8, 0, tzinfo=UTC)
    result = []
    for n in range(1, count + 1):
        section = SECTIONS[n % len(SECTIONS)]
        when = start + timedelta(days=n, hours=n)
        author = "Jane Doe" if n % 2 else "Sam Okafor"
        result.append(Story(path_of(n, section, when), story_title(n), section, when, author))
    return result


def rss(base: str, items: list[Story], *, disallowed_note: str = "") -> bytes:
    entries = "".join(
        f"<item><title>{escape(s.title)}</title><link>{base}{s.path}</link>"
        f"<category>{s.section.title()}</category>"
        f"<pubDate>{format_datetime(s.published)}</pubDate></item>"
        for s in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>The Harbour Courier</title><link>{base}/</link><language>en</language>"
        f"{entries}</channel></rss>"
    ).encode()


def urlset(base: str, items: list[Story], *, news: bool) -> bytes:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    entries = []
    for s in items:
        extra = (
            "<news:news><news:publication><news:name>The Harbour Courier</news:name>"
            "<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{s.published.isoformat()}</news:publication_date>"
            f"<news:title>{escape(s.title)}</news:title></news:news>"
            if news
            else ""
        )
        entries.append(
            f"<url><loc>{base}{s.path}</loc><lastmod>{s.published.date()}</lastmod>{extra}</url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>'
        + "".join(entries)
        + "</urlset>"
    ).encode()


def sections_with_pages(base: str, items: list[Story], per_page: int = 2) -> dict[str, Reply]:
    """Section fronts listing their stories ``per_page`` at a time, ``?page=N`` for the rest."""
    routes: dict[str, Reply] = {}
    for section in SECTIONS:
        mine = [s for s in items if s.section == section]
        pages = [mine[i : i + per_page] for i in range(0, len(mine), per_page)] or [[]]
        for number, chunk in enumerate(pages, 1):
            links = [(s.path, s.title) for s in chunk]
            if number < len(pages):
                links.append((f"/{section}/?page={number + 1}", "Older stories"))
            path = f"/{section}/" if number == 1 else f"/{section}/?page={number}"
            routes[path] = Reply(body=listing_html(base, section.title(), links))
    return routes


ROBOTS_ALLOW = b"User-agent: *\nDisallow: /private/\n"


def feed_only_routes(base: str) -> tuple[dict[str, Reply], list[Story]]:
    items = stories(lambda n, sec, when: f"/{sec}/{when:%Y/%m/%d}/{'-'.join(slug_words(n))}/")
    head = (
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">'
        '<link rel="alternate" type="application/feed+json" title="JSON" href="/feed.json">'
    )
    home_links = [(s.path, s.title) for s in items[:3]]
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "The Harbour Courier",
        "items": [
            {
                "id": s.path,
                "url": base + s.path,
                "title": s.title,
                "date_published": s.published.isoformat(),
            }
            for s in items[:5]
        ],
    }
    routes = {
        "/robots.txt": Reply(content_type="text/plain", body=ROBOTS_ALLOW),
        "/": Reply(body=listing_html(base, "The Harbour Courier", home_links, head)),
        "/rss.xml": Reply(content_type="application/rss+xml", body=rss(base, items)),
        "/feed.json": Reply(
            content_type="application/feed+json", body=json.dumps(json_feed).encode()
        ),
        **sections_with_pages(base, items),
        **furniture_pages(base),
    }
    return routes, items


def news_sitemaps_routes(base: str) -> tuple[dict[str, Reply], list[Story]]:
    items = stories(lambda n, sec, when: f"/{sec}/{48200 + n}", count=10)
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemaps/news-1.xml</loc></sitemap>"
        f"<sitemap><loc>{base}/sitemaps/news-2.xml.gz</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    robots = ROBOTS_ALLOW + f"Sitemap: {base}/sitemap_index.xml\n".encode()
    routes = {
        "/robots.txt": Reply(content_type="text/plain", body=robots),
        "/": Reply(body=listing_html(base, "The Harbour Courier", [(items[0].path, "Top")])),
        "/sitemap_index.xml": Reply(content_type="application/xml", body=index),
        "/sitemaps/news-1.xml": Reply(
            content_type="application/xml", body=urlset(base, items[:5], news=True)
        ),
        "/sitemaps/news-2.xml.gz": Reply(
            content_type="application/gzip",
            body=gzip.compress(urlset(base, items[5:], news=True)),
        ),
        **sections_with_pages(base, items),
        **furniture_pages(base),
    }
    return routes, items


def sections_only_routes(base: str) -> tuple[dict[str, Reply], list[Story]]:
    items = stories(lambda n, sec, when: f"/{sec}/{'-'.join(slug_words(n))}-report")
    routes = {
        "/robots.txt": Reply(content_type="text/plain", body=ROBOTS_ALLOW),
        "/": Reply(body=listing_html(base, "The Harbour Courier", [(items[0].path, "Top")])),
        **sections_with_pages(base, items),
        **furniture_pages(base),
    }
    return routes, items


def robots_denies_feed_routes(base: str) -> tuple[dict[str, Reply], list[Story]]:
    items = stories(
        lambda n, sec, when: (
            f"/{sec}/{when:%Y}/{when:%b}/{when:%d}/".lower() + "-".join(slug_words(n))
        )
    )
    head = '<link rel="alternate" type="application/rss+xml" href="/feeds/all.xml">'
    robots = b"User-agent: *\nDisallow: /feeds/\n"
    routes = {
        "/robots.txt": Reply(content_type="text/plain", body=robots),
        "/": Reply(body=listing_html(base, "The Harbour Courier", [(items[0].path, "Top")], head)),
        "/feeds/all.xml": Reply(content_type="application/rss+xml", body=rss(base, items)),
        "/sitemap.xml": Reply(content_type="application/xml", body=urlset(base, items, news=False)),
        **sections_with_pages(base, items),
        **furniture_pages(base),
    }
    return routes, items


BUILDERS: dict[str, Callable[[str], tuple[dict[str, Reply], list[Story]]]] = {
    "feed_only": feed_only_routes,
    "news_sitemaps": news_sitemaps_routes,
    "sections_only": sections_only_routes,
    "robots_denies_feed": robots_denies_feed_routes,
}


@dataclass
class Seen:
    path: str
    status: int


class Site:
    """A site of ``BUILDERS`` (or given routes) on 127.0.0.1, a free port, in a thread."""

    def __init__(
        self, shape: str | None = None, routes: Callable[[str], dict[str, Reply]] | None = None
    ) -> None:
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.routes: dict[str, Reply] = {}
        self.stories: list[Story] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"
        if shape is not None:
            self.routes, self.stories = BUILDERS[shape](self.base)
        elif routes is not None:
            self.routes = routes(self.base)
        for n, story in enumerate(self.stories, 1):
            self.routes.setdefault(story.path, Reply(body=article_html(self.base, story, n)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def article_urls(self) -> set[str]:
        return {self.base + s.path for s in self.stories}

    @property
    def non_article_urls(self) -> set[str]:
        return {self.base + p for p in self.routes if self.base + p not in self.article_urls}

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                reply = site.routes.get(self.path, Reply(404, "text/plain", b"not found"))
                if callable(reply):
                    reply = reply()
                with site.lock:
                    site.requests.append(Seen(self.path, reply.status))
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                headers = dict(reply.headers)
                if "Content-Length" not in headers and "X-No-Length" not in headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                for key, value in reply.headers:
                    if key != "X-No-Length":
                        self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def hostile_routes(base: str) -> dict[str, Reply]:
    """A site that tries everything on a discovering client.

    Feeds that redirect to internal addresses (the Elasticsearch port on loopback, the cloud
    metadata service), a feed declaring XML entities (billion laughs), a redirect loop,
    sitemaps larger than the cap (with and without Content-Length) and a gzip bomb, and sixty
    section links to spend any request budget.
    """
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        f'<rss version="2.0"><channel><title>&c;</title><item><title>&c;</title>'
        f"<link>{base}/news/2024/01/01/one-two-three/</link></item></channel></rss>"
    ).encode()
    head = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="{href}">'
        for href in ("/feed.xml", "/moved-feed", "/metadata-feed", "/loop/0")
    )
    sections = [(f"/s{n}/", f"Section {n}") for n in range(60)]
    huge = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    huge += b"<url><loc>" + base.encode() + b"/news/2024/01/01/x-y-z/</loc></url>" * 40_000
    robots = (
        "User-agent: *\nAllow: /\n"
        f"Sitemap: {base}/huge-sitemap.xml\nSitemap: {base}/streamed-sitemap.xml\n"
        f"Sitemap: {base}/bomb-sitemap.xml.gz\n"
    ).encode()
    routes = {
        "/robots.txt": Reply(content_type="text/plain", body=robots),
        "/": Reply(body=listing_html(base, "Hostile", sections, head)),
        "/feed.xml": Reply(content_type="application/rss+xml", body=laughs),
        "/moved-feed": Reply(302, headers=(("Location", "http://127.0.0.1:9200/_cat/indices"),)),
        "/metadata-feed": Reply(
            302, headers=(("Location", "http://169.254.169.254/latest/meta-data/"),)
        ),
        "/huge-sitemap.xml": Reply(content_type="application/xml", body=huge),
        "/streamed-sitemap.xml": Reply(
            content_type="application/xml", body=huge, headers=(("X-No-Length", "1"),)
        ),
        "/bomb-sitemap.xml.gz": Reply(
            content_type="application/gzip", body=gzip.compress(b"<" + b"0" * (64 << 20))
        ),
    }
    for n in range(20):
        routes[f"/loop/{n}"] = Reply(302, headers=(("Location", f"/loop/{n + 1}"),))
    for href, title in sections:
        routes[href] = Reply(body=listing_html(base, title, [(f"{href}?page=2", "More")]))
    return routes
