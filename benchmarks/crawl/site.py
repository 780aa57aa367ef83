"""A generated news site of N articles on loopback, for the crawl benchmark.

Why its own server rather than ``pipeline.local.fixture_site``: that site is a hand-made catalog
of 31 articles with traps for the tests; a throughput figure needs thousands of ordinary pages. Text
comes from the search benchmark's corpus (topic sentences, 150-450 words, bylines, dates,
sections, ~4% syndicated copies); each page wraps it in the chrome a real outlet serves (head
metadata, navigation, share bar, related links, newsletter box, comments, footer) so the
extractor has boilerplate to remove. Pages are rendered on demand from the seeded corpus (kept
as compact tuples, not HTML), so 16x sizes do not hold gigabytes of markup.

Real pages (``--real DIR[,DIR...] --copies K``): instead of generated articles the site serves
every ``*.html`` file under ``DIR/pages`` (the shared evaluation sets: real outlets' article
pages, ~245 KB each with their full chrome, hundreds of links, inline scripts), each under K
article URLs so a crawl can reach thousands. Files are read from disk when requested (the OS
keeps them cached), never copied into the repository; the feed, sitemaps and section pages list
them like any other article.

Discovery: ``/robots.txt`` -> ``/sitemap.xml`` (index) -> ``/sitemaps/<k>.xml`` (1,000 URLs
each); ``/feed.xml`` (RSS, newest 100); section pages ``/<section>/?page=<k>`` (50 teasers).
The server runs in its own process so its CPU does not share the benchmark driver's GIL.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))

from corpus import articles  # type: ignore[import-not-found]

PER_SITEMAP = 1000
PER_SECTION_PAGE = 50
NAV = ["world", "politics", "business", "science", "sport", "culture", "opinion", "city", "health"]

Row = tuple[
    str, str, str, tuple[str, ...], datetime, str
]  # path, title, body, authors, date, section; for a real page, body is the file's path
REAL_SECTIONS = ("world", "politics", "business")


def build(count: int) -> list[Row]:
    """The site's articles, as the paths and fields a page is rendered from."""
    rows: list[Row] = []
    for n, a in enumerate(articles(count)):
        when = a.published_at or datetime(2020, 1, 1)
        path = f"/{a.section}/{when:%Y/%m/%d}/story-{n}"
        rows.append((path, a.title, a.body, tuple(a.authors), when, a.section or "world"))
    return rows


def build_real(dirs: list[Path], copies: int) -> list[Row]:
    """Rows for real saved pages: each file of ``dirs/*/pages`` under ``copies`` article URLs.

    The row's "body" is the file's path: the page is served as saved, read when requested.
    """
    files = sorted(f for d in dirs for f in (d / "pages").glob("*.html"))
    if not files:
        raise SystemExit(f"no pages/*.html under {', '.join(map(str, dirs))}")
    rows: list[Row] = []
    for copy in range(copies):
        for k, file in enumerate(files):
            n = copy * len(files) + k
            when = datetime(2026, 1, 1 + n % 28, n % 24)
            section = REAL_SECTIONS[n % len(REAL_SECTIONS)]
            path = f"/{section}/{when:%Y/%m/%d}/story-{n}"
            rows.append((path, file.stem, str(file), (), when, section))
    return rows


def _chrome_top(title: str) -> str:
    nav = "".join(f'<li><a href="/{s}/">{s.title()}</a></li>' for s in NAV)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)} | The Bench Courier</title>"
        '<link rel="stylesheet" href="/static/site.css"><script src="/static/app.js"></script>'
        "</head><body><header class=masthead><a href=/ class=logo>The Bench Courier</a>"
        f"<nav class=main-nav><ul>{nav}</ul></nav>"
        '<form class=search action="/search"><input name=q></form></header>'
    )


# What real outlets ship around an article: an inline consent/analytics bootstrap and a large
# footer index (pages end up ~25 KB, in the range of real article pages without images).
TRACKING = (
    "<script>window.__CFG="
    + "{"
    + ",".join(f'"k{i}":"{i:08x}{i * 7:08x}"' for i in range(600))
    + "}</script>"
)
MEGA_FOOTER = (
    "<nav class=sitemap-footer><ul>"
    + "".join(
        f'<li><a href="/{NAV[i % len(NAV)]}/">{NAV[i % len(NAV)].title()} topic {i}</a></li>'
        for i in range(120)
    )
    + "</ul></nav>"
)

CHROME_BOTTOM = (
    TRACKING
    + MEGA_FOOTER
    + (
        "<aside class=newsletter><h3>Sign up for our newsletter</h3><p>Get the day's top stories "
        "in your inbox every morning.</p><form><input name=email><button>Subscribe</button></form>"
        "</aside><footer><ul><li><a href=/about>About us</a></li>"
        "<li><a href=/contact>Contact</a></li>"
        "<li><a href=/privacy>Privacy policy</a></li><li><a href=/terms>Terms of use</a></li></ul>"
        "<p>&copy; 2026 The Bench Courier. All rights reserved.</p></footer></body></html>"
    )
)


