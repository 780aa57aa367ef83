"""The links of a response the spider reads itself (section pages), as ``LinkExtractor`` finds them.

The resolution and the source's judgement of each link live in ``pipeline.crawl.outlinks``,
which the extraction workers use for article pages; this adapter only takes the tree, base URL
and encoding from a Scrapy response, so a link is treated the same wherever it was read.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from pipeline.crawl.outlinks import MEMO_LIMIT, HrefResolver

__all__ = ["MEMO_LIMIT", "LinkResolver"]


class LinkResolver:
    """Resolves the hrefs of responses to followable URLs; one per spider (it keeps the memo)."""

    def __init__(self) -> None:
        self._hrefs = HrefResolver()

    def links(self, response: TextResponse) -> Iterator[str]:
        """Absolute URLs of the page's ``a``/``link`` hrefs, first occurrence, document order."""
        return self._hrefs.links(
            response.selector.root, response.url, get_base_url(response), response.encoding
        )
