"""Every record of an import accounted for once: as a document outcome or a skip with a reason.

The same outcomes as a crawl's run summary (``indexed``, ``updated``, ``unchanged``,
``skipped``, ``dead_lettered``), counted per WARC record instead of per fetched URL, and
``balanced`` when they add up to the records read. Tallies travel from the workers to the
ledger as plain dicts, so the summary of a resumed import covers the parts read before the
interruption too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_PROBLEMS", "Tally"]

MAX_PROBLEMS = 50  # problems kept verbatim per tally; the counts keep the rest


@dataclass
class Tally:
    records: int = 0
    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    dead_lettered: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def documents(self) -> int:
        """Records that reached the index writer and were settled there."""
        return self.indexed + self.updated + self.unchanged + self.dead_lettered

    @property
    def balanced(self) -> bool:
        return self.records == (
            self.indexed + self.updated + self.unchanged + self.skipped + self.dead_lettered
        )

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped += count
        self.by_reason[reason] = self.by_reason.get(reason, 0) + count

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)

    def add(self, other: Tally) -> None:
        self.records += other.records
        self.indexed += other.indexed
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.dead_lettered += other.dead_lettered
        self.skipped += other.skipped
        for reason, count in other.by_reason.items():
            self.by_reason[reason] = self.by_reason.get(reason, 0) + count
        for text in other.problems:
            self.problem(text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "indexed": self.indexed,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "dead_lettered": self.dead_lettered,
            "skipped_by_reason": dict(sorted(self.by_reason.items())),
            "problems": list(self.problems),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tally:
        return cls(
            records=int(data.get("records", 0)),
            indexed=int(data.get("indexed", 0)),
            updated=int(data.get("updated", 0)),
            unchanged=int(data.get("unchanged", 0)),
            skipped=int(data.get("skipped", 0)),
            dead_lettered=int(data.get("dead_lettered", 0)),
            by_reason={str(k): int(v) for k, v in (data.get("skipped_by_reason") or {}).items()},
            problems=[str(p) for p in data.get("problems") or []],
        )
