"""The fixture site holding back its answer to one article until the test releases it.

Tests use it to stop a crawl at a well-defined moment: with one article in flight the spider
cannot close (so whatever is searchable was written before its final flush), and a crawl doing
one request at a time can fetch nothing else (so it can be killed with a known set of pages
done).
"""

from __future__ import annotations

import threading

from pipeline.local.fixture_site import FixtureSite, catalog
from pipeline.local.fixture_site.server import RequestRecord

ARTICLE_PATHS = frozenset(a.path for a in catalog.ARTICLES)


class HoldingSite(FixtureSite):
    """Holds the first request for an article after ``hold_after`` articles were answered.

    ``log_held``: whether the held request is recorded once released. A test that kills the
    crawl meanwhile says no: the client is gone before it could receive the answer.
    """

    def __init__(self, hold_after: int, *, log_held: bool = True) -> None:
        super().__init__()
        self.hold_after = hold_after
        self.log_held = log_held
        self.held: str | None = None
        self.holding = threading.Event()
        self.released = threading.Event()
        self._choose = threading.Lock()

    def _record(self, record: RequestRecord) -> None:
        if self._hold(record):
            self.holding.set()
            self.released.wait(timeout=300)
            if not self.log_held:
                return
        super()._record(record)

    def _hold(self, record: RequestRecord) -> bool:
        if record.status != 200 or record.path not in ARTICLE_PATHS:
            return False
        with self._choose:
            answered = [r for r in self.requests if r.status == 200 and r.path in ARTICLE_PATHS]
            if self.held is None and len(answered) >= self.hold_after:
                self.held = record.path
                return True
        return False

    def __enter__(self) -> HoldingSite:
        super().__enter__()
        return self

    def release(self) -> None:
        self.released.set()
