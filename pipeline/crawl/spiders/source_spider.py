"""One generic spider, specialised per configured source: feeds, sitemaps and section pages.

Sources are data, not code: ``spider_class_for(source)`` makes a subclass named after the source, so
``scrapy crawl NAME`` and ``newsarchive crawl --source NAME`` run the same thing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, ClassVar

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from pipeline.crawl.outlinks import LinkRules, Outlink
from pipeline.crawl.safety import refusal_reason
from pipeline.crawl.spiders.discovery import Entry, feed_entries, sitemap_content
from pipeline.crawl.spiders.links import LinkResolver
from pipeline.crawl.state.middleware import UnchangedSinceLastSeen
from pipeline.items import FetchFailure, RawArticle
from pipeline.sources import Source
from pipeline.urls import strip_tracking

# A sitemap index's children are fetched one at a time, each behind the articles already queued
# (Scrapy fetches higher priorities first; everything else is 0); see _next_child_sitemap.
CHILD_SITEMAP_PRIORITY = -10
PENDING_CHILDREN_META = "sitemap_children_left"


class SourceSpider(Spider):
    """Crawl one source; subclasses made by ``spider_class_for`` set ``name`` and ``source``."""

    source: ClassVar[Source]

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.feeds:
            yield self._request(url, "feed", self.parse_feed)
        for url in self.source.sitemaps:
            yield self._request(url, "sitemap", self.parse_sitemap)
        for url in self.source.start_urls:
            yield self._request(url, "page", self.parse_page)

    # -- discovery -----------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Any]:
        try:
            entries = feed_entries(response.body, max_items=self._max_items())
        except ValueError as exc:  # too_large and unsafe_xml errors carry their own reason
            reason = getattr(exc, "reason", "bad_feed")
            yield self._failure(response.url, reason, "feed", str(exc))
            return
        self.crawler.stats.inc_value("discovery/feed_entries", len(entries))
        yield from self._article_requests(entries, "feed")

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            content = sitemap_content(
                response.body, max_size=self._max_size(), max_items=self._max_items()
            )
        except ValueError as exc:  # too_large and unsafe_xml errors carry their own reason
            reason = getattr(exc, "reason", "bad_sitemap")
            yield self._failure(response.url, reason, "sitemap", str(exc))
            yield from self._next_child_sitemap(response.meta.get(PENDING_CHILDREN_META, []))
            return
        if content.is_index:
            children = [entry.url for entry in content.entries if self._allowed(entry.url)]
            yield from self._next_child_sitemap(children)
            return
        self.crawler.stats.inc_value("discovery/sitemap_entries", len(content.entries))
        yield from self._article_requests(content.entries, "sitemap")
        yield from self._next_child_sitemap(response.meta.get(PENDING_CHILDREN_META, []))

    def _next_child_sitemap(self, children: list[str]) -> Iterator[Request]:
        """The first of a sitemap index's children, carrying the rest; one child at a time.

        Memory: fetched all at once, an index's children would queue the whole site's article
        requests in the first seconds (16 children of 1,000 URLs in the first wave); chained,
        and waiting behind the articles already queued, the queue holds about one child's worth.
        ``dont_filter``: a child seen elsewhere must not silently end the chain; ``depth_reset``:
        the n-th child is not n links deep (DEPTH_LIMIT would end the chain at the 4th child).
        """
        if not children:
            return
        request = self._request(children[0], "sitemap", self.parse_sitemap)
        request.meta[PENDING_CHILDREN_META] = list(children[1:])
        request.meta["depth_reset"] = True
        yield request.replace(priority=CHILD_SITEMAP_PRIORITY, dont_filter=True)

    def parse_page(self, response: Response) -> Iterator[Any]:
        yield from self._follow_links(response)

    # -- articles ------------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Any]:
        headers = {
            k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        yield RawArticle(
            url=response.url,
            source=self.source.name,
            body=response.body,
            status=response.status,
            headers=headers,
            fetched_at=datetime.now(UTC),
            discovered_via=str(response.meta.get("via", "page")),
            hints=dict(response.meta.get("hints", {})),
            warc=response.meta.get("warc"),
            # Articles link to other articles (related stories, inline links, other formats):
            # following them finds what sections and feeds no longer list. The extraction
            # worker reads the links (the spider does not parse the page); see follow_outlinks.
            follow_links=self.source.follows_article_links and not self._at_depth_limit(response),
            depth=int(response.meta.get("depth", 0)),
        )

    def on_error(self, failure: Failure) -> Iterator[Any]:
        if isinstance(failure.value, UnchangedSinceLastSeen):
            return  # not fetched at all: a feed or sitemap date says nothing changed
        request = failure.request  # type: ignore[attr-defined]
        reason = _failure_reason(failure)
        # After redirects, account for the URL the crawl asked for, not the last hop.
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        detail = failure.getErrorMessage()
        if url != request.url:
            detail = f"at {request.url[:300]}: {detail}"
        yield self._failure(url, reason, str(request.meta.get("kind", "page")), detail)
        # A broken child sitemap must not end the chain of its index's other children.
        yield from self._next_child_sitemap(request.meta.get(PENDING_CHILDREN_META, []))

    # -- helpers -------------------------------------------------------------------------------

    def _follow_links(self, response: Response) -> Iterator[Request]:
        """Requests for the article and section links of an HTML page the spider reads itself.

        Any linked URL may be an article (no extension is denied: a PDF linked like an article
        is fetched, then skipped as not HTML). A page at the depth limit is not read for links:
        the depth middleware would drop every request it made.
        """
        if not isinstance(response, TextResponse) or self._at_depth_limit(response):
            return
        yield from self._outlink_requests(self._rules.to_fetch(self._links.links(response)))

    def follow_outlinks(self, links: list[Outlink], depth: int) -> list[Request]:
        """Requests for the links an extraction worker found on an article page ``depth`` deep.

        They reach the scheduler through the engine, past the spider middlewares, so the depth
        the depth middleware would have set is set here (the page was below the limit).
        """
        requests = list(self._outlink_requests(links))
        for request in requests:
            request.meta["depth"] = depth + 1
        return requests

    def _outlink_requests(self, links: list[Outlink]) -> Iterator[Request]:
        for url, kind in links:
            if kind == "article":
                yield self._request(url, "page", self.parse_article, kind="article")
            elif kind == "page":
                yield self._request(url, "page", self.parse_page)

    def _at_depth_limit(self, response: Response) -> bool:
        limit = self.crawler.settings.getint("DEPTH_LIMIT")
        request = response.request  # None for a response built outside a crawl
        return limit > 0 and request is not None and int(request.meta.get("depth", 0)) >= limit

    @cached_property
    def _links(self) -> LinkResolver:
        return LinkResolver()

    @cached_property
    def _rules(self) -> LinkRules:
        """The source's judgement of linked URLs, memoised (pages repeat the site's chrome)."""
        return LinkRules(self.source)

    def _article_requests(self, entries: list[Entry], via: str) -> Iterator[Request]:
        for entry in entries:
            url = strip_tracking(entry.url)
            if self._allowed(url) and self._is_article(url, announced=True):
                yield self._request(url, via, self.parse_article, kind="article", hints=entry.hints)

    def _request(
        self,
        url: str,
        via: str,
        callback: Any,
        *,
        kind: str | None = None,
        hints: dict[str, str] | None = None,
    ) -> Request:
        meta = {"via": via, "kind": kind or via, "hints": hints or {}}
        return Request(url, callback=callback, errback=self.on_error, meta=meta)

    def _failure(self, url: str, reason: str, kind: str, detail: str = "") -> FetchFailure:
        return FetchFailure(
            url=url, source=self.source.name, reason=reason, kind=kind, detail=detail
        )

    def _allowed(self, url: str) -> bool:
        """Only http(s) on the source's own domains, and nothing a deny pattern names."""
        return self._rules.allowed(url)

    def _is_article(self, url: str, *, announced: bool = False) -> bool:
        """Feed and sitemap entries are articles unless the source's patterns say otherwise."""
        return self._rules.is_article(url, announced=announced)

    def _max_size(self) -> int:
        return int(self.crawler.settings.getint("DOWNLOAD_MAXSIZE") or 10 * 1024 * 1024)

    def _max_items(self) -> int:
        return int(self.crawler.settings.getint("NEWSARCHIVE_MAX_DISCOVERY_ITEMS"))


