"""This worker's leases: which taken requests it still owes the fleet an outcome for.

Why: a request popped from the shared queue stays in the "taken" set until its work is durable
(its links are in the queue, its article is written to Elasticsearch). If the worker dies first,
the lease expires and any worker puts the request back in the queue. The book counts, per lease,
the pieces of work still open ("holds"): the download itself, each link and each item the page
produced. When the count reaches zero the lease is acknowledged (removed from "taken").

Articles are a special case: the index pipeline writes them in batches, so an article is only
durable after the batch it sits in has been flushed. Leases whose articles are buffered wait in
``awaiting_flush`` until the pipeline reports a flush.
"""

from __future__ import annotations

import logging
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

# Request.meta keys of distributed mode (removed before a request is serialized into Redis).
LEASE_META = "newsarchive_lease"  # the taken-set member of the request being processed
PARENT_META = "newsarchive_parent_lease"  # on a link: the lease of the page it was found on
# Per-process state never goes into Redis: these leases, the fleet-politeness slot lease (a retry
# must ask for its own slot), and the start-request flag (a retried seed is an ordinary request).
PRIVATE_META = frozenset({LEASE_META, PARENT_META, "newsarchive_fleet_lease", "is_start_request"})


class LeaseBook:
    """Open work per lease; calls ``acknowledge`` with the leases whose work is all done."""

    def __init__(self, acknowledge: Callable[[list[bytes]], None]) -> None:
        self._acknowledge = acknowledge
        self._holds: Counter[bytes] = Counter()
        self._awaiting_flush: list[bytes] = []
        # The index pipeline's flush, when one batches articles (set by LeasedIndexPipeline).
        self.flusher: Callable[[], Awaitable[None]] | None = None

    def __len__(self) -> int:
        return len(self._holds)

    def leases(self) -> list[bytes]:
        """Every lease this worker holds (to renew their deadlines)."""
        return list(self._holds)

    def hold(self, lease: bytes) -> None:
        self._holds[lease] += 1

    def release(self, lease: bytes) -> None:
        """One piece of work of ``lease`` is done; acknowledge it when none is left."""
        if lease not in self._holds:
            return
        self._holds[lease] -= 1
        if self._holds[lease] <= 0:
            del self._holds[lease]
            self._acknowledge([lease])

    def release_all(self, leases: Iterable[bytes]) -> None:
        for lease in leases:
            self.release(lease)

    def release_after_flush(self, lease: bytes) -> None:
        """An article of ``lease`` sits in the index pipeline's buffer: release at its flush."""
        if self.flusher is None:
            self.release(lease)
        else:
            self._awaiting_flush.append(lease)

    def take_awaiting_flush(self) -> list[bytes]:
        """The leases whose articles a flush starting now will write (or a later one)."""
        taken, self._awaiting_flush = self._awaiting_flush, []
        return taken

    def settle(self, leases: Iterable[bytes]) -> None:
        """Acknowledge ``leases`` whatever their counts: the worker is idle, so all work is done.

        Needed for what no signal reports the end of, e.g. a download failure whose errback ran
        outside the spider middlewares.
        """
        done = [lease for lease in leases if self._holds.pop(lease, None) is not None]
        self._awaiting_flush = [lease for lease in self._awaiting_flush if lease in self._holds]
        if done:
            self._acknowledge(done)


_BOOKS: weakref.WeakKeyDictionary[Any, LeaseBook] = weakref.WeakKeyDictionary()


def register_book(crawler: Any, book: LeaseBook) -> None:
    """Make ``book`` the lease book of ``crawler`` (the scheduler owns it)."""
    _BOOKS[crawler] = book


def book_for(crawler: Any) -> LeaseBook | None:
    """The lease book of ``crawler``, or None when it does not run in distributed mode."""
    return _BOOKS.get(crawler)
