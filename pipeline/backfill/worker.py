"""One worker of an import: parts of WARC files in, documents written, checkpoints out.

A worker does everything for the parts it takes -- read, select, extract, build, write -- so N
workers read N files (or parts) at once, and no page body crosses a process boundary. The path
from a record to the stored document is the crawl's: ``extract_options`` and ``make_article``
(``pipeline.documents``) with the source's learned boilerplate applied (not observed: an old
capture teaches nothing about a site's current furniture), near-duplicate groups
(``NearDuplicateIndex``) and ``write_batch``, whose external versions (the fetch time, here
``WARC-Date``) and content hashes decide what an older or an unchanged capture may change:
nothing.

Two captures of one article in one batch are merged here by the writer's own rule (the later
capture wins; a variant never displaces the article's own page), because the writer keeps the
first of two writes it cannot order; the one left out is counted ``unchanged``, as the writer
counts a capture older than the stored one.

After each batch is written, the worker reports a checkpoint: the offset of the next record
and the tally of the records before it. The main process keeps it in the ledger.

Nothing heavy is imported before a record is selected: this module needs FastWARC and the
filters only, so the fork server starts in a fraction of a second and a filtered import that
meets no matching record never loads the extractor (lxml, the language model), the
Elasticsearch client or MinHash (numpy, scipy), nor opens a connection. The first selected
record loads the extraction stack in the reading thread and starts the writer thread, which
loads the client and MinHash, sets the index up (``ensure_index``, idempotent between workers)
and tells the main process so, while the reader extracts.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.backfill.members import find_record_start
from pipeline.backfill.parts import Part
from pipeline.backfill.records import Damaged, Record, iter_records
from pipeline.backfill.select import host_of
from pipeline.backfill.tally import Tally
from pipeline.backfill.tasks import Task, WorkerConfig
from pipeline.exceptions import WriteFailed
from pipeline.sources import Source

if TYPE_CHECKING:
    from elasticsearch import AsyncElasticsearch

    from pipeline.boilerplate import BoilerplateStore, SourceLearners
    from pipeline.index.neardup import NearDuplicateIndex
    from pipeline.items import Article

log = logging.getLogger(__name__)

__all__ = ["CHECKPOINT_SECONDS", "PartReader", "Task", "WorkerConfig", "run_worker"]

#: A checkpoint at least this often (seconds) while records flow, even with no full batch.
CHECKPOINT_SECONDS = 2.0
#: How often a worker checks that the import that started it is still alive (seconds).
ORPHAN_CHECK_INTERVAL = 0.5

Message = tuple[Any, ...]
Emit = Callable[[Message], None]


def checkpoint(part: Part, next_offset: int, done: bool, tally: Tally) -> Message:
    return ("checkpoint", part.key, part.location, next_offset, done, tally.to_dict())


class PartReader:
    """Reads parts into the index for one worker: this thread reads and extracts, a writer
    thread writes.

    Writing a batch (near-duplicate lookup, stored-state lookup, bulk) is mostly waiting on
    Elasticsearch; the writer thread waits while this one extracts the next batch, instead of
    the two taking turns. Batches are written in order, one at a time, and each checkpoint is
    reported only after its batch is written, so the ledger never runs ahead of the index.
    """

    def __init__(self, config: WorkerConfig, worker_id: int, emit: Emit) -> None:
        self.config = config
        self.worker_id = worker_id
        self.emit = emit
        self._sources: dict[str, tuple[str, Source | None]] = {}
        # Started by the first selected record (``_start``): a filtered import that selects
        # nothing never pays for them.
        self.store: BoilerplateStore | None = None
        self.learners: SourceLearners | None = None
        self.writer: _Writer | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.store is not None:
            self.store.close()

    def _start(self) -> SourceLearners:
        """The extraction stack and the writer, on the first record that is extracted."""
        if self.learners is None:
            from pipeline.boilerplate import BoilerplateStore, SourceLearners

            folder = self.config.run_dir / f"worker-{self.worker_id}"
            self.writer = _Writer(self.config, folder, self.emit, self.worker_id)
            self.store = BoilerplateStore(self.config.data_dir)
            self.learners = SourceLearners(self.store)
        return self.learners

    def _submit(self, articles: list[Article], message: Message) -> None:
        """Write ``articles``, then report ``message``; straight away while nothing was written
        (no batch is pending then, so the order of checkpoints is kept)."""
        if self.writer is None:
            self.emit(message)
        else:
            self.writer.submit(articles, message)

    def _wait(self) -> None:
        if self.writer is not None:
            self.writer.wait()

    def read(self, task: Task) -> None:
        """Read one part (from ``task.offset``); its checkpoints follow as batches are written."""
        part = task.part
        start: int | None = task.offset
        if not task.synced:
            start = find_record_start(part.location, task.offset, part.end)
        tally, batch = Tally(), _Batch()
        last_checkpoint = time.monotonic()
        if start is not None:
            for item in iter_records(part.location, start, part.end, self.config.selection):
                offset = item.offset if isinstance(item, Damaged) else item.head.offset
                due = time.monotonic() - last_checkpoint >= CHECKPOINT_SECONDS
                if len(batch) >= self.config.batch_size or (due and tally.records):
                    self._submit(batch.articles(), checkpoint(part, offset, False, tally))
                    tally, batch = Tally(), _Batch()
                    last_checkpoint = time.monotonic()
                tally.records += 1
                if isinstance(item, Damaged):
                    tally.skip(item.reason)
                    tally.problem(item.detail)
                elif item.skip is not None:
                    tally.skip(item.skip)
                else:
                    article = self._article(part.location, item, tally)
                    if article is not None:
                        batch.add(article, tally)
        end = part.end if part.end is not None else (part.size or 0)
        self._submit(batch.articles(), checkpoint(part, end, True, tally))
        self._wait()

    def _article(self, location: str, record: Record, tally: Tally) -> Article | None:
        learners = self._start()
        from pipeline.documents import extract_options, make_article
        from pipeline.exceptions import ExtractionError
        from pipeline.extract import extract
        from pipeline.items import RawArticle

        head, body = record.head, record.body or b""
        assert head.captured_at is not None and head.status is not None  # select() saw to it
        name, source = self._source_for(head.url)
        raw = RawArticle(
            url=head.url,
            source=name,
            body=body,
            status=head.status,
            headers=head.headers,
            fetched_at=head.captured_at,
            discovered_via="warc-import",
            warc={"file": location, "offset": head.offset},
        )
        try:
            page = extract(raw.body, raw.url, extract_options(source, raw))
            return make_article(raw, page, learners.get(name), observe=False)
        except ExtractionError as exc:
            tally.skip(f"extract/{exc.reason}")
        except Exception as exc:  # one page's extractor bug must not end an import
            tally.skip("extract/failed")
            tally.problem(f"{head.url}: extraction failed: {type(exc).__name__}: {exc}")
        return None

    def _source_for(self, url: str) -> tuple[str, Source | None]:
        """``--source``, else the configured source whose domains take the host, else the host."""
        host = host_of(url)
        known = self._sources.get(host)
        if known is None:
            chosen = self.config.selection.source
            if chosen is None:
                chosen = next((s for s in self.config.sources if s.allows(url)), None)
            known = (chosen.name, chosen) if chosen else (host.removeprefix("www."), None)
            self._sources[host] = known
        return known


class _Writer:
    """A thread with its own event loop and Elasticsearch client, writing batches in order.

    The thread first loads the client and MinHash and sets the index up, while the reading
    thread extracts the first batch; a failure there fails the part as a failed write does.
    After its last batch it refreshes the alias, so what it wrote is searchable when the import
    returns.
    """

    def __init__(self, config: WorkerConfig, folder: Path, emit: Emit, worker_id: int) -> None:
        self.config = config
        self.alias = config.cluster.alias
        self.folder = folder
        self.emit = emit
        self.worker_id = worker_id
        self.written = False
        self.error: BaseException | None = None
        self._queue: queue.Queue[tuple[list[Article], Message] | None] = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    def submit(self, articles: list[Article], message: Message) -> None:
        """Write ``articles``, then report ``message`` (a checkpoint with the batch's tally)."""
        self._check()
        self._queue.put((articles, message))

    def wait(self) -> None:
        """Until everything submitted is written (and reported)."""
        self._queue.join()
        self._check()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _check(self) -> None:
        if self.error is not None:
            raise WriteFailed(f"{type(self.error).__name__}: {self.error}") from self.error

    def _run(self) -> None:
        import asyncio
        import importlib

        from pipeline.index import DeadLetterFile, ensure_index, make_async_client, make_client
        from pipeline.index.neardup import NearDuplicateIndex
        from pipeline.index.spool import SPOOL_NAME, Spool

        self.dead_letter = DeadLetterFile(self.folder / "dead-letter.jsonl")
        self.spool = Spool(self.folder / SPOOL_NAME)
        self.neardup: NearDuplicateIndex = NearDuplicateIndex()
        try:
            # MinHash's imports (datasketch: scipy) now, while the reader extracts the first
            # batch, not in that batch's write
            importlib.import_module("datasketch")
            with make_client(self.config.cluster) as sync:
                ensure_index(sync, self.alias)
            self.emit(("index", self.worker_id))
        except Exception as exc:  # reported by the reading thread: the part fails
            self.error = exc
        loop = asyncio.new_event_loop()
        client = make_async_client(self.config.cluster)
        try:
            while (job := self._queue.get()) is not None:
                try:
                    if self.error is None:
                        articles, message = job
                        tally = Tally.from_dict(message[-1])
                        loop.run_until_complete(self._write(client, articles, tally))
                        self.emit((*message[:-1], tally.to_dict()))
                except Exception as exc:  # reported by the reading thread: the part fails
                    self.error = exc
                finally:
                    self._queue.task_done()
            if self.written and self.error is None:
                loop.run_until_complete(self._refresh(client))
            self._queue.task_done()
        finally:
            loop.run_until_complete(client.close())
            loop.close()

    async def _refresh(self, client: AsyncElasticsearch) -> None:
        from elasticsearch.exceptions import ApiError, TransportError

        try:
            await client.indices.refresh(index=self.alias)
        except (ApiError, TransportError) as exc:  # searchable a second later all the same
            log.warning("refresh after the import's writes failed: %s", exc)

    async def _write(
        self, client: AsyncElasticsearch, articles: list[Article], tally: Tally
    ) -> None:
        from elasticsearch.exceptions import ApiError, TransportError

        from pipeline.index.bulk import write_batch
        from pipeline.index.spool import SPOOLED

        if not articles:
            return
        self.written = True
        try:
            await self.neardup.assign(client, self.alias, articles)
        except (ApiError, TransportError) as exc:  # the cluster is away: the write spools below
            log.warning("near-duplicate lookup failed: %s", exc)
        outcome = await write_batch(
            client,
            articles,
            alias=self.alias,
            dead_letter=self.dead_letter,
            retry=self.config.retry,
            spool=self.spool,
        )
        tally.indexed += len(outcome.created)
        tally.updated += len(outcome.updated)
        tally.unchanged += len(outcome.unchanged)
        tally.dead_lettered += len(outcome.parked)
        if outcome.spooled:
            tally.skip(SPOOLED, len(outcome.spooled))
            tally.problem(f"{len(outcome.spooled)} documents spooled in {self.spool.path}")


class _Batch:
    """The articles of one bulk write, one per id: captures of one article merged."""

    def __init__(self) -> None:
        self._by_id: dict[str, Article] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, article: Article, tally: Tally) -> None:
        held = self._by_id.get(article.id)
        if held is None or _replaces(article, held):
            self._by_id[article.id] = article
        if held is not None:
            tally.unchanged += 1  # one of the two captures is not written

    def articles(self) -> list[Article]:
        return list(self._by_id.values())


