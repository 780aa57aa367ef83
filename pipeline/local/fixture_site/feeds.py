"""Machine-readable discovery files: RSS, Atom, the sitemap index, its children, robots.txt.

These need absolute URLs, so every function takes the server's ``base`` URL. XML is built with
ElementTree so that escaping and namespaces are right by construction.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import format_datetime

from pipeline.local.fixture_site import catalog
from pipeline.local.fixture_site.model import SITE_NAME, FixtureArticle

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

ET.register_namespace("atom", ATOM_NS)
ET.register_namespace("dc", DC_NS)
ET.register_namespace("news", NEWS_NS)

SITEMAP_INDEX_PATH = "/sitemap.xml"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def newest(articles: list[FixtureArticle]) -> datetime:
    return max(a.last_modified for a in articles)


def rss(base: str, items: list[FixtureArticle] | None = None) -> bytes:
    """RSS 2.0 with RFC 822 dates; two items link with utm_* parameters as real feeds do."""
    items = catalog.feed_articles() if items is None else items
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", SITE_NAME)
    _sub(channel, "link", f"{base}/")
    _sub(channel, "description", "News and opinion from Harbor City and its waterfront.")
    _sub(channel, "language", "en-us")
    _sub(channel, "lastBuildDate", format_datetime(newest(items)))
    _sub(
        channel,
        f"{{{ATOM_NS}}}link",
        href=f"{base}/rss.xml",
        rel="self",
        type="application/rss+xml",
    )
    for a in items:
        item = _sub(channel, "item")
        _sub(item, "title", a.title)
        _sub(item, "link", f"{base}{catalog.feed_link(a)}")
        _sub(item, "guid", f"{base}{a.path}", isPermaLink="true")
        _sub(item, "pubDate", format_datetime(a.published))
        _sub(item, f"{{{DC_NS}}}creator", ", ".join(a.authors))
        _sub(item, "category", a.section_name)
        _sub(item, "description", a.description)
    return _serialize(root)


def atom(base: str, items: list[FixtureArticle] | None = None) -> bytes:
    """Atom 1.0 carrying the same entries as the RSS feed, with published and updated."""
    items = catalog.feed_articles() if items is None else items
    root = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(root, f"{{{ATOM_NS}}}title", SITE_NAME)
    _sub(root, f"{{{ATOM_NS}}}id", f"{base}/")
    _sub(root, f"{{{ATOM_NS}}}updated", newest(items).isoformat())
    _sub(root, f"{{{ATOM_NS}}}link", href=f"{base}/atom.xml", rel="self")
    _sub(root, f"{{{ATOM_NS}}}link", href=f"{base}/", rel="alternate")
    for a in items:
        entry = _sub(root, f"{{{ATOM_NS}}}entry")
        _sub(entry, f"{{{ATOM_NS}}}title", a.title)
        _sub(entry, f"{{{ATOM_NS}}}id", f"{base}{a.path}")
        _sub(entry, f"{{{ATOM_NS}}}link", href=f"{base}{catalog.feed_link(a)}", rel="alternate")
        _sub(entry, f"{{{ATOM_NS}}}published", a.published.isoformat())
        _sub(entry, f"{{{ATOM_NS}}}updated", a.last_modified.isoformat())
        for name in a.authors:
            author = _sub(entry, f"{{{ATOM_NS}}}author")
            _sub(author, f"{{{ATOM_NS}}}name", name)
        _sub(entry, f"{{{ATOM_NS}}}summary", a.description)
    return _serialize(root)


def sitemap_index(base: str, children: dict[str, list[FixtureArticle]] | None = None) -> bytes:
    root = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    for path in catalog.SITEMAP_SECTIONS:
        listed = children[path] if children is not None else catalog.sitemap_articles(path)
        entry = _sub(root, f"{{{SITEMAP_NS}}}sitemap")
        _sub(entry, f"{{{SITEMAP_NS}}}loc", f"{base}{path}")
        _sub(entry, f"{{{SITEMAP_NS}}}lastmod", newest(listed).isoformat())
    return _serialize(root)


def child_sitemap(base: str, path: str, items: list[FixtureArticle] | None = None) -> bytes:
    """A <urlset>; the news one adds Google News tags (publication date and title)."""
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    with_news = path.endswith("news.xml")
    for a in catalog.sitemap_articles(path) if items is None else items:
        url = _sub(root, f"{{{SITEMAP_NS}}}url")
        _sub(url, f"{{{SITEMAP_NS}}}loc", f"{base}{a.path}")
        _sub(url, f"{{{SITEMAP_NS}}}lastmod", a.last_modified.isoformat())
        if with_news:
            news = _sub(url, f"{{{NEWS_NS}}}news")
            publication = _sub(news, f"{{{NEWS_NS}}}publication")
            _sub(publication, f"{{{NEWS_NS}}}name", SITE_NAME)
            _sub(publication, f"{{{NEWS_NS}}}language", a.language)
            _sub(news, f"{{{NEWS_NS}}}publication_date", a.published.isoformat())
            _sub(news, f"{{{NEWS_NS}}}title", a.title)
    data = _serialize(root)
    # mtime=0 keeps the gzip bytes identical from run to run, so ETags are stable too.
    return gzip.compress(data, mtime=0) if path.endswith(".gz") else data


def robots_txt(base: str) -> bytes:
    return (
        f"# robots.txt for {SITE_NAME}\n"
        "User-agent: *\n"
        "Disallow: /private/\n"
        "Disallow: /search\n"
        "\n"
        "User-agent: BadBot\n"
        "Disallow: /\n"
        "\n"
        f"Sitemap: {base}{SITEMAP_INDEX_PATH}\n"
    ).encode()
