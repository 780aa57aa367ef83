"""What the import's main process hands its workers: parts to read and how to write them.

Kept apart from ``worker`` so that the main process, which only plans and keeps the ledger,
does not import the extraction stack (lxml, BeautifulSoup, MinHash): the forkserver imports it
once for all workers, and a filtered import's start-up stays short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.backfill.parts import Part
from pipeline.backfill.select import Selection
from pipeline.index.cluster import ClusterSettings, RetryPolicy
from pipeline.sources import Source

__all__ = ["Task", "WorkerConfig", "worker_main"]


@dataclass(frozen=True)
class Task:
    part: Part
    offset: int  # where reading starts
    synced: bool  # ``offset`` is a record start (0 or a checkpoint); else find the next one


@dataclass(frozen=True)
class WorkerConfig:
    cluster: ClusterSettings  # resolved URL, ``alias`` = the alias written to
    data_dir: Path
    run_dir: Path
    selection: Selection
    sources: tuple[Source, ...] = ()  # configured sources: a host they allow takes their name
    batch_size: int = 200
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def worker_main(
    worker_id: int, config: WorkerConfig, tasks: Any, results: Any, parent_pid: int
) -> None:
    """A worker process's entry point (``worker.run_worker``, imported in the worker)."""
    from pipeline.backfill.worker import run_worker

    run_worker(worker_id, config, tasks, results, parent_pid)
