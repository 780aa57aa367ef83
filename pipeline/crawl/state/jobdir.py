"""Keep Scrapy's JOBDIR only when the run that wrote it shut down cleanly.

Scrapy writes a JOBDIR's state at different moments: fingerprints of scheduled requests go to
``requests.seen`` through a file buffer, pending requests to disk queues whose bookkeeping
(``requests.queue/active.json``, each queue's ``info.json``) is written when the spider closes,
and the requests already handed to the downloader live only in memory. A process killed with
SIGKILL leaves fingerprints of requests that are in no queue, or queue files that disagree with
their bookkeeping: resuming that could skip whole sections (their URLs count as seen) or fail to
start at all.

So a run marks its JOBDIR as *in use* before it starts and removes the mark once Scrapy has
closed the spider (and written its state); a JOBDIR still marked when the next run starts was
left by a killed process and is discarded with a warning. Starting afresh costs little, because
the URL store (``pipeline.crawl.state.urlstore``) remembers every page finished before the kill: the
fresh run revalidates them with conditional GETs (304) instead of downloading them again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

IN_USE = "newsarchive-in-use.json"
_ACTIVE = Path("requests.queue") / "active.json"


def claim_job_dir(path: Path) -> bool:
    """Prepare ``path`` for a run; returns whether an earlier run's state will be resumed.

    A JOBDIR that is still marked in use, or whose queue bookkeeping cannot be read, is removed
    first (the crawl then starts from its seeds).
    """
    problem = _unusable(path)
    if problem is not None:
        log.warning("discarding the crawl state in %s (%s): starting afresh", path, problem)
        shutil.rmtree(path, ignore_errors=True)
    resuming = path.is_dir() and any(path.iterdir())
    path.mkdir(parents=True, exist_ok=True)
    marker = {"pid": os.getpid(), "started": datetime.now(UTC).isoformat()}
    (path / IN_USE).write_text(json.dumps(marker), encoding="utf-8")
    return resuming


def release_job_dir(path: Path, finish_reason: str | None) -> None:
    """After the crawl: drop a finished run's state, keep an interrupted one for resuming.

    ``finish_reason`` is Scrapy's (``None`` when the spider never closed properly, in which case
    the mark stays and the next run starts afresh). A finished run's fingerprints would
    otherwise filter out every URL of the next run.
    """
    if finish_reason is None:
        log.warning("the crawl in %s did not close cleanly: its state will not be resumed", path)
    elif finish_reason == "finished":
        shutil.rmtree(path, ignore_errors=True)
    else:
        (path / IN_USE).unlink(missing_ok=True)


def _unusable(path: Path) -> str | None:
    """Why the state in ``path`` cannot be resumed, or None when it can (or there is none)."""
    if not path.is_dir():
        return None
    marker = path / IN_USE
    if marker.exists():
        return f"left by a run that did not shut down cleanly: {_describe(marker)}"
    active = path / _ACTIVE
    if active.exists():
        try:
            json.loads(active.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return f"unreadable {_ACTIVE}: {exc}"
    return None


def _describe(marker: Path) -> str:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return "unreadable mark"
    if not isinstance(data, dict):
        return "unreadable mark"
    return f"pid {data.get('pid')}, started {data.get('started')}"
