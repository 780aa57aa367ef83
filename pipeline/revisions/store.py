"""The revisions index: every kept version of every article that changed, one document each.

Beside the article alias ``<alias>`` lives ``<alias>-revisions`` (index ``<alias>-revisions-vN``).
A document that never changed has nothing here: its only version is the article itself. When a
capture changes a document, the version it replaces and the new one are both written here with
their capture time and WARC location (``<id>@<revision>``), and a trivial change (see
``pipeline.revisions.changes``) gets a record of its own (``<id>@<revision>~<capture ms>``), so the
history says what changed and when, and what was set aside as noise.

Versions are written with ``create``: an id that exists already keeps its first text, so the
text of revision N is the one captured when N was first seen, however often a later capture
re-sends it. Only server-core mappings (keyword, date, integer, text with the standard analyzer).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError, Elasticsearch, NotFoundError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
VERSION, TRIVIAL_CHANGE, REEXTRACTED = "version", "trivial", "reextracted"

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"schema_version": SCHEMA_VERSION},
    "properties": {
        "doc_id": {"type": "keyword"},
        "source": {"type": "keyword"},
        "url": {"type": "keyword", "ignore_above": 4096},
        "revision": {"type": "integer"},
        "kind": {"type": "keyword"},  # VERSION | TRIVIAL_CHANGE | REEXTRACTED
        "title": {"type": "text"},
        "body": {"type": "text"},
        "content_hash": {"type": "keyword"},
        "captured_at": {"type": "date"},
        "warc": {"properties": {"file": {"type": "keyword"}, "offset": {"type": "long"}}},
        "changed_fields": {"type": "keyword"},  # "title", "body"
        "trivia": {"type": "keyword"},  # whitespace | date_line | share_count
    },
}


def revisions_alias(alias: str) -> str:
    return f"{alias}-revisions"


def _template_name(alias: str) -> str:
    return f"{revisions_alias(alias)}-versions"


@dataclass(frozen=True)
class Version:
    """One kept version of an article, or one trivial change of a version."""

    doc_id: str
    revision: int
    # VERSION; TRIVIAL_CHANGE (noise, same revision); REEXTRACTED (the text a re-processing got
    # from the same capture: the extractor changed, not the article, so the revision stays).
    kind: str
    title: str
    body: str
    captured_at: datetime
    source: str = ""
    url: str = ""
    content_hash: str = ""
    warc: dict[str, str | int] | None = None
    changed_fields: tuple[str, ...] = ()
    trivia: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        if self.kind == VERSION:
            return f"{self.doc_id}@{self.revision}"
        return f"{self.doc_id}@{self.revision}~{int(self.captured_at.timestamp() * 1000)}"

    def to_source(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "url": self.url,
            "revision": self.revision,
            "kind": self.kind,
            "title": self.title,
            "body": self.body,
            "content_hash": self.content_hash,
            "captured_at": self.captured_at.isoformat(),
            "warc": self.warc,
            "changed_fields": list(self.changed_fields),
            "trivia": list(self.trivia),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.to_source()}

    @classmethod
    def from_source(cls, src: dict[str, Any]) -> Version:
        return cls(
            doc_id=str(src["doc_id"]),
            revision=int(src["revision"]),
            kind=str(src["kind"]),
            title=str(src.get("title") or ""),
            body=str(src.get("body") or ""),
            captured_at=datetime.fromisoformat(str(src["captured_at"])),
            source=str(src.get("source") or ""),
            url=str(src.get("url") or ""),
            content_hash=str(src.get("content_hash") or ""),
            warc=src.get("warc"),
            changed_fields=tuple(src.get("changed_fields") or ()),
            trivia=tuple(src.get("trivia") or ()),
        )


def ensure_revisions_index(client: Elasticsearch, alias: str) -> str:
    """Template, ``<alias>-revisions-v1`` and its alias, idempotently; the concrete index name."""
    name = revisions_alias(alias)
    client.indices.put_index_template(
        name=_template_name(alias),
        index_patterns=[f"{name}-v*"],
        priority=200,
        template={
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": MAPPINGS,
        },
        meta={"managed_by": "newsarchive"},
    )
    if client.indices.exists_alias(name=name):
        current = str(next(iter(client.indices.get_alias(name=name))))
        client.indices.put_mapping(index=current, properties=MAPPINGS["properties"])
        return current
    concrete = f"{name}-v{SCHEMA_VERSION}"
    try:
        client.indices.create(index=concrete)
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise
    client.indices.update_aliases(
        actions=[{"add": {"index": concrete, "alias": name, "is_write_index": True}}]
    )
    return concrete


def drop_revisions_index(client: Elasticsearch, alias: str) -> None:
    """Remove the revisions alias, its indices and template (tests, resets)."""
    name = revisions_alias(alias)
    names = list(client.indices.get(index=f"{name}-v*", allow_no_indices=True))
    if names:
        client.indices.delete(index=",".join(names))
    if client.indices.exists_index_template(name=_template_name(alias)):
        client.indices.delete_index_template(name=_template_name(alias))


async def write_versions(
    client: AsyncElasticsearch, alias: str, versions: Sequence[Version]
) -> list[str]:
    """Create each version unless its id exists; the ids that could not be written.

    A conflict (409) means the version is already kept, which is success here.
    """
    if not versions:
        return []
    response = await client.bulk(operations=_operations(alias, versions))
    return _failed(response)


def write_versions_sync(
    client: Elasticsearch, alias: str, versions: Sequence[Version]
) -> list[str]:
    """``write_versions`` for the synchronous client (re-processing)."""
    if not versions:
        return []
    return _failed(client.bulk(operations=_operations(alias, versions)))


def _operations(alias: str, versions: Sequence[Version]) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for version in versions:
        operations.append({"create": {"_index": revisions_alias(alias), "_id": version.id}})
        operations.append(version.to_source())
    return operations


def _failed(response: Any) -> list[str]:
    failed: list[str] = []
    for item in response["items"]:
        result = item["create"]
        if result.get("status", 500) >= 300 and result.get("status") != 409:
            failed.append(str(result.get("_id")))
            log.error("version %s not kept: %s", result.get("_id"), result.get("error"))
    return failed


def versions_of(client: Elasticsearch, alias: str, doc_id: str) -> list[Version]:
    """The kept versions and trivial changes of one article, oldest first ([]: never changed)."""
    try:
        response = client.search(
            index=revisions_alias(alias),
            query={"term": {"doc_id": doc_id}},
            sort=[{"revision": "asc"}, {"captured_at": "asc"}],
            size=1000,
        )
    except NotFoundError:
        return []
    return [Version.from_source(hit["_source"]) for hit in response["hits"]["hits"]]
