"""Scrapy item pipelines, in order: validate -> extract -> dedupe -> index.

Each stage is a few lines that delegate to a subpackage; what it leaves out it raises as ``Skip``
with a reason, which ``pipeline.crawl.ledger`` counts and records.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch.exceptions import ApiError, TransportError
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipeline.boilerplate import BoilerplateStore, SourceLearners
from pipeline.crawl.ledger import STAT_PREFIX, Skip
from pipeline.crawl.outlinks import Outlink, PageLinks, page_outlinks
from pipeline.crawl.spiders.source_spider import SourceSpider
from pipeline.crawl.state.signals import documents_settled
from pipeline.documents import extract_options, make_article
from pipeline.exceptions import ExtractionError
from pipeline.extract import ExtractedPage, ExtractOptions, extract
from pipeline.extract.pool import ExtractPool, Outcome
from pipeline.index import (
    BatchOutcome,
    ClusterSettings,
    DeadLetterFile,
    RetryPolicy,
    ensure_index,
    make_async_client,
    make_client,
    write_batch,
)
from pipeline.index.neardup import Fingerprint, NearDuplicateIndex
from pipeline.index.spool import SPOOL_NAME, SPOOLED, Spool
from pipeline.items import Article, FetchFailure, RawArticle
from pipeline.sources import Source

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class ValidatePipeline:
    """Count every fetched URL once; drop failures, non-HTML and oversized pages by reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_bytes = crawler.settings.getint("NEWSARCHIVE_MAX_ARTICLE_BYTES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        stats = self.crawler.stats
        stats.inc_value(f"{STAT_PREFIX}/fetched")
        if isinstance(item, FetchFailure):
            raise Skip(f"fetch/{item.reason}", item.url, item.detail)
        if not isinstance(item, RawArticle):
            return item
        if item.status != 200:
            raise Skip(f"fetch/http_{item.status}", item.url)
        if not _looks_like_html(item):
            raise Skip("validate/not_html", item.url, item.content_type or "no content type")
        if len(item.body) > self.max_bytes:
            raise Skip("validate/too_large", item.url, f"{len(item.body)} bytes")
        return item


class ExtractPipeline:
    """RawArticle -> Article: BeautifulSoup cleaning and metadata, with the source's own options.

    Also where an article page's links are followed: the worker that parses the page for
    extraction returns them (``pipeline.crawl.outlinks``), and this stage hands the spider's
    requests for them to the engine, so the reactor thread never parses an article page.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # Learned site boilerplate (pipeline/boilerplate/): observed and stripped per source.
        self.data_dir = Path(crawler.settings.get("NEWSARCHIVE_DATA_DIR"))
        self.learn = crawler.settings.getbool("NEWSARCHIVE_LEARN_BOILERPLATE")
        self.store: BoilerplateStore | None = None
        self.learners = SourceLearners(None)
        # extract() in worker processes (pipeline.extract.pool); 0 = inline, in the reactor thread.
        self.workers = crawler.settings.getint("NEWSARCHIVE_EXTRACT_WORKERS")
        self.in_flight = crawler.settings.getint("NEWSARCHIVE_EXTRACT_IN_FLIGHT")
        self.niceness = crawler.settings.getint("NEWSARCHIVE_EXTRACT_NICENESS")
        self.pool: ExtractPool | None = None
        self.page_links: PageLinks | None = None  # the inline (no workers) path's link memo

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.learn:
            self.store = BoilerplateStore(self.data_dir)
            self.learners = SourceLearners(self.store)
        if self.workers > 0:
            self.pool = ExtractPool(self.workers, self.in_flight or 4 * self.workers, self.niceness)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
            self.learners = SourceLearners(None)
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawArticle):
            return item
        if self.pool is not None:
            return self._extract_in_pool(self.pool, item)  # Scrapy awaits the coroutine
        options = self._options(item)
        source = self._links_of(item)
        if source is not None:
            if self.page_links is None or self.page_links.rules.source != source:
                self.page_links = PageLinks(source)
            self._follow(item, page_outlinks(self.page_links, item.body, item.url, None))
        try:
            page = extract(item.body, item.url, options)
        except ExtractionError as exc:
            raise Skip(f"extract/{exc.reason}", item.url, exc.detail) from exc
        return self._finish(item, page)

    async def _extract_in_pool(self, pool: ExtractPool, item: RawArticle) -> Article:
        outcome: Outcome = await pool.process(
            item.body, item.url, self._options(item), self._links_of(item)
        )
        extracted, failure, links = outcome
        self._follow(item, links)
        if failure is not None:
            reason, detail = failure
            raise Skip(f"extract/{reason}", item.url, detail)
        assert extracted is not None  # one of the two is always set
        return self._finish(item, extracted.page, extracted.fingerprint)

    def _links_of(self, item: RawArticle) -> Source | None:
        """The source whose rules judge the page's links, or None when they are not followed."""
        spider = self.crawler.spider
        if not item.follow_links or not isinstance(spider, SourceSpider):
            return None
        return spider.source

    def _follow(self, item: RawArticle, links: list[Outlink]) -> None:
        """Schedule the spider's requests for the links of ``item`` (scheduler dedupes them)."""
        spider = self.crawler.spider
        if not links or not isinstance(spider, SourceSpider):
            return
        for request in spider.follow_outlinks(links, item.depth):
            self.crawler.engine.crawl(request)

    def _finish(
        self, item: RawArticle, page: ExtractedPage, body_print: Fingerprint | None = None
    ) -> Article:
        """The document, with learned boilerplate observed and stripped in this process.

        The learner's SQLite store lives in the crawl process, so observing happens here, not in
        the extraction worker.
        """
        learner = self.learners.get(item.source)
        try:
            return make_article(item, page, learner, observe=True, body_print=body_print)
        except ExtractionError as exc:
            raise Skip(f"extract/{exc.reason}", item.url, exc.detail) from exc

    def _options(self, item: RawArticle) -> ExtractOptions:
        return extract_options(getattr(self.crawler.spider, "source", None), item)


class DedupePipeline:
    """One document per article per run: AMP, print and tracking variants share a canonical id."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            if item.id in self.seen:
                raise Skip("dedupe/duplicate_variant", item.url, item.canonical_url)
            self.seen.add(item.id)
        return item


class IndexPipeline:
    """Batch articles into bulk writes; count created/updated/unchanged; park what is refused.

    A batch is written when it is full (``NEWSARCHIVE_BULK_BATCH_SIZE``) or when its first
    article has waited ``NEWSARCHIVE_BULK_FLUSH_SECONDS``, whichever comes first: by size
    alone, a crawl slower than a batch per few seconds (most real ones) would make nothing
    searchable until the spider closed, and a killed run would re-fetch everything since the
    last full batch, because the URL store only settles pages the index has acknowledged.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_INDEX_ENABLED"):
            raise NotConfigured("indexing disabled by NEWSARCHIVE_INDEX_ENABLED")
        self.crawler = crawler
        self.cluster = ClusterSettings.from_env()
        alias = settings.get("NEWSARCHIVE_INDEX")
        if alias:
            self.cluster = ClusterSettings(**{**self.cluster.__dict__, "alias": alias})
        self.batch_size = settings.getint("NEWSARCHIVE_BULK_BATCH_SIZE")
        self.flush_seconds = settings.getfloat("NEWSARCHIVE_BULK_FLUSH_SECONDS")
        self._timer: asyncio.TimerHandle | None = None
        self._timed_flushes: set[asyncio.Task[None]] = set()
        self.retry = RetryPolicy(max_retries=settings.getint("NEWSARCHIVE_BULK_MAX_RETRIES"))
        self.data_dir = Path(settings.get("NEWSARCHIVE_DATA_DIR"))
        self.buffer: list[Article] = []
        self.lock = asyncio.Lock()
        self.neardup = NearDuplicateIndex(settings.getfloat("NEWSARCHIVE_NEARDUP_THRESHOLD"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        url = self.cluster.resolved_url()
        self.cluster = ClusterSettings(**{**self.cluster.__dict__, "url": url})
        try:
            with make_client(self.cluster) as client:
                ensure_index(client, self.cluster.alias)
        except (ApiError, TransportError) as exc:
            if _is_request_error(exc):
                # A 4xx other than 429 is our mistake (e.g. an invalid index name), not an outage:
                # fail now instead of spooling a whole crawl that replay could never write.
                raise
            # Crawl anyway: what cannot be written goes to the spool for `newsarchive replay`.
            log.error("cluster unavailable at start (%s): articles will be spooled", exc)
        self.client = make_async_client(self.cluster)
        run_dir = self.crawler.stats.get_value(f"{STAT_PREFIX}/run_dir") or str(self.data_dir)
        self.dead_letter = DeadLetterFile(Path(run_dir) / "dead-letter.jsonl")
        self.crawler.stats.set_value(f"{STAT_PREFIX}/dead_letter_file", str(self.dead_letter.path))
        self.spool = Spool(Path(run_dir) / SPOOL_NAME)
        log.info("indexing into %s at %s", self.cluster.alias, url)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            self.buffer.append(item)
            if len(self.buffer) == 1:
                self._arm_timer(item)
            if len(self.buffer) >= self.batch_size:
                await self.flush()
        return item

    def _arm_timer(self, first: Article) -> None:
        """Flush the batch ``flush_seconds`` after its first article was fetched, unless it
        fills first (the time it spent waiting for extraction counts: the promise is to the
        fetch, and a crawl's first pages wait longest, for the workers to start)."""
        if self.flush_seconds <= 0 or self._timer is not None:
            return
        fetched = first.fetched_at
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        waited = (datetime.now(UTC) - fetched).total_seconds()
        delay = min(self.flush_seconds, max(0.0, self.flush_seconds - waited))
        self._timer = asyncio.get_running_loop().call_later(delay, self._flush_on_time)

    def _flush_on_time(self) -> None:
        self._timer = None
        task = asyncio.ensure_future(self._timed_flush())
        self._timed_flushes.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self._timed_flushes.discard)

    async def _timed_flush(self) -> None:
        try:
            await self.flush()
        except Exception:  # nobody awaits this task: say what went wrong instead of losing it
            log.exception("timed bulk flush failed")

    async def flush(self) -> None:
        async with self.lock:
            batch, self.buffer = self.buffer, []
            if self._timer is not None:  # this batch holds the article that armed it
                self._timer.cancel()
                self._timer = None
            if not batch:
                return
            # Syndicated copies join the group of the copy already indexed (pipeline.index.neardup).
            try:
                await self.neardup.assign(self.client, self.cluster.alias, batch)
            except (ApiError, TransportError) as exc:  # cluster away: the batch is spooled below
                log.warning("near-duplicate lookup failed: %s", exc)
            outcome = await write_batch(
                self.client,
                batch,
                alias=self.cluster.alias,
                dead_letter=self.dead_letter,
                retry=self.retry,
                spool=self.spool,
            )
            stats = self.crawler.stats
            for name, ids in (
                ("indexed", outcome.created),
                ("updated", outcome.updated),
                ("unchanged", outcome.unchanged),
                ("dead_lettered", outcome.parked),
            ):
                if ids:
                    stats.inc_value(f"{STAT_PREFIX}/{name}", len(ids))
            if outcome.spooled:
                # Late, not lost: counted as skipped for now, written by `newsarchive replay`.
                stats.inc_value(f"{STAT_PREFIX}/skipped", len(outcome.spooled))
                stats.inc_value(f"{STAT_PREFIX}/skipped/{SPOOLED}", len(outcome.spooled))
                stats.set_value(f"{STAT_PREFIX}/spool_file", str(self.spool.path))
            self._announce(batch, outcome)

    def _announce(self, batch: list[Article], outcome: BatchOutcome) -> None:
        """Tell the URL store which pages are now safely kept, so a killed crawl keeps them."""
        url_of = {article.id: article.url for article in batch}
        kept = [*outcome.created, *outcome.updated, *outcome.unchanged]
        kept += [doc_id for doc_id, _ in outcome.spooled]
        self.crawler.signals.send_catch_log(
            signal=documents_settled,
            kept=[url_of[i] for i in kept if i in url_of],
            parked=[url_of[i] for i, _ in outcome.parked if i in url_of],
        )

    async def close_spider(self) -> None:
        if not hasattr(self, "client"):
            return  # open_spider failed before any client existed: nothing to flush or close
        try:
            await self.flush()
            if self._timed_flushes:
                await asyncio.gather(*self._timed_flushes)
            await self.client.indices.refresh(index=self.cluster.alias)
        except (ApiError, TransportError) as exc:
            log.error("final refresh failed (%s); spooled articles: %d", exc, self.spool.count)
        finally:
            await self.client.close()


def _is_request_error(exc: Exception) -> bool:
    """Whether Elasticsearch refused the request itself (4xx except 429), rather than being down."""
    status = getattr(getattr(exc, "meta", None), "status", None)
    return (
        isinstance(exc, ApiError)
        and isinstance(status, int)
        and 400 <= status < 500
        and status != 429
    )


def _looks_like_html(item: RawArticle) -> bool:
    ctype = item.content_type.split(";")[0].strip().lower()
    if ctype:
        return ctype in _HTML_TYPES
    head = item.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
