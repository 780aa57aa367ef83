"""The links a crawled HTML page offers, as Scrapy's ``LinkExtractor`` finds them, cheaper.

The spider used ``LinkExtractor(tags=("a", "link"), attrs=("href",), unique=True,
deny_extensions=())`` on every page: about 9 ms a page over ~140 links, most of it per-link
work whose result the spider then threw away (the link text, ``rel=nofollow``, a second
``urlparse``) or recomputed for links every page repeats (navigation, footer). This module
yields the same URLs in the same order:

* hrefs of ``a`` and ``link`` elements (XHTML-namespaced too), in document order;
* whitespace-stripped, joined to the page's ``<base>``, made safe for the page's encoding,
  joined to the page URL, kept only for http(s)/file/ftp, first occurrence only;

and skips the rest. What an href resolves to depends on the page only through its base URL and
encoding, so resolved hrefs are memoised: absolute ones by the href, root-relative ones by the
base's origin (the site chrome repeats these on every page), path-relative ones by the full
base. The memo is bounded (``MEMO_LIMIT`` entries, then it starts over), so memory stays flat
over a long crawl.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

_XHTML = "{http://www.w3.org/1999/xhtml}"
TAGS = ("a", "link", f"{_XHTML}a", f"{_XHTML}link")
MEMO_LIMIT = 4096
_SCHEMES = frozenset({"http", "https", "file", "ftp"})
# An href whose resolution ignores the base entirely: a scheme and a non-empty host.
_ABSOLUTE = re.compile(r"^https?://[^/]", re.IGNORECASE)


class LinkResolver:
    """Resolves the hrefs of pages to followable URLs; one per spider (it keeps the memo)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str, str, str], str | None] = {}

    def links(self, response: TextResponse) -> Iterator[str]:
        """Absolute URLs of the page's ``a``/``link`` hrefs, first occurrence, document order."""
        base = get_base_url(response)
        page = response.url
        encoding = response.encoding
        parts = urlsplit(base)
        origin = f"{parts.scheme}://{parts.netloc}"
        seen: set[str] = set()
        for element in response.selector.root.iter(*TAGS):
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