def article_page(rows: list[Row], i: int, base: str) -> bytes:
    """One article page with its surrounding chrome."""
    path, title, body, authors, when, section = rows[i]
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
    related = "".join(
        f'<li><a href="{rows[j][0]}">{html.escape(rows[j][1])}</a></li>'
        for j in ((i * 7 + k * 131) % len(rows) for k in range(1, 5))
    )
    byline = " and ".join(html.escape(a) for a in authors)
    head_meta = (
        f'<link rel=canonical href="{base}{path}">'
        f'<meta property="og:title" content="{html.escape(title)}">'
        f'<meta property="article:published_time" content="{when.isoformat()}">'
        f'<meta name=author content="{byline}">'
    )
    comments = "".join(
        f"<li class=comment><b>reader{(i + k) % 97}</b> Interesting piece, thanks.</li>"
        for k in range(3)
    )
    page = (
        _chrome_top(title).replace("</head>", head_meta + "</head>")
        + f'<main><article><p class=kicker><a href="/{section}/">{section.title()}</a></p>'
        f"<h1>{html.escape(title)}</h1><p class=byline>By {byline} | "
        f'<time datetime="{when.isoformat()}">{when:%d %B %Y}</time></p>'
        '<div class=share><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>'
        f"<div class=article-body>{paras}</div></article>"
        f"<section class=related><h2>Related stories</h2><ul>{related}</ul></section>"
        f"<section class=comments><h2>Comments</h2><ul>{comments}</ul></section></main>"
        + CHROME_BOTTOM
    )
    return page.encode()


def section_page(rows: list[Row], section: str, page: int) -> bytes | None:
    """Page ``page`` of a section's teaser list, newest first, with a next link."""
    listed = [i for i in range(len(rows) - 1, -1, -1) if rows[i][5] == section]
    chunk = listed[page * PER_SECTION_PAGE : (page + 1) * PER_SECTION_PAGE]
    if not chunk and page:
        return None
    items = "".join(f'<li><a href="{rows[i][0]}">{html.escape(rows[i][1])}</a></li>' for i in chunk)
    more = ""
    if (page + 1) * PER_SECTION_PAGE < len(listed):
        more = f'<a rel=next href="/{section}/?page={page + 1}">Older stories</a>'
    return (
        _chrome_top(section.title())
        + f"<main><ul class=teasers>{items}</ul>{more}</main>"
        + CHROME_BOTTOM
    ).encode()


def sitemap_index(rows: list[Row], base: str) -> bytes:
    n = (len(rows) + PER_SITEMAP - 1) // PER_SITEMAP
    parts = "".join(f"<sitemap><loc>{base}/sitemaps/{k}.xml</loc></sitemap>" for k in range(n))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{parts}</sitemapindex>'
    ).encode()


def child_sitemap(rows: list[Row], base: str, k: int) -> bytes | None:
    chunk = rows[k * PER_SITEMAP : (k + 1) * PER_SITEMAP]
    if not chunk:
        return None
    urls = "".join(
        f"<url><loc>{base}{r[0]}</loc><lastmod>{r[4]:%Y-%m-%d}</lastmod></url>" for r in chunk
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def feed(rows: list[Row], base: str) -> bytes:
    items = "".join(
        f"<item><title>{html.escape(r[1])}</title><link>{base}{r[0]}</link>"
        f"<pubDate>{r[4]:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        for r in rows[-100:][::-1]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>The Bench Courier</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def serve(rows: list[Row], port_file: Path, *, real: bool = False) -> None:
    """Serve the site until killed; write ``http://127.0.0.1:<port>`` to ``port_file`` when up.

    ``/__served`` reports what was fetched since the last ``?reset=1``: article and other
    pages, and the wall-clock times (``time.time()``) of the first request and of the last
    article served, from which the benchmark reads a crawl's start-up time.
    """
    by_path = {r[0]: i for i, r in enumerate(rows)}
    # what the crawlers fetched: the benchmark's page count
    served: dict[str, float] = {"articles": 0, "other": 0, "first_request_at": 0.0}
    served["on_site"] = len(rows)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            base = f"http://{self.headers.get('Host', '127.0.0.1')}"
            url = urlsplit(self.path)
            body: bytes | None = None
            if url.path != "/__served" and not served["first_request_at"]:
                served["first_request_at"] = time.time()
            ctype = "text/html; charset=utf-8"
            if url.path == "/__served":
                body, ctype = json.dumps(served).encode(), "application/json"
                if "reset" in url.query:
                    served.update(articles=0, other=0, first_request_at=0.0)
            elif url.path in by_path:
                if real:
                    body = Path(rows[by_path[url.path]][2]).read_bytes()
                    ctype = "text/html"  # as saved: the page's own <meta charset> decides
                else:
                    body = article_page(rows, by_path[url.path], base)
                with lock:
                    served["articles"] += 1
                    served["last_article_at"] = time.time()
            elif url.path == "/robots.txt":
                body, ctype = (
                    f"User-agent: *\nDisallow: /search\nSitemap: {base}/sitemap.xml\n".encode(),
                    "text/plain",
                )
            elif url.path == "/sitemap.xml":
                body, ctype = sitemap_index(rows, base), "application/xml"
            elif url.path.startswith("/sitemaps/") and url.path.endswith(".xml"):
                body, ctype = child_sitemap(rows, base, int(url.path[10:-4])), "application/xml"
            elif url.path == "/feed.xml":
                body, ctype = feed(rows, base), "application/rss+xml"
            elif url.path.strip("/") in NAV:
                page = int(parse_qs(url.query).get("page", ["0"])[0])
                body = section_page(rows, url.path.strip("/"), page)
            if url.path != "/__served" and url.path not in by_path:
                with lock:
                    served["other"] += 1
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_file.write_text(f"http://127.0.0.1:{server.server_address[1]}")
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="the crawl benchmark's site")
    parser.add_argument("articles", type=int, help="generated articles (ignored with --real)")
    parser.add_argument("port_file", type=Path)
    parser.add_argument("--real", default="", help="comma-separated dirs holding pages/*.html")
    parser.add_argument("--copies", type=int, default=1, help="article URLs per real page")
    args = parser.parse_args()
    if args.real:
        dirs = [Path(d) for d in args.real.split(",") if d]
        serve(build_real(dirs, args.copies), args.port_file, real=True)
    else:
        serve(build(args.articles), args.port_file)


if __name__ == "__main__":
    main()
