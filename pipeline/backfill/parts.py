"""The units of work of an import: whole files, or byte ranges of large per-record-gzip files.

Workers take parts, not files, so that one large file (a 1 GB CC-NEWS file, the benchmark's
single WARC) keeps every worker busy. A part ``[start, end)`` owns the records whose gzip
member *starts* inside it: its worker finds the first record start at or after ``start``
(``members.find_record_start``) and reads on past ``end`` only to finish the record it is in.
Part boundaries depend only on the file's size and ``NEWSARCHIVE_IMPORT_PART_BYTES``, so the
ledger's keys stay the same from one run to the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.backfill.inputs import size_of
from pipeline.backfill.members import per_record_gzip

__all__ = ["Part", "plan_parts"]


@dataclass(frozen=True, slots=True)
class Part:
    location: str
    size: int | None  # None: a server that did not say
    start: int
    end: int | None  # None: to the end of the file

    @property
    def key(self) -> str:
        """The ledger's name for this part; the size tells a replaced file from the old one."""
        return f"{self.location}|{self.size if self.size is not None else '?'}|{self.start}"


def plan_parts(locations: Sequence[str], part_bytes: int) -> list[Part]:
    """The parts of every location, in order."""
    parts: list[Part] = []
    for location in locations:
        size = size_of(location)
        if size is None or size <= part_bytes or not per_record_gzip(location):
            parts.append(Part(location, size, 0, None))
            continue
        starts = range(0, size, part_bytes)
        for start in starts:
            end = start + part_bytes
            parts.append(Part(location, size, start, end if end < size else None))
    return parts
