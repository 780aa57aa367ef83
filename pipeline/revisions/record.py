"""Where the bulk writer meets the revision history: judge each changed capture, keep versions.

The bulk writer sees that a capture's content hash differs from the stored document's; this
module fetches the stored title and body (only for those documents, in one ``mget``), decides
whether the change is trivial (``pipeline.revisions.changes``), and writes the versions to the
revisions index *before* the writer overwrites the article, so the text being replaced is kept
first. Used by every path that writes through ``pipeline.index.bulk`` (crawl, import, replay).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from elasticsearch import AsyncElasticsearch
from elasticsearch.exceptions import ApiError, TransportError

from pipeline.items import Article
from pipeline.revisions.changes import SUBSTANTIVE, Change, classify
from pipeline.revisions.store import TRIVIAL_CHANGE, VERSION, Version, write_versions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """What the revision history needs of a stored document besides its text."""

    revision: int
    captured_at: datetime  # when its current revision was captured


async def record_changes(
    client: AsyncElasticsearch,
    alias: str,
    changed: Sequence[tuple[Article, Stored]],
) -> dict[str, Change]:
    """Judge and keep each changed capture; the change of each article id.

    Without the stored text (the lookup failed) a change counts as substantive and no version
    is kept: the new capture is never held back for the sake of its history.
    """
    if not changed:
        return {}
    ids = [article.id for article, _ in changed]
    try:
        response = await client.mget(
            index=alias,
            ids=ids,
            source_includes=["title", "body", "url", "source", "content_hash", "warc"],
        )
    except (ApiError, TransportError) as exc:
        log.warning("stored texts of %d changed documents not read: %s", len(ids), exc)
        return {a.id: Change(SUBSTANTIVE, ("title", "body")) for a, _ in changed}
    texts = {d["_id"]: d["_source"] for d in response["docs"] if d.get("found")}
    changes: dict[str, Change] = {}
    versions: list[Version] = []
    for article, stored in changed:
        src = texts.get(article.id)
        if src is None:
            changes[article.id] = Change(SUBSTANTIVE, ("title", "body"))
            continue
        change = classify(
            src.get("title") or "", src.get("body") or "", article.title, article.body
        )
        changes[article.id] = change
        versions.append(
            Version(
                doc_id=article.id,
                revision=stored.revision,
                kind=VERSION,
                title=src.get("title") or "",
                body=src.get("body") or "",
                captured_at=stored.captured_at,
                source=src.get("source") or article.source,
                url=src.get("url") or article.url,
                content_hash=src.get("content_hash") or "",
                warc=src.get("warc"),
            )
        )
        versions.append(
            Version(
                doc_id=article.id,
                revision=stored.revision if change.trivial else stored.revision + 1,
                kind=TRIVIAL_CHANGE if change.trivial else VERSION,
                title=article.title,
                body=article.body,
                captured_at=article.fetched_at,
                source=article.source,
                url=article.url,
                content_hash=article.content_hash,
                warc=article.warc,
                changed_fields=change.fields,
                trivia=change.trivia,
            )
        )
    try:
        await write_versions(client, alias, versions)
    except (ApiError, TransportError) as exc:
        log.error("previous versions of %d documents not kept: %s", len(changed), exc)
    return changes