def _replaces(new: Article, held: Article) -> bool:
    """The writer's rule between two captures of one article: the later one, unless it is an
    AMP/print/tracking variant and the held one is the article's own page."""
    if _is_variant(new) and not _is_variant(held):
        return False
    return new.fetched_at >= held.fetched_at


def _is_variant(article: Article) -> bool:
    return article.url != article.canonical_url


# -- the worker process -------------------------------------------------------------------------


def run_worker(
    worker_id: int, config: WorkerConfig, tasks: Any, results: Any, parent_pid: int
) -> None:
    """Process entry point: take tasks until the ``None`` sentinel, report every outcome."""
    if parent_pid:
        _exit_when_orphaned(parent_pid)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        read_inline(config, _until_sentinel(tasks), results.put, worker_id)
    finally:
        results.put(("exit", worker_id))


def _until_sentinel(tasks: Any) -> Iterator[Task]:
    while (task := tasks.get()) is not None:
        yield task


def read_inline(
    config: WorkerConfig, tasks: Iterable[Task], emit: Emit, worker_id: int = 0
) -> None:
    """Read ``tasks`` in this process, reporting checkpoints and failures through ``emit``."""
    reader = PartReader(config, worker_id, emit)
    emit(("ready", worker_id))  # start-up (imports, clients) is over: reading starts now
    try:
        for task in tasks:
            try:
                reader.read(task)
            except Exception as exc:  # reported; the import goes on with the other parts
                log.exception("part %s failed", task.part.key)
                emit(("failed", task.part.key, f"{type(exc).__name__}: {exc}"))
                if isinstance(exc, WriteFailed):
                    break  # the writer is gone: every later part would fail the same way
    finally:
        reader.close()


def _exit_when_orphaned(parent_pid: int) -> None:
    """End this worker once the import that started it is gone (it may be SIGKILLed).

    The worker's parent is the forkserver, not the import, so the import's pid is watched.
    """

    def alive() -> bool:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def watch() -> None:
        while alive():
            time.sleep(ORPHAN_CHECK_INTERVAL)
        os._exit(0)  # nobody is left to report to; the ledger resumes after the last checkpoint

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()