def _failure_reason(failure: Failure) -> str:
    """A short, stable code for why a request failed, used as the skip reason."""
    error = failure.value
    request = getattr(failure, "request", None)
    url = request.url if request is not None else ""
    refused = refusal_reason(error, url) if error is not None else None
    if refused is not None:  # a safety refusal: ssrf_blocked, too_large, url_too_long, ...
        return refused[0]
    if isinstance(error, HttpError):
        if error.response.status == 304:
            return "not_modified"  # a conditional GET: the page is as we stored it
        return f"http_{error.response.status}"
    if isinstance(error, IgnoreRequest):
        return "robots_denied" if "robots" in str(error).lower() else "ignored"
    if isinstance(error, DNSLookupError):
        return "dns_error"
    if isinstance(error, TimeoutError | TCPTimedOutError):
        return "timeout"
    return type(error).__name__.lower()


def spider_class_for(source: Source) -> type[SourceSpider]:
    """A spider class named after ``source``, as Scrapy's loader and CLI expect."""
    attrs: dict[str, Any] = {
        "name": source.name,
        "source": source,
        "allowed_domains": list(source.allowed_domains),
        "__module__": __name__,
    }
    if source.max_pages:
        attrs["custom_settings"] = {"CLOSESPIDER_PAGECOUNT": source.max_pages}
    return type(f"SourceSpider_{source.name.replace('-', '_')}", (SourceSpider,), attrs)
