"""What a crawled page links to that the crawl should fetch: resolved, filtered, classified.

Why its own module, free of Scrapy: an article page's links are worked out in the extraction
worker (``pipeline.extract.pool``) that already holds the page, so the reactor thread, which
paces the whole crawl, neither parses the page a second time nor walks its hundreds of links
(40% of its busy time on real pages before). The spider uses the same code for the few
section pages it still reads itself, so a link is judged the same wherever it was found.

Resolution is what Scrapy's ``LinkExtractor(tags=("a", "link"), attrs=("href",),
unique=True, deny_extensions=())`` does, cheaper:

* hrefs of ``a`` and ``link`` elements (XHTML-namespaced too), in document order;
* whitespace-stripped, joined to the page's ``<base>``, made safe for the page's encoding,
  joined to the page URL, kept only for http(s)/file/ftp, first occurrence only.

What an href resolves to depends on the page only through its base URL and encoding, so
resolved hrefs are memoised: absolute ones by the href, root-relative ones by the base's
origin (the site chrome repeats these on every page), path-relative ones by the full base.
Memos are bounded (``MEMO_LIMIT`` entries, then they start over), so memory stays flat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

from pipeline.sources import Source
from pipeline.urls import strip_tracking

_XHTML = "{http://www.w3.org/1999/xhtml}"
TAGS = ("a", "link", f"{_XHTML}a", f"{_XHTML}link")
MEMO_LIMIT = 4096
_SCHEMES = frozenset({"http", "https", "file", "ftp"})
# An href whose resolution ignores the base entirely: a scheme and a non-empty host.
_ABSOLUTE = re.compile(r"^https?://[^/]", re.IGNORECASE)

#: What a linked URL is to the crawl: an article to extract, a page to read for links, or
#: nothing to fetch ("").
Kind = Literal["article", "page", ""]
#: A URL to request and what it is.
Outlink = tuple[str, Kind]


class HrefResolver:
    """Resolves hrefs to followable URLs, memoised; one per spider or worker."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str, str, str], str | None] = {}

    def links(self, root: _Element, page: str, base: str, encoding: str) -> Iterator[str]:
        """Absolute URLs of the ``a``/``link`` hrefs under ``root``: first occurrence, in order.

        ``page`` is the page's URL, ``base`` its ``<base href>`` joined to it (or the URL).
        """
        parts = urlsplit(base)
        origin = f"{parts.scheme}://{parts.netloc}"
        seen: set[str] = set()
        for element in root.iter(*TAGS):
            href = element.get("href")
            if href is None:
                continue
            url = self._resolve(href, base, origin, page, encoding)
            if url is not None and url not in seen:
                seen.add(url)
                yield url

    def _resolve(self, href: str, base: str, origin: str, page: str, encoding: str) -> str | None:
        """The memoised resolution of one href (None: not a link to follow)."""
        if _ABSOLUTE.match(href):
            key = ("", "", encoding, href)
        elif href.startswith("/"):
            key = (origin, "", encoding, href)
        else:
            key = (base, page, encoding, href)
        try:
            return self._memo[key]
        except KeyError:
            pass
        url = resolve(href, base, page, encoding)
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = url
        return url


def resolve(href: str, base: str, page: str, encoding: str) -> str | None:
    """One href as ``LinkExtractor`` resolves it, or None where it would drop the link."""
    try:
        url = urljoin(base, strip_html5_whitespace(href))
        url = safe_url_string(url, encoding=encoding)
    except ValueError:
        return None  # a bogus link
    url = urljoin(page, url)
    return url if url.split("://", 1)[0] in _SCHEMES else None


def base_url(root: _Element, page: str) -> str:
    """The page's ``<base href>`` joined to its URL, or the URL (as Scrapy's get_base_url)."""
    for element in root.iter("base", f"{_XHTML}base"):
        href = element.get("href")
        if href:
            return urljoin(page, strip_html5_whitespace(href))
        break
    return page


class LinkRules:
    """A source's judgement of linked URLs: tracking stripped, then article, page or nothing.

    Memoised per URL (a site's pages mostly repeat its chrome's links), bounded like the
    resolver's memo.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self._decisions: dict[str, Outlink] = {}

    def decide(self, link: str) -> Outlink:
        """``link`` without tracking parameters, and what it is for this source."""
        decision = self._decisions.get(link)
        if decision is None:
            decision = self._decide(link)
            if len(self._decisions) >= MEMO_LIMIT:
                self._decisions.clear()
            self._decisions[link] = decision
        return decision

    def to_fetch(self, links: Iterable[str]) -> list[Outlink]:
        """The articles and pages among ``links`` (each once, in order), as requests want them."""
        out: list[Outlink] = []
        seen: set[str] = set()
        for link in links:
            url, kind = self.decide(link)
            if kind and url not in seen:
                seen.add(url)
                out.append((url, kind))
        return out

    def allowed(self, url: str) -> bool:
        """Only http(s) on the source's own domains, and nothing a deny pattern names."""
        if urlsplit(url).scheme not in {"http", "https"}:
            return False
        return self.source.allows(url) and not self.source.is_denied(url)

    def is_article(self, url: str, *, announced: bool = False) -> bool:
        """Feed and sitemap entries are articles unless the source's patterns say otherwise."""
        if not self.source.article_patterns:
            return announced
        return self.source.is_article(url)

    def _decide(self, link: str) -> Outlink:
        url = strip_tracking(link)
        if not self.allowed(url):
            return url, ""
        if self.is_article(url):
            return url, "article"
        return url, "page" if self.source.should_follow(url) else ""


class PageLinks:
    """One source's outlinks of parsed pages: the resolver and the rules, with their memos."""

    def __init__(self, source: Source) -> None:
        self.rules = LinkRules(source)
        self.resolver = HrefResolver()

    def of_tree(self, root: _Element, page: str, encoding: str) -> list[Outlink]:
        """The URLs to fetch that the page rooted at ``root`` links to."""
        return self.rules.to_fetch(self.resolver.links(root, page, base_url(root, page), encoding))


def page_outlinks(
    links: PageLinks, body: bytes, url: str, http_encoding: str | None
) -> list[Outlink]:
    """The outlinks of a page's raw bytes (decoded and parsed as the extractor does).

    The encoding that makes non-ASCII hrefs safe is the HTTP charset, else the page's declared
    one, else UTF-8 (Scrapy's ``response.encoding`` would also sniff the body; for the ASCII
    hrefs of nearly every page the result is the same). A page that is not HTML links nowhere.
    """
    from pipeline.exceptions import ExtractionError
    from pipeline.extract.decode import codec_for_label, declared_charset, decode_html
    from pipeline.extract.parse import parse_document

    encoding = codec_for_label(http_encoding) or codec_for_label(declared_charset(body))
    try:
        root = parse_document(decode_html(body, http_encoding))
    except ExtractionError:
        return []
    return links.of_tree(root, url, encoding or "utf-8")
