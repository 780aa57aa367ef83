"""Extraction in worker processes: the crawl's CPU-heavy step off Scrapy's reactor, on every core.

Why: ``extract()`` (lxml parsing, scoring, cleaning, metadata) is pure CPU, tens of milliseconds
a page. Run inline in ``ExtractPipeline`` it holds the reactor thread, so downloads, the item
pipelines and the bulk writer all wait on it, and the second core sits idle. Here pages go to a
``ProcessPoolExecutor`` and the pipeline awaits the result, so the reactor keeps fetching and
indexing while workers extract.

Back-pressure: at most ``in_flight`` pages are submitted at a time (an ``asyncio.Semaphore``);
the rest wait in ``ExtractPipeline.process_item``, and Scrapy stops feeding responses once its
scraper slot holds ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes, so memory stays bounded.

Workers start with ``forkserver``: forking the crawl process itself would copy a running
reactor, the Elasticsearch client's sockets and the resolver's threads into every worker.
What must stay in the crawl process (learned-boilerplate observation with its SQLite store,
stats, logging) stays in the pipeline; a worker runs everything derived from the page's HTML
that needs no crawl state: the pure ``extract()``, the body's MinHash
(``pipeline.index.neardup.fingerprint``; 7% of the reactor thread's time when it ran there) and,
when the crawl follows the page's links, those links resolved and judged by the source's
patterns (``pipeline.crawl.outlinks``; 40% of the reactor thread's busy time on real pages when
the spider parsed every article page for them). The reactor thread, which paces the whole
crawl, then only routes bytes, items and requests.

Orphans: a crawl killed with SIGKILL cannot shut its pool down, and a worker blocked on its task
queue never notices (the forkserver, not the crawl, is its parent). Each worker therefore
watches the crawl's pid and exits when the crawl is gone, so killed crawls leave no CPU-burning
or memory-holding processes behind.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

from pipeline.crawl.outlinks import Outlink, PageLinks, page_outlinks
from pipeline.exceptions import ExtractionError
from pipeline.extract import ExtractedPage, ExtractOptions, extract
from pipeline.index.neardup import Fingerprint, fingerprint
from pipeline.sources import Source


class Extracted(NamedTuple):
    """A worker's result: the page and the MinHash of its body."""

    page: ExtractedPage
    fingerprint: Fingerprint


# (result, None, links) on success; (None, (reason, detail), links) when the page cannot become
# an article (its links are still followed, as they were when the spider read them).
# ExtractionError is not sent across as an exception: pickling rebuilds it from its message,
# which would fold ``detail`` into ``reason`` and break the per-reason counts.
Outcome = tuple[Extracted | None, tuple[str, str] | None, list[Outlink]]

# Worker side: each source's resolver and rules with their memos, kept across the pages a
# worker extracts (a site's chrome repeats the same links on every page).
_PAGE_LINKS: dict[str, PageLinks] = {}


def _extract_in_worker(
    body: bytes, url: str, options: ExtractOptions, links_of: Source | None = None
) -> Outcome:
    """Worker side: ``extract()`` with its failure turned into a plain value, and the page's
    links for ``links_of`` (None: the crawl does not follow this page's links). ``extract()``
    itself turns any exception into ExtractionError ("failed"), so nothing else is caught here."""
    links = _links(body, url, options, links_of) if links_of is not None else []
    try:
        page = extract(body, url, options)
    except ExtractionError as exc:
        return None, (exc.reason, exc.detail), links
    return Extracted(page, fingerprint(page.body)), None, links


def _links(body: bytes, url: str, options: ExtractOptions, source: Source) -> list[Outlink]:
    rules = _PAGE_LINKS.get(source.name)
    if rules is None or rules.rules.source != source:
        rules = _PAGE_LINKS[source.name] = PageLinks(source)
    return page_outlinks(rules, body, url, options.http_encoding)


#: How often a worker checks that the crawl that started it is still alive (seconds).
ORPHAN_CHECK_INTERVAL = 1.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _start_worker(crawl_pid: int, interval: float, niceness: int) -> None:
    """Worker side, once: lower the worker's CPU priority, then watch for the crawl's end."""
    if niceness > 0:
        os.nice(niceness)
    _exit_when_orphaned(crawl_pid, interval)


def _exit_when_orphaned(crawl_pid: int, interval: float) -> None:
    """Worker side: a daemon thread that ends the worker once the crawl process is gone."""

    def watch() -> None:
        while _pid_alive(crawl_pid):
            time.sleep(interval)
        os._exit(0)  # no cleanup to do: the results have nobody to go to

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def start_fork_server() -> multiprocessing.context.BaseContext:
    """The workers' fork server, started now if it is not running yet (once per process).

    Workers fork from a server that has imported extraction and MinHash (datasketch pulls in
    scipy): they start at once and share those ~90 MB of modules instead of each importing its
    own copy. Starting it is quick (the server imports in its own process, on the other core),
    so a crawl calls this first thing and the imports overlap its own start-up.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "datasketch"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return context


class ExtractPool:
    """``workers`` processes running ``extract()``, with at most ``in_flight`` pages submitted.

    ``niceness`` lowers the workers' CPU priority. The crawl's pace is set by the reactor
    thread (downloads, spider callbacks, item pipelines, WARC writing all run there); workers
    at the same priority take CPU from it whenever the machine is busy, and a page then waits
    longer for its turn in the reactor than for its extraction. Niced workers still get every
    cycle the reactor leaves idle, and the bounded ``in_flight`` keeps memory in check if they
    fall behind.
    """

    def __init__(self, workers: int, in_flight: int, niceness: int = 0) -> None:
        self.workers = workers
        self.in_flight = max(in_flight, workers)
        context = start_fork_server()
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), ORPHAN_CHECK_INTERVAL, niceness),
        )
        self._slots: asyncio.Semaphore | None = None
        # Start the fork server and every worker now, in a thread: on the first submit they
        # would start in the reactor thread, which then waited seconds (the server imports
        # extraction and scipy) with downloads stalled; here that overlaps robots.txt and
        # discovery, and the first page finds its workers ready.
        self._started = threading.Thread(target=self._start_workers, name="extract-pool-start")
        self._started.start()

    def _start_workers(self) -> None:
        for started in [self._executor.submit(os.getpid) for _ in range(self.workers)]:
            started.result()

    async def extract(self, body: bytes, url: str, options: ExtractOptions) -> Extracted:
        """``extract(body, url, options)`` in a worker; raises ``ExtractionError`` like it."""
        result, failure, _ = await self.process(body, url, options)
        if failure is not None:
            raise ExtractionError(*failure)
        assert result is not None  # one of the two is always set
        return result

    async def process(
        self, body: bytes, url: str, options: ExtractOptions, links_of: Source | None = None
    ) -> Outcome:
        """Everything a worker derives from one page: its extraction (or the reason it failed)
        and, for ``links_of``, the links the crawl should follow (``[]`` when None)."""
        if self._slots is None:  # made here, inside the reactor's running loop
            self._slots = asyncio.Semaphore(self.in_flight)
        if self._started.is_alive():  # the workers are starting: wait without blocking
            await asyncio.get_running_loop().run_in_executor(None, self._started.join)
        async with self._slots:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, _extract_in_worker, body, url, options, links_of
            )

    def close(self) -> None:
        """Stop the workers (pending pages are abandoned: the crawl is closing)."""
        self._started.join()
        self._executor.shutdown(wait=True, cancel_futures=True)
