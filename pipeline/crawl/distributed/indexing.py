"""The index pipeline of distributed mode: acknowledges leases after each bulk write.

IndexPipeline buffers articles and writes them in batches; an article is only safe from a killed
worker once its batch is written (or spooled). This subclass tells the lease book so: leases
whose articles were buffered before a flush began are released when that flush ends.
"""

from __future__ import annotations

from pipeline.crawl.distributed.leases import LeaseBook, book_for
from pipeline.crawl.pipelines import IndexPipeline


class LeasedIndexPipeline(IndexPipeline):
    """IndexPipeline + lease acknowledgement after each flush."""

    def _book(self) -> LeaseBook | None:
        return book_for(self.crawler)

    def open_spider(self) -> None:
        super().open_spider()
        book = self._book()
        if book is not None:
            book.flusher = self.flush

    async def flush(self) -> None:
        book = self._book()
        waiting = book.take_awaiting_flush() if book is not None else []
        await super().flush()
        if book is not None:
            book.release_all(waiting)
