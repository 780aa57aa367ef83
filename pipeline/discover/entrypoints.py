"""Where a site announces its articles: feed and sitemap candidates in a page and robots.txt,
the common paths worth one request each, and what a fetched candidate turns out to be.

A candidate is only a URL; it becomes an entry point when its body parses as a feed (RSS,
Atom, JSON Feed) or a sitemap (``urlset`` or ``sitemapindex``), judged by the body, never by
the URL or the Content-Type (both lie often enough).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

__all__ = [
    "COMMON_FEED_PATHS",
    "COMMON_SITEMAP_PATHS",
    "PageLinks",
    "body_kind",
    "page_links",
]

# Probed, in this order, only when the page and robots.txt name no feed (or no sitemap); the
# first that parses wins. The paths of the common CMSs (WordPress, Ghost, Hugo, Drupal...).
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
    }
)
_FEED_HREF = re.compile(
    r"(?:^|/)(?:rss|feeds?|atom)(?:/|\.xml|\.json|$)|\.(?:rss|atom)$|(?:rss|feed|atom)\.(?:xml|json)$",
    re.IGNORECASE,
)
_SITEMAP_HREF = re.compile(r"sitemap[^/]*\.xml(?:\.gz)?$", re.IGNORECASE)
_ROOT = re.compile(rb"<\s*(rss|feed|rdf:rdf|urlset|sitemapindex)\b", re.IGNORECASE)


@dataclass
class PageLinks:
    """What one HTML page offers: its links, and the feeds and sitemaps it names (and how)."""

    links: list[str] = field(default_factory=list)
    feeds: dict[str, str] = field(default_factory=dict)  # url -> how it was found
    sitemaps: dict[str, str] = field(default_factory=dict)


def page_links(html: bytes, url: str) -> PageLinks:
    """Links of ``html`` (absolute, fragment-less, first occurrence) and its feed candidates."""
    found = PageLinks()
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return found
    base = url
    for element in root.iter("base"):
        href = element.get("href")
        if href:
            base = urljoin(url, href.strip())
            break
    seen: set[str] = set()
    for element in root.iter("a", "link"):
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        absolute = urljoin(base, href).split("#", 1)[0]
        if urlsplit(absolute).scheme not in {"http", "https"}:
            continue
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").lower().split(";")[0].strip()
        if element.tag == "link":
            if "alternate" in rel and kind in _FEED_TYPES:
                found.feeds.setdefault(absolute, f'<link rel="alternate" type="{kind}">')
            elif "sitemap" in rel:
                found.sitemaps.setdefault(absolute, '<link rel="sitemap">')
            continue
        path = urlsplit(absolute).path
        text = " ".join(element.text_content().split()).lower()
        if _FEED_HREF.search(path) or text in {"rss", "atom", "feed", "rss feed"}:
            found.feeds.setdefault(absolute, f"a link ({text or path})")
        elif _SITEMAP_HREF.search(path):
            found.sitemaps.setdefault(absolute, f"a link ({text or path})")
        elif absolute not in seen:
            seen.add(absolute)
            found.links.append(absolute)
    return found


def body_kind(body: bytes) -> str:
    """``"feed"``, ``"sitemap"`` or ``""``: what a candidate's body is, from its root element."""
    head = body[:4096]
    if head[:2] == b"\x1f\x8b":
        return "sitemap"  # gzip: only sitemaps are published compressed; parsing will tell
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] == b"{":
        return "feed" if b"jsonfeed.org" in head else ""
    match = _ROOT.search(head)
    if match is None:
        return ""
    name = match.group(1).lower()
    return "sitemap" if name in {b"urlset", b"sitemapindex"} else "feed"
