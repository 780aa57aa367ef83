"""What one run says about a source's extraction: counts and shares, from its documents and skips.

A run (a crawl, an import, a re-processing) is summarised per source by the documents it made
and the pages it left out. The shares are what an extraction regression moves: a template change
that loses the bylines raises ``no_author``, one that loses the dates raises ``no_date``, a
broken body selector raises ``short_body`` and ``extraction_failed``. Shares are taken over the
documents this run extracted (known pages found unchanged, by a 304 answer or their feed date,
carry no new evidence and are counted only in ``volume``).

Definitions (each computable from the index, see tests/integration/test_health_index.py):

- ``no_date``: the page itself states no publication date (the date came from the URL, a feed or
  sitemap entry, or nowhere: ``date_source.published`` is ``url``, ``feed``, ``sitemap`` or
  ``undated``);
- ``undated``: the document has no publication date at all (``published_at`` missing);
- ``no_author``: no author;
- ``short_body``: fewer than ``short_words`` (50) words of body;
- ``extraction_failed``: of the pages that reached extraction, those it rejected (``extract/*``);
- ``fetch_error``: of the article URLs asked for, those that failed (``fetch/*`` but 304s).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.items import Article

__all__ = ["NO_PAGE_DATE", "SHARES", "RunHealth", "Tally"]

SHARES = ("no_date", "undated", "no_author", "short_body", "extraction_failed", "fetch_error")
# Where a publication date came from when the page itself did not state one.
NO_PAGE_DATE = frozenset({"url", "feed", "sitemap", "undated"})
NOT_MODIFIED = "fetch/not_modified"


@dataclass(frozen=True)
class RunHealth:
    """The health of one source in one run."""

    source: str
    kind: str  # "crawl" | "import" | "reprocess"
    started_at: datetime
    finished_at: datetime
    run_dir: str
    documents: int
    no_date: int
    undated: int
    no_author: int
    short_body: int
    median_words: float | None
    boilerplate_lines: int  # learned boilerplate lines stripped, over all documents
    # Known pages found unchanged, so not re-extracted: answered 304 to a conditional GET, or
    # not fetched because their feed or sitemap date had not moved (incremental crawls).
    unchanged: int
    extraction_failures: dict[str, int] = field(default_factory=dict)  # reason -> count
    fetch_errors: dict[str, int] = field(default_factory=dict)  # kind -> count
    id: int | None = None  # row in the run history, once stored

    @property
    def volume(self) -> int:
        """Documents the source carried in this run: extracted ones plus known unchanged ones."""
        return self.documents + self.unchanged

    def share(self, name: str) -> float | None:
        """One of ``SHARES`` as a fraction, or None when the run gives nothing to divide by."""
        if name == "extraction_failed":
            failed = sum(self.extraction_failures.values())
            return _ratio(failed, self.documents + failed)
        if name == "fetch_error":
            errors = sum(self.fetch_errors.values())
            return _ratio(errors, self.volume + errors + sum(self.extraction_failures.values()))
        return _ratio(int(getattr(self, name)), self.documents)

    def shares(self) -> dict[str, float | None]:
        return {name: self.share(name) for name in SHARES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "run_dir": self.run_dir,
            "documents": self.documents,
            "volume": self.volume,
            "no_date": self.no_date,
            "undated": self.undated,
            "no_author": self.no_author,
            "short_body": self.short_body,
            "median_words": self.median_words,
            "boilerplate_lines": self.boilerplate_lines,
            "unchanged": self.unchanged,
            "extraction_failures": dict(self.extraction_failures),
            "fetch_errors": dict(self.fetch_errors),
            "shares": self.shares(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, id: int | None = None) -> RunHealth:
        median = data.get("median_words")
        return cls(
            source=str(data["source"]),
            kind=str(data["kind"]),
            started_at=datetime.fromisoformat(str(data["started_at"])),
            finished_at=datetime.fromisoformat(str(data["finished_at"])),
            run_dir=str(data.get("run_dir") or ""),
            documents=int(data["documents"]),
            no_date=int(data["no_date"]),
            undated=int(data["undated"]),
            no_author=int(data["no_author"]),
            short_body=int(data["short_body"]),
            median_words=float(median) if median is not None else None,
            boilerplate_lines=int(data["boilerplate_lines"]),
            unchanged=int(data["unchanged"]),
            extraction_failures={str(k): int(v) for k, v in data["extraction_failures"].items()},
            fetch_errors={str(k): int(v) for k, v in data["fetch_errors"].items()},
            id=id,
        )


class Tally:
    """Counts one source's documents and skips during a run; ``result()`` is its RunHealth."""

    def __init__(self, source: str, kind: str, started_at: datetime, short_words: int) -> None:
        self.source = source
        self.kind = kind
        self.started_at = started_at
        self.short_words = short_words
        self.words: list[int] = []
        self.counts: Counter[str] = Counter()
        self.extraction_failures: Counter[str] = Counter()
        self.fetch_errors: Counter[str] = Counter()

    def article(self, article: Article) -> None:
        self.words.append(article.word_count)
        self.counts["documents"] += 1
        self.counts["boilerplate_lines"] += article.learned_lines_removed
        if article.date_source.get("published", "undated") in NO_PAGE_DATE:
            self.counts["no_date"] += 1
        if article.published_at is None:
            self.counts["undated"] += 1
        if not article.authors:
            self.counts["no_author"] += 1
        if article.word_count < self.short_words:
            self.counts["short_body"] += 1

    def skip(self, reason: str) -> None:
        """A page left out, by its ledger reason (``extract/empty_body``, ``fetch/http_404``)."""
        stage, _, code = reason.partition("/")
        if reason == NOT_MODIFIED:
            self.counts["unchanged"] += 1
        elif stage == "extract":
            self.extraction_failures[code] += 1
        elif stage == "fetch":
            self.fetch_errors[code] += 1

    def add_unchanged(self, count: int) -> None:
        """Known pages not re-extracted (incremental skips by feed date, no capture to re-read)."""
        self.counts["unchanged"] += count

    def result(self, finished_at: datetime, run_dir: str = "") -> RunHealth:
        c = self.counts
        return RunHealth(
            source=self.source,
            kind=self.kind,
            started_at=self.started_at,
            finished_at=finished_at,
            run_dir=run_dir,
            documents=c["documents"],
            no_date=c["no_date"],
            undated=c["undated"],
            no_author=c["no_author"],
            short_body=c["short_body"],
            median_words=float(statistics.median(self.words)) if self.words else None,
            boilerplate_lines=c["boilerplate_lines"],
            unchanged=c["unchanged"],
            extraction_failures=dict(sorted(self.extraction_failures.items())),
            fetch_errors=dict(sorted(self.fetch_errors.items())),
        )


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
