"""Two more fictional outlets that republish the seed op-ed, for near-duplicate tests and demos.

Syndication is how one op-ed ends up in several papers: the text is the same, the page around it
is not (other markup, other boilerplate, an editor's note, a trimmed sign-off, a new headline).
Each outlet is served by its own small loopback server (:class:`OutletSite`) so that crawls and
tests see distinct sites. Alongside the copies, one outlet runs a *different* op-ed on the same
topic (Iraq, inspections, Russia and the United States), which must not be taken for a copy, and
one runs a column whose text contains literal HTML (``<script>``), which a results page must show
as text and never execute.

All writing here is invented for the fixture, except the seed op-ed's paragraphs, which come from
``content_opinion.SEED_PARAGRAPHS``.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from pipeline.local.fixture_site.content_opinion import SEED_PARAGRAPHS, SEED_TITLE
from pipeline.local.fixture_site.model import paragraphs


@dataclass(frozen=True)
class OutletArticle:
    path: str
    title: str
    description: str
    authors: tuple[str, ...]
    published: datetime
    paragraphs: tuple[str, ...]
    section: str = "Opinion"
    note: str = ""  # an editor's note shown above the body (boilerplate, not the article)


@dataclass(frozen=True)
class Outlet:
    source: str  # the source name used when indexing it
    name: str  # the masthead
    style: str  # "courier" | "tribune": two unrelated page layouts
    articles: tuple[OutletArticle, ...]


_t = datetime.fromisoformat

# The Bay Courier runs the op-ed a day later under its own headline, with an editor's note and
# the sign-off rewritten for its readers.
BAY_COURIER = Outlet(
    source="bay_courier",
    name="The Bay Courier",
    style="courier",
    articles=(
        OutletArticle(
            path="/commentary/2016/07/28/ivanov-russia-peace-partnership.html",
            title="Ivanov: Russia Seeks Peace and Partnership on Iraq",
            description="Russia's foreign minister on inspections and cooperation with Washington.",
            authors=("Igor Ivanov",),
            published=_t("2016-07-28T09:00:00-04:00"),
            paragraphs=(
                *SEED_PARAGRAPHS[:-1],
                "Igor Ivanov is Russia's foreign minister. This commentary first appeared in The "
                "Washington Post.",
            ),
            note="Syndicated commentary. The views expressed are the author's own.",
        ),
        OutletArticle(
            path="/technology/2016/08/02/one-script-tag-took-down-the-county-site.html",
            title="How One <script> Tag Took Down the County's Website",
            description="A pasted snippet, an unescaped form and a lesson about trusting input.",
            authors=("Dana Whitfield",),
            published=_t("2016-08-02T07:30:00-04:00"),
            section="Technology",
            paragraphs=paragraphs(
                """
                The county's property-tax lookup went dark for most of Tuesday after someone
                typed <script>alert('owned')</script> into the comments box of its feedback
                form, and the site dutifully printed it back to every visitor.

                Nobody's records were touched, the county says. But the episode shows how old the
                site's code is: any page that takes text from the public must escape it, turning
                the angle brackets of <b>bold</b> or <iframe src=x> into harmless characters.

                The county's technology office has promised a review of every form by the end of
                the month, and a bug bounty for residents who find the next one first.
                """
            ),
        ),
    ),
)

# The Northern Tribune keeps the Ledger's headline, drops the sign-off altogether and adds its
# own. It also runs a different op-ed on the same topic, which is not a copy.
NORTHERN_TRIBUNE = Outlet(
    source="northern_tribune",
    name="Northern Tribune",
    style="tribune",
    articles=(
        OutletArticle(
            path="/opinion/russias-pursuit-of-peace-and-partnership-20160729",
            title=SEED_TITLE,
            description="A guest column by Russia's foreign minister.",
            authors=("Igor Ivanov",),
            published=_t("2016-07-29T06:00:00-04:00"),
            paragraphs=SEED_PARAGRAPHS[:-1],
        ),
        OutletArticle(
            path="/opinion/inspections-will-not-disarm-baghdad-by-themselves-20160731",
            title="Inspections Will Not Disarm Baghdad by Themselves",
            description="Why the return of the inspectors is a beginning, not an answer.",
            authors=("Margaret Ellery",),
            published=_t("2016-07-31T06:00:00-04:00"),
            paragraphs=paragraphs(
                """
                Moscow and Washington both say they want the inspectors back in Iraq, and both
                point to Resolution 1441 as proof that the Security Council can still act
                together. That agreement is real, but it hides a disagreement about what the
                inspectors are for.

                For Russia, inspections are the process: as long as the teams can visit sites and
                file reports, disarmament is under way and patience is the policy. For the United
                States, inspections are a test that Iraq is expected to fail, and the teams are a
                clock that is running down.

                Neither view takes the inspectors seriously as people with a job to do. A team of
                a few dozen cannot search a country the size of California; it depends on Iraq
                telling it where to look, and on the great powers agreeing about what happens when
                Iraq does not.

                That is the conversation the two presidents have not yet had on their phone
                calls. Before the Council meets again, it should decide in advance what a failed
                inspection would mean, so that the next crisis is not also a quarrel between
                partners.

                Margaret Ellery writes about arms control for the Tribune.
                """
            ),
        ),
    ),
)

OUTLETS: tuple[Outlet, ...] = (BAY_COURIER, NORTHERN_TRIBUNE)


def render(outlet: Outlet, article: OutletArticle) -> str:
    """The article page in the outlet's own layout, with its own boilerplate around the text."""
    esc = html.escape
    body = "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    authors = ", ".join(esc(a) for a in article.authors)
    stamp = article.published.isoformat()
    head = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(article.title)} | {esc(outlet.name)}</title>"
        f'<meta name="description" content="{esc(article.description)}">'
        f'<meta name="author" content="{authors}">'
        f'<meta property="article:published_time" content="{stamp}">'
        f'<meta property="article:section" content="{esc(article.section)}">'
        f'<meta property="og:title" content="{esc(article.title)}"></head>'
    )
    if outlet.style == "courier":
        note = f'<p class="editors-note"><em>{esc(article.note)}</em></p>' if article.note else ""
        return (
            f'{head}<body><div id="masthead"><a href="/">{esc(outlet.name)}</a>'
            '<ul class="nav"><li><a href="/">Home</a></li><li>Commentary</li></ul></div>'
            f'<div class="wrap"><div class="kicker">{esc(article.section)}</div>'
            f'<h1 class="headline">{esc(article.title)}</h1>'
            f'<div class="byline">By {authors} · <time datetime="{stamp}">'
            f"{article.published:%B %d, %Y}</time></div>{note}"
            f'<div class="story-text">{body}</div>'
            '<div class="share">Share this: Facebook · Twitter · Email</div>'
            '<div class="subscribe">Subscribe to the Courier for $1 a week.</div></div>'
            '<div id="footer">© The Bay Courier. All rights reserved.</div></body></html>'
        )
    return (
        f'{head}<body><header class="site"><span class="logo">{esc(outlet.name)}</span>'
        '<nav><a href="/">Front</a> <a href="/opinion/">Opinion</a></nav></header>'
        f"<main><article><header><h1>{esc(article.title)}</h1>"
        f'<p class="dek">{esc(article.description)}</p>'
        f'<address>{authors}</address><time datetime="{stamp}">{article.published:%d.%m.%Y}'
        f'</time></header><section class="article-body" itemprop="articleBody">{body}'
        '</section><aside class="newsletter">Get the Tribune\'s opinion newsletter every '
        "Friday.</aside></article></main><footer>Northern Tribune Media Group</footer>"
        "</body></html>"
    )


def home(outlet: Outlet) -> str:
    links = "".join(
        f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in outlet.articles
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{html.escape(outlet.name)}</title></head><body><h1>{html.escape(outlet.name)}</h1>"
        f"<ul>{links}</ul></body></html>"
    )


class OutletSite:
    """One outlet served over HTTP on loopback (``port=0`` picks a free port)."""

    def __init__(self, outlet: Outlet, host: str = "127.0.0.1", port: int = 0) -> None:
        self.outlet = outlet
        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("OutletSite is not started")
        return f"http://{self._host}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def pages(self) -> dict[str, bytes]:
        pages = {"/": home(self.outlet).encode()}
        for article in self.outlet.articles:
            pages[article.path] = render(self.outlet, article).encode()
        return pages

    def start(self) -> OutletSite:
        pages = self.pages()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                page = pages.get(self.path.split("?", 1)[0])
                if self.path == "/robots.txt":
                    status, ctype, body = 200, "text/plain", b"User-agent: *\nAllow: /\n"
                elif page is None:
                    status, ctype, body = 404, "text/plain", b"Not Found\n"
                else:
                    status, ctype, body = 200, "text/html; charset=utf-8", page
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer((self._host, self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> OutletSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
