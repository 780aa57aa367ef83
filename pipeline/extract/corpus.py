"""The robustness check: run ``extract()`` over every saved page of a corpus and account for
each outcome.

Quality figures hide the pages an extractor gives up on; this check counts them. Every page
ends in exactly one outcome -- an article, or the ``ExtractionError`` reason it raised -- and a
``failed`` outcome is a crash that ``extract()``'s boundary caught: a bug to fix, never a
property of the page. Time per page is measured around ``extract()`` alone (the file is read
first), so the maximum and the 99th percentile show the pages that would stall a crawl.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.exceptions import ExtractionError
from pipeline.extract.api import FAILED, ExtractOptions, extract

ARTICLE = "article"
EMPTY_BODY = "empty_body"


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What became of one page: ``article`` or an ExtractionError reason, and the time taken."""

    path: Path
    outcome: str
    seconds: float
    detail: str = ""


@dataclass(slots=True)
class CorpusReport:
    """Outcomes of a whole corpus, with the figures the benchmark prints."""

    pages: list[PageOutcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        """Pages per outcome."""
        return Counter(p.outcome for p in self.pages)

    @property
    def crashes(self) -> list[PageOutcome]:
        """Pages on which the extractor itself broke (reason ``failed``)."""
        return [p for p in self.pages if p.outcome == FAILED]

    @property
    def empty(self) -> list[PageOutcome]:
        """Pages on which no article text was found."""
        return [p for p in self.pages if p.outcome == EMPTY_BODY]

    def percentile(self, share: float) -> float:
        """Seconds within which ``share`` of the pages were extracted (nearest rank)."""
        times = sorted(p.seconds for p in self.pages)
        if not times:
            return 0.0
        rank = max(1, min(len(times), round(share * len(times) + 0.4999)))
        return times[rank - 1]

    @property
    def max_seconds(self) -> float:
        """The slowest page's time."""
        return max((p.seconds for p in self.pages), default=0.0)

    @property
    def pages_per_second(self) -> float:
        """Pages over the summed extraction time."""
        total = sum(p.seconds for p in self.pages)
        return len(self.pages) / total if total else 0.0


def corpus_pages(root: Path) -> list[Path]:
    """Every ``*.html`` below ``root`` (``<set>/pages/<id>.html`` in the shared data), sorted."""
    return sorted(root.rglob("*.html"))


# Extracted once, untimed, before the corpus: it loads the language model (a one-off second
# that would otherwise show up as the first page's time and as the corpus maximum).
_WARM_UP_HTML = (
    "<html><head><title>Warm-up</title></head><body><article><p>This paragraph only exists "
    "to load lazily initialised models before any page is timed.</p></article></body></html>"
)


def run_corpus(paths: Iterable[Path], options: ExtractOptions | None = None) -> CorpusReport:
    """Extract every page and record its outcome; no exception escapes for a single page."""
    extract(_WARM_UP_HTML, "https://example.invalid/warm-up", options)
    report = CorpusReport()
    for path in paths:
        report.pages.append(extract_one(path, options))
    return report


def extract_one(path: Path, options: ExtractOptions | None = None) -> PageOutcome:
    """One page's outcome; the URL is the file's URI (as in the offline CLI)."""
    data = path.read_bytes()
    started = time.perf_counter()
    try:
        extract(data, path.resolve().as_uri(), options)
    except ExtractionError as error:
        return PageOutcome(path, error.reason, time.perf_counter() - started, error.detail)
    return PageOutcome(path, ARTICLE, time.perf_counter() - started)


def summary_lines(report: CorpusReport, slowest: int = 5) -> Sequence[str]:
    """A human-readable summary: outcome counts, time figures, crashes and slowest pages."""
    lines = [
        f"pages: {len(report.pages)}",
        "outcomes: " + ", ".join(f"{k}={v}" for k, v in sorted(report.counts.items())),
        f"crashes: {len(report.crashes)}  empty bodies: {len(report.empty)}",
        f"seconds per page: max {report.max_seconds:.3f}  p99 {report.percentile(0.99):.3f}  "
        f"p50 {report.percentile(0.5):.3f}  pages/s {report.pages_per_second:.1f}",
    ]
    lines += [f"  crash {p.path}: {p.detail}" for p in report.crashes]
    lines += [f"  empty {p.path}: {p.detail}" for p in report.empty]
    for page in sorted(report.pages, key=lambda p: p.seconds, reverse=True)[:slowest]:
        lines.append(f"  slow {page.seconds:.3f}s {page.path}")
    return lines
