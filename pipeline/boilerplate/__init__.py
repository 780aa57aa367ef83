"""Learned site boilerplate: lines a source's template repeats across its article bodies.

The crawl observes every extracted body (``SiteLearner.observe``) and strips what has been
learned from later ones (``SiteLearner.patterns``, handed to the extractor with the
source's handwritten patterns). ``newsarchive boilerplate show|accept|reject SOURCE``
reviews what was learned. The rules live in ``learn``, the memory in ``store``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.boilerplate.learn import sightings
from pipeline.boilerplate.store import (
    ACCEPTED,
    PENDING,
    REJECTED,
    BoilerplateStore,
    Candidate,
)

__all__ = [
    "ACCEPTED",
    "PENDING",
    "REJECTED",
    "BoilerplateStore",
    "Candidate",
    "SiteLearner",
    "SourceLearners",
]

# Learned patterns are re-read after REFRESH_EVERY observed pages while a source is new (a
# prompt disappears soon after it is learned), then after every REFRESH_SHARE-th of the pages
# observed so far, at most REFRESH_MAX: a line learned late in a long crawl still shows on at
# most REFRESH_MAX more pages. Each re-read commits the buffered pages and queries the store;
# every 5 pages it was 7% of the crawl process's time (py-spy, benchmarks/RESULTS.md).
REFRESH_EVERY = 5
REFRESH_SHARE = 50
REFRESH_MAX = 25


class SiteLearner:
    """One source's learner during a crawl: observes bodies, strips what it has learned.

    It sees each body *before* stripping: a learned line that stopped being counted once it
    was removed would lose its share of the source's pages and come back.
    """

    def __init__(self, store: BoilerplateStore, source: str) -> None:
        self.store = store
        self.source = source
        self._patterns = store.applied_patterns(source)
        self._since_refresh = 0
        self._observed = 0

    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """The learned patterns currently applied to this source's pages."""
        return self._patterns

    def observe(self, url: str, body: str, authors: Sequence[str]) -> None:
        """Record one extracted body; refresh the applied patterns every few pages."""
        paragraphs = [p for p in body.split("\n\n") if p.strip()]
        self.store.observe(self.source, url, sightings(paragraphs, authors))
        self._since_refresh += 1
        self._observed += 1
        if self._since_refresh >= refresh_interval(self._observed):
            self._patterns = self.store.applied_patterns(self.source)
            self._since_refresh = 0

    def clean(self, body: str) -> str:
        """The body without the learned lines; paragraphs left empty disappear."""
        if not self._patterns:
            return body
        kept = []
        for paragraph in body.split("\n\n"):
            lines = [
                line
                for line in paragraph.split("\n")
                if not any(p.search(line) for p in self._patterns)
            ]
            if any(line.strip() for line in lines):
                kept.append("\n".join(lines))
        return "\n\n".join(kept)


class SourceLearners:
    """One learner per source over a store, made on first use (it reads the applied lines then).

    Shared by the crawl's extract stage and by re-processing; without a store (learning off, or
    no store file) there is no learner for any source.
    """

    def __init__(self, store: BoilerplateStore | None) -> None:
        self.store = store
        self._made: dict[str, SiteLearner] = {}

    def get(self, source: str) -> SiteLearner | None:
        if self.store is None or not source:
            return None
        if source not in self._made:
            self._made[source] = SiteLearner(self.store, source)
        return self._made[source]


def refresh_interval(observed: int) -> int:
    """Pages between two re-reads of the learned patterns, after ``observed`` pages."""
    return min(REFRESH_MAX, max(REFRESH_EVERY, observed // REFRESH_SHARE))
