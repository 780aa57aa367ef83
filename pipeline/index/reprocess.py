"""Re-extract every document from the raw WARC archive into a new index version, then swap.

Zero downtime by construction: searches and writers name only the alias. The new version
``<alias>-v(N+1)`` is filled while the alias still points at ``-vN``; only when every document
is in the new version (counted) does one ``update_aliases`` call move the alias, which
Elasticsearch applies atomically. The old version stays until dropped explicitly, so a bad
extractor release is undone by pointing the alias back.

No network access: pages come from the WARC captures named by each document's ``warc``
field, and the document keeps its id, URL, fetch time and revision; only what extraction
produces (title, body, authors, dates it finds, ...) is replaced. A document without a capture
(indexed before archiving) or whose capture no longer extracts is carried over unchanged and
counted, never lost. The reindex API is not used: the project's node does not ship it.

With ``recover``, archived article pages that have no document at all (an older extractor
rejected them, say as ``extract/empty_body``) are extracted too, from their latest capture,
and indexed when extraction now succeeds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan, streaming_bulk

from pipeline.archive import Capture, WarcLocation, iter_captures, read_capture
from pipeline.boilerplate import BoilerplateStore, SourceLearners
from pipeline.documents import build_article, extract_options, strip_learned
from pipeline.exceptions import ExtractionError, IndexingError
from pipeline.extract import ExtractedPage, extract
from pipeline.health.measures import Tally
from pipeline.health.store import HealthStore
from pipeline.index.setup import (
    create_next_version,
    current_version,
    drop_version,
    swap_alias,
)
from pipeline.items import Article, RawArticle
from pipeline.revisions.changes import classify
from pipeline.revisions.store import (
    REEXTRACTED,
    TRIVIAL_CHANGE,
    VERSION,
    Version,
    ensure_revisions_index,
    write_versions_sync,
)
from pipeline.sources import Source
from pipeline.urls import canonical_url, document_id

log = logging.getLogger(__name__)

# Fields that extraction decides; everything else of a stored document is carried over as is.
EXTRACTED_FIELDS = (
    "title",
    "body",
    "authors",
    "description",
    "section",
    "language",
    "article_type",
    "date_source",
    "content_hash",
    "word_count",
    "section_label",
    "agency",
    "author_role",
    "original_publication",
    "opinion_kind",
)
# Dates: the re-extracted value when the page yields one, else the stored one (feed hints and
# revision times are not in the page).
DATE_FIELDS = ("published_at", "updated_at")


@dataclass
class ReprocessReport:
    old_index: str
    new_index: str
    documents: int = 0
    reextracted: int = 0
    changed: int = 0
    no_capture: int = 0
    extraction_failed: int = 0
    recovered: int = 0
    dropped_old: bool = False
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Record:
    """What a re-processing keeps besides the new index: health per source, replaced texts."""

    started: datetime
    short_words: int
    tallies: dict[str, Tally] = field(default_factory=dict)
    versions: list[Version] = field(default_factory=list)

    def tally(self, source: str) -> Tally:
        if source not in self.tallies:
            self.tallies[source] = Tally(source, "reprocess", self.started, self.short_words)
        return self.tallies[source]


def reprocess(
    client: Elasticsearch,
    alias: str,
    warc_dir: Path,
    sources: Mapping[str, Source],
    *,
    drop_old: bool = False,
    recover: bool = False,
    batch_size: int = 200,
    progress: Callable[[ReprocessReport], None] | None = None,
    boilerplate: BoilerplateStore | None = None,
    health: HealthStore | None = None,
) -> ReprocessReport:
    """Rebuild ``alias`` into its next version from the archive and move the alias there.

    With ``boilerplate`` (the crawl's learned-boilerplate store), each source's learned lines
    are stripped as the crawl strips them now; nothing is observed (re-processing learns
    nothing new). With ``health`` (the run history), each source's health of the re-extracted
    documents is recorded as a ``reprocess`` run once the alias has moved. A document whose
    title or body comes out different keeps its previous text in ``<alias>-revisions``
    (``pipeline.revisions``); the revision does not move, since the article was not edited.
    """
    from pipeline import settings

    started = time.monotonic()
    record = _Record(datetime.now(UTC), int(settings.NEWSARCHIVE_HEALTH_SHORT_BODY_WORDS))
    learners = SourceLearners(boilerplate)
    old = current_version(client, alias)
    if old is None:
        raise IndexingError(f"no alias {alias!r}: nothing to re-process")
    new = create_next_version(client, alias)
    ensure_revisions_index(client, alias)
    report = ReprocessReport(old_index=old, new_index=new)
    log.info("re-processing %s into %s from %s", old, new, warc_dir)
    expected = int(client.count(index=old)["count"])

    def actions() -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for hit in scan(client, index=old, query={"query": {"match_all": {}}}, size=batch_size):
            report.documents += 1
            seen.add(hit["_id"])
            document = _rebuilt(
                hit["_id"], hit["_source"], warc_dir, sources, report, learners, record
            )
            yield {"_op_type": "index", "_index": new, "_id": hit["_id"], "_source": document}
            if progress is not None and report.documents % 500 == 0:
                progress(report)
        if recover:
            for doc_id, document in _recovered(warc_dir, sources, seen, learners, record):
                report.recovered += 1
                seen.add(doc_id)
                yield {"_op_type": "index", "_index": new, "_id": doc_id, "_source": document}

    failures = 0
    for ok, info in streaming_bulk(
        client,
        actions(),
        chunk_size=batch_size,
        max_retries=5,
        raise_on_error=False,
        raise_on_exception=False,
    ):
        if not ok:
            failures += 1
            item = next(iter(info.values()))
            report.problems.append(f"{item.get('_id')}: {item.get('error')}")
    client.indices.refresh(index=new)
    written = int(client.count(index=new)["count"])
    report.seconds = round(time.monotonic() - started, 3)
    expected += report.recovered
    if failures or written != expected:
        raise IndexingError(
            f"re-processing into {new} incomplete ({written} of {expected} documents, "
            f"{failures} refused); the alias still points at {old}, inspect or drop {new}: "
            + "; ".join(report.problems[:5])
        )
    # The replaced texts stay readable in the old version until it is dropped; keep them first.
    for start in range(0, len(record.versions), batch_size):
        write_versions_sync(client, alias, record.versions[start : start + batch_size])
    swap_alias(client, alias, old, new)
    log.info("alias %s moved from %s to %s (%d documents)", alias, old, new, written)
    if health is not None:
        finished = datetime.now(UTC)
        for tally in record.tallies.values():
            health.add(tally.result(finished, f"reprocess {old} -> {new}"))
    if drop_old:
        drop_version(client, alias, old)
        report.dropped_old = True
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _without_learned(
    learners: SourceLearners, page: ExtractedPage, raw: RawArticle
) -> ExtractedPage:
    """``page`` without its source's learned lines (``ExtractionError`` if nothing is left)."""
    learner = learners.get(raw.source)
    return page if learner is None else strip_learned(learner, page, raw.url)


def _article(raw: RawArticle, page: ExtractedPage, stripped: ExtractedPage) -> Article:
    """The document of the stripped page, knowing how many learned lines went."""
    article = build_article(raw, stripped)
    article.learned_lines_removed = _lines(page.body) - _lines(stripped.body)
    return article


def _lines(body: str) -> int:
    return sum(1 for line in body.splitlines() if line.strip())


def _keep_replaced(doc_id: str, stored: dict[str, Any], fresh: Article, record: _Record) -> None:
    """The stored text, and the re-extracted one marked as such (or as a trivial change)."""
    revision = int(stored.get("revision") or 1)
    captured = _date(stored.get("changed_at")) or _date(stored.get("fetched_at")) or record.started
    change = classify(
        str(stored.get("title") or ""), str(stored.get("body") or ""), fresh.title, fresh.body
    )
    previous = Version(
        doc_id=doc_id,
        revision=revision,
        kind=VERSION,
        title=str(stored.get("title") or ""),
        body=str(stored.get("body") or ""),
        captured_at=captured,
        source=str(stored.get("source", "")),
        url=str(stored.get("url") or ""),
        content_hash=str(stored.get("content_hash") or ""),
        warc=stored.get("warc"),
    )
    record.versions.append(previous)
    record.versions.append(
        replace(
            previous,
            kind=TRIVIAL_CHANGE if change.trivial else REEXTRACTED,
            title=fresh.title,
            body=fresh.body,
            captured_at=record.started,
            content_hash=fresh.content_hash,
            changed_fields=change.fields,
            trivia=change.trivia,
        )
    )


def _rebuilt(
    doc_id: str,
    stored: dict[str, Any],
    warc_dir: Path,
    sources: Mapping[str, Source],
    report: ReprocessReport,
    learners: SourceLearners,
    record: _Record,
) -> dict[str, Any]:
    """The stored document with freshly extracted fields, or unchanged when that is impossible."""
    location = stored.get("warc") or {}
    tally = record.tally(str(stored.get("source", "")))
    if not location.get("file"):
        report.no_capture += 1
        tally.add_unchanged(1)
        return stored
    try:
        capture = read_capture(
            warc_dir, WarcLocation(str(location["file"]), int(location["offset"]))
        )
    except (OSError, ValueError) as exc:
        report.no_capture += 1
        report.problems.append(f"{stored.get('url')}: capture unreadable: {exc}")
        tally.add_unchanged(1)
        return stored
    fetched = _date(stored.get("fetched_at")) or capture.captured_at
    raw = RawArticle(
        url=capture.url,
        source=str(stored.get("source", "")),
        body=capture.body,
        status=capture.status,
        headers=capture.headers,
        fetched_at=fetched,
        discovered_via="warc",
        warc=dict(location),
    )
    try:
        page = extract(raw.body, raw.url, extract_options(sources.get(raw.source), raw))
        stripped = _without_learned(learners, page, raw)
    except ExtractionError as exc:
        report.extraction_failed += 1
        report.problems.append(f"{stored.get('url')}: {exc}")
        tally.skip(f"extract/{exc.reason}")
        return stored
    article = _article(raw, page, stripped)
    # Counted as stored: a date the page does not give is kept from the stored document.
    published = article.published_at or _date(stored.get("published_at"))
    tally.article(replace(article, published_at=published))
    fresh = article.to_document()
    document = dict(stored)
    for name in EXTRACTED_FIELDS:
        document[name] = fresh.get(name)
    for name in DATE_FIELDS:
        if fresh.get(name) is not None:
            document[name] = fresh[name]
    report.reextracted += 1
    if fresh.get("content_hash") != stored.get("content_hash"):
        report.changed += 1
        _keep_replaced(doc_id, stored, article, record)
    return document


def _recovered(
    warc_dir: Path,
    sources: Mapping[str, Source],
    known: set[str],
    learners: SourceLearners,
    record: _Record,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Documents from archived article pages that have none: the latest capture of each URL."""
    latest: dict[str, Capture] = {}
    for capture in iter_captures(warc_dir):
        if capture.kind != "article" or capture.status != 200:
            continue
        canonical = canonical_url(capture.url)
        url_id = document_id(canonical)
        if url_id in known:
            continue
        # The latest capture wins, except that an AMP/print variant never replaces the page.
        previous = latest.get(url_id)
        if previous is None or capture.url == canonical or previous.url != canonical:
            latest[url_id] = replace(capture, body=b"")  # bodies are read again one at a time
    for stub in latest.values():
        capture = read_capture(warc_dir, stub.location)
        source = stub.location.file.split("/", 1)[0]  # <root>/<source>/<file>.warc.gz
        raw = RawArticle(
            url=capture.url,
            source=source,
            body=capture.body,
            status=capture.status,
            headers=capture.headers,
            fetched_at=capture.captured_at,
            discovered_via="warc",
            warc=capture.location.to_dict(),
        )
        try:
            page = extract(raw.body, raw.url, extract_options(sources.get(source), raw))
            stripped = _without_learned(learners, page, raw)
        except ExtractionError:
            continue  # still not an article for this extractor
        article = _article(raw, page, stripped)
        if article.id in known:
            continue
        known.add(article.id)
        record.tally(source).article(article)
        yield article.id, article.to_document()


def _date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
