"""One article's history as readers see it: its versions, its trivial changes, a diff of two.

Shared by ``newsarchive revisions`` and the document page, so both list the same versions and
show the same diff. An article that never changed has one version, the stored document itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from pipeline.revisions.diff import Segment, diff_html, diff_text, word_diff
from pipeline.revisions.store import REEXTRACTED, TRIVIAL_CHANGE, VERSION, Version, versions_of


@dataclass(frozen=True)
class History:
    doc_id: str
    versions: list[Version]  # kind VERSION, by revision
    trivial: list[Version]  # kind TRIVIAL_CHANGE, oldest first
    reextracted: list[Version]  # kind REEXTRACTED: texts re-processing got, oldest first

    def version(self, revision: int) -> Version:
        for v in self.versions:
            if v.revision == revision:
                return v
        known = ", ".join(str(v.revision) for v in self.versions)
        raise ValueError(f"{self.doc_id} has no revision {revision} (revisions: {known})")

    def default_pair(self) -> tuple[int, int] | None:
        """The last two revisions: what "what changed?" means without further words."""
        if len(self.versions) < 2:
            return None
        return self.versions[-2].revision, self.versions[-1].revision

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.doc_id,
            "versions": [_summary(v) for v in self.versions],
            "trivial_changes": [_summary(v) for v in self.trivial],
            "reextractions": [_summary(v) for v in self.reextracted],
        }


@dataclass(frozen=True)
class Comparison:
    old: Version
    new: Version
    title: list[Segment]
    body: list[Segment]

    @property
    def title_html(self) -> str:
        return diff_html(self.title)

    @property
    def body_html(self) -> str:
        return diff_html(self.body)

    def text(self) -> str:
        return f"{diff_text(self.title)}\n\n{diff_text(self.body)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.old.revision,
            "to": self.new.revision,
            "title": [s.to_dict() for s in self.title],
            "body": [s.to_dict() for s in self.body],
        }


def history(client: Elasticsearch, alias: str, doc_id: str) -> History | None:
    """The history of ``doc_id``, or None when the archive has no such article."""
    kept = versions_of(client, alias, doc_id)
    versions = [v for v in kept if v.kind == VERSION]
    trivial = sorted((v for v in kept if v.kind == TRIVIAL_CHANGE), key=lambda v: v.captured_at)
    redone = sorted((v for v in kept if v.kind == REEXTRACTED), key=lambda v: v.captured_at)
    if versions:
        return History(doc_id, versions, trivial, redone)
    response = client.search(index=alias, query={"ids": {"values": [doc_id]}}, size=1)
    hits = response["hits"]["hits"]
    if not hits:
        return None
    src = hits[0]["_source"]
    only = Version(
        doc_id=doc_id,
        revision=int(src.get("revision") or 1),
        kind=VERSION,
        title=str(src.get("title") or ""),
        body=str(src.get("body") or ""),
        captured_at=datetime.fromisoformat(str(src.get("changed_at") or src["fetched_at"])),
        source=str(src.get("source") or ""),
        url=str(src.get("url") or ""),
        content_hash=str(src.get("content_hash") or ""),
        warc=src.get("warc"),
    )
    return History(doc_id, [only], trivial, redone)


def compare(story: History, old: int, new: int) -> Comparison:
    """The word-level diff from revision ``old`` to revision ``new``."""
    a, b = story.version(old), story.version(new)
    return Comparison(a, b, word_diff(a.title, b.title), word_diff(a.body, b.body))


def _summary(v: Version) -> dict[str, Any]:
    return {
        "revision": v.revision,
        "kind": v.kind,
        "captured_at": v.captured_at.isoformat(),
        "warc": v.warc,
        "title": v.title,
        "words": len(v.body.split()),
        "changed_fields": list(v.changed_fields),
        "trivia": list(v.trivia),
    }
