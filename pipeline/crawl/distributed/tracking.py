"""Counting the work a leased response produces, so its lease ends only when that work is safe.

A spider middleware sees what the callback of a leased response yields: each link and each item
adds a hold on the lease; a link's hold ends when the scheduler has pushed it to Redis (see
DistributedScheduler.enqueue_request), an item's when the item pipelines are done with it (item
signals) or, for an article, when the index pipeline has written it (LeasedIndexPipeline). The
download's own hold ends when the callback has returned everything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, signals
from scrapy.http import Response

from pipeline.crawl.distributed.leases import LEASE_META, PARENT_META, LeaseBook, book_for
from pipeline.items import Article


class LeaseTrackingMiddleware:
    """Spider middleware of distributed mode (inert without a lease book)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        crawler.signals.connect(self._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self._item_done, signal=signals.item_dropped)
        crawler.signals.connect(self._item_done, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeaseTrackingMiddleware:
        return cls(crawler)

    def _book(self) -> LeaseBook | None:
        return book_for(self.crawler)

    def _track(self, book: LeaseBook, lease: bytes, output: Any) -> Any:
        if isinstance(output, Request):
            output.meta[PARENT_META] = lease
            book.hold(lease)
        elif output is not None:
            book.hold(lease)
        return output

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        book, lease = self._book(), response.meta.get(LEASE_META)
        if book is None or lease is None:
            yield from result
            return
        try:
            for output in result:
                yield self._track(book, lease, output)
        finally:
            book.release(lease)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        book, lease = self._book(), response.meta.get(LEASE_META)
        if book is None or lease is None:
            async for output in result:
                yield output
            return
        try:
            async for output in result:
                yield self._track(book, lease, output)
        finally:
            book.release(lease)

    def _item_scraped(self, item: Any, response: Any, spider: Any = None) -> None:
        book, lease = self._book(), _lease_of(response)
        if book is None or lease is None:
            return
        if isinstance(item, Article):
            book.release_after_flush(lease)  # in the index pipeline's buffer until its flush
        else:
            book.release(lease)

    def _item_done(self, item: Any, response: Any, spider: Any = None, **_: Any) -> None:
        book, lease = self._book(), _lease_of(response)
        if book is not None and lease is not None:
            book.release(lease)


def _lease_of(response: Any) -> bytes | None:
    if not isinstance(response, Response):
        return None  # an errback's items: their lease is settled when the worker goes idle
    try:
        lease = response.meta.get(LEASE_META)
    except AttributeError:  # a response without a request
        return None
    return lease if isinstance(lease, bytes) else None
