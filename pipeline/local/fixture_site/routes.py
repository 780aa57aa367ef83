"""Every URL of the fixture site rendered once into bytes, and the rules that map requests to them.

A ``SiteBuild`` is made per base URL (absolute URLs differ by host and port) and is immutable
afterwards, so the threaded server can share it without locks. Requests are matched on the path
plus the few query parameters the site understands (``page`` on section pages, ``print`` on
articles); tracking and unknown parameters are ignored, as on most real news sites.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from pipeline.local.fixture_site import assets, catalog, feeds, render

HTML = "text/html; charset=utf-8"

# When nothing better is known (home page, static files): the day the fixture was "published".
SITE_BUILT = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)

_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "ref"})


@dataclass(frozen=True, slots=True)
class Resource:
    """A complete response: status, type, body and validators. Bodies of 301/404 are HTML."""

    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    location: str | None = None
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(self.body).hexdigest()[:24]
        object.__setattr__(self, "etag", f'"{digest}"')


def _html(text: str, last_modified: datetime | None = None, encoding: str = "utf-8") -> Resource:
    content_type = f"text/html; charset={encoding}"
    return Resource(200, content_type, text.encode(encoding), last_modified or SITE_BUILT)


class SiteBuild:
    """All resources of the site for one base URL, e.g. ``http://127.0.0.1:8765``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.routes: dict[str, Resource] = {}
        self._build()

    def _add(self, key: str, resource: Resource) -> None:
        if key in self.routes:
            raise ValueError(f"fixture site defines {key} twice")
        self.routes[key] = resource

    def _build(self) -> None:
        base = self.base_url
        self._add("/", _html(render.home_page(base)))
        for section in catalog.SECTIONS:
            pages = catalog.section_pages(section)
            for number, entries in enumerate(pages, start=1):
                newest = max((t.published for t in entries), default=SITE_BUILT)
                self._add(
                    catalog.section_page_path(section, number),
                    _html(render.section_page(section, number, base), newest),
                )
        for article in (*catalog.ARTICLES, catalog.PRIVATE_DRAFT):
            modified = article.last_modified
            page = render.article_page(article, base)
            self._add(article.path, _html(page, modified, article.encoding))
            printed = render.print_page(article, base)
            self._add(f"{article.path}?print=1", _html(printed, modified, article.encoding))
            if article.amp:
                self._add(f"{article.path}amp/", _html(render.amp_page(article, base), modified))
        self._add("/about/", _html(render.about_page(base)))
        self._add("/privacy/", _html(render.privacy_page(base)))
        self._add("/newsletter/", _html(render.newsletter_page(base)))
        self._add("/newsletter/?subscribed=1", _html(render.newsletter_page(base, subscribed=True)))
        self._add(catalog.PRIVATE_INDEX_PATH, _html(render.private_index_page(base)))
        self._add_machine_files()

    def _add_machine_files(self) -> None:
        base = self.base_url
        feed_time = feeds.newest(catalog.feed_articles())
        self._add(
            "/rss.xml",
            Resource(200, "application/rss+xml; charset=utf-8", feeds.rss(base), feed_time),
        )
        self._add(
            "/atom.xml",
            Resource(200, "application/atom+xml; charset=utf-8", feeds.atom(base), feed_time),
        )
        self._add(
            "/robots.txt",
            Resource(200, "text/plain; charset=utf-8", feeds.robots_txt(base), SITE_BUILT),
        )
        self._add(
            feeds.SITEMAP_INDEX_PATH,
            Resource(200, "application/xml; charset=utf-8", feeds.sitemap_index(base), SITE_BUILT),
        )
        for path in catalog.SITEMAP_SECTIONS:
            content_type = (
                "application/x-gzip" if path.endswith(".gz") else "application/xml; charset=utf-8"
            )
            modified = feeds.newest(catalog.sitemap_articles(path))
            self._add(path, Resource(200, content_type, feeds.child_sitemap(base, path), modified))
        statics: dict[str, tuple[str, bytes]] = {
            "/static/site.css": ("text/css; charset=utf-8", assets.STYLESHEET.encode()),
            "/static/site.js": ("text/javascript; charset=utf-8", assets.SCRIPT.encode()),
            "/static/logo.svg": ("image/svg+xml", assets.LOGO_SVG.encode()),
        }
        statics.update(dict.fromkeys(catalog.image_paths(), ("image/gif", assets.PIXEL_GIF)))
        for path, (content_type, body) in statics.items():
            self._add(path, Resource(200, content_type, body, SITE_BUILT))
        files: dict[str, Callable[[], bytes]] = {
            "/opinion/2024/05/02/budget-tables.pdf": assets.budget_tables_pdf,
            "/news/2024/03/14/crane-inspection-schedule.csv": assets.CRANE_SCHEDULE_CSV.encode,
        }
        for path, content_type in catalog.attachments():
            self._add(path, Resource(200, content_type, files[path](), SITE_BUILT))

    # ------------------------------------------------------------------ request matching

    def resolve(self, target: str) -> Resource:
        """The response for a request target (path and query), redirects and 404s included."""
        parts = urlsplit(target)
        path = parts.path or "/"
        params = [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not name.startswith(_TRACKING_PREFIXES) and name not in _TRACKING_NAMES
        ]
        if path in catalog.REDIRECTS:
            return self._redirect(catalog.REDIRECTS[path])
        key = self._route_key(path, dict(params))
        if key is not None and key in self.routes:
            return self.routes[key]
        if not path.endswith("/") and f"{path}/" in self.routes:
            query = f"?{parts.query}" if parts.query else ""
            return self._redirect(f"{path}/{query}")
        return self._not_found(path)

    def _route_key(self, path: str, params: dict[str, str]) -> str | None:
        if path in {f"/{s}/" for s in catalog.SECTIONS}:
            page = params.get("page", "1")
            if not page.isdigit():
                return None
            return path if int(page) == 1 else f"{path}?page={int(page)}"
        if params.get("print") == "1":
            return f"{path}?print=1"
        if path == "/newsletter/" and params.get("subscribed") == "1":
            return "/newsletter/?subscribed=1"
        return path

    def _redirect(self, location_path: str) -> Resource:
        location = f"{self.base_url}{location_path}"
        return Resource(301, HTML, render.redirect_page(location).encode(), location=location)

    def _not_found(self, path: str) -> Resource:
        return Resource(404, HTML, render.not_found_page(self.base_url, path).encode())

    def html_paths(self) -> list[str]:
        """Route keys of every HTML page (200 responses), for tests that crawl the site."""
        return [key for key, r in self.routes.items() if r.content_type.startswith("text/html")]
