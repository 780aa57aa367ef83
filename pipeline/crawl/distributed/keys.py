"""Redis key names of a distributed run: one prefix per (run, source), so nothing mixes.

Every worker of a run must compute the same names without talking to each other, so they are a
pure function of the run name and the spider (source) name. scrapy-redis formats its key settings
with ``%(spider)s``; :func:`key_patterns` gives it patterns in that form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROOT = "newsarchive"
_RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_run_name(run: str) -> str:
    """The run name, or ValueError: it goes into key names, so no spaces, colons or ``%``."""
    if not _RUN_NAME.match(run):
        raise ValueError(
            f"run name {run!r}: use 1-64 letters, digits, '_', '.' or '-', starting with a "
            "letter or digit"
        )
    return run


@dataclass(frozen=True, slots=True)
class RunKeys:
    """The Redis keys of one source in one run."""

    run: str
    spider: str

    @property
    def prefix(self) -> str:
        return f"{ROOT}:{check_run_name(self.run)}:{self.spider}"

    @property
    def queue(self) -> str:
        """Sorted set of serialized requests waiting to be fetched (score: -priority)."""
        return f"{self.prefix}:requests"

    @property
    def taken(self) -> str:
        """Sorted set of requests a worker has taken (score: lease deadline, Redis clock)."""
        return f"{self.queue}:taken"

    @property
    def seen(self) -> str:
        """Bitmap of the Bloom filter of request fingerprints."""
        return f"{self.prefix}:seen"

    @property
    def seeded(self) -> str:
        """String set once (SET NX) by the one worker that fetches the start URLs."""
        return f"{self.prefix}:seeded"

    @property
    def finished(self) -> str:
        """String set when the run ended with nothing left to do (by the worker that saw it)."""
        return f"{self.prefix}:finished"

    def all(self) -> tuple[str, ...]:
        return (self.queue, self.taken, self.seen, self.seeded, self.finished)


def key_patterns(run: str) -> dict[str, str]:
    """scrapy-redis's key settings for a run (it substitutes ``%(spider)s`` itself)."""
    keys = RunKeys(run, "%(spider)s")
    return {"SCHEDULER_QUEUE_KEY": keys.queue, "SCHEDULER_DUPEFILTER_KEY": keys.seen}


def taken_key(queue_key: str) -> str:
    """The lease set that belongs to a queue key (kept next to it, whatever the queue key is)."""
    return f"{queue_key}:taken"
