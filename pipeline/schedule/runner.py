"""One crawl run as its own OS process, recorded in the run store, guarded by a per-source lock.

A separate process per run keeps Twisted's one-reactor-per-process rule out of the scheduler,
isolates a crashing crawl, and is exactly what an operator runs by hand
(``newsarchive crawl --source NAME --resumable``). The lock file (``flock``) makes "never two runs
of one source at once" hold across scheduler instances and manual runs too, not only inside one
APScheduler job store.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.exceptions import SourceBusy
from pipeline.index.spool import find_spools
from pipeline.schedule.runs import FAILED, INTERRUPTED, SUCCEEDED, RunStore

log = logging.getLogger(__name__)

# Replaying a spool retries what the cluster does not take with back-off; past this, the run
# starts anyway and the spool waits for the next one.
REPLAY_TIMEOUT = 600


@dataclass(frozen=True)
class CrawlCommand:
    """How to start ``newsarchive crawl`` for one source; shared settings for every source."""

    data_dir: Path
    alias: str | None = None  # given to the crawl as --index
    sources_file: Path | None = None
    settings: Sequence[str] = ()  # NAME=VALUE Scrapy overrides
    python: str = sys.executable

    def argv(self, source: str) -> list[str]:
        cmd = [self.python, "-m", "pipeline.cli", "crawl", "--source", source, "--json"]
        cmd += ["--resumable", "--data-dir", str(self.data_dir)]
        if self.alias:
            cmd += ["--index", self.alias]
        if self.sources_file:
            cmd += ["--sources-file", str(self.sources_file)]
        for item in self.settings:
            cmd += ["-s", item]
        return cmd

    def spool_folder(self, source: str) -> Path:
        """Where the runs of ``source`` leave what they spooled (``pipeline.crawl.ledger``)."""
        return self.data_dir / "runs" / source

    def replay_argv(self, source: str) -> list[str]:
        return [
            self.python,
            "-m",
            "pipeline.cli",
            "replay",
            "--json",
            str(self.spool_folder(source)),
        ]


@dataclass
class RunOutcome:
    run_id: int | None
    status: str
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@contextmanager
def source_lock(data_dir: Path, source: str) -> Iterator[None]:
    """Hold ``<data dir>/locks/<source>.lock`` exclusively, or raise ``SourceBusy`` at once."""
    folder = data_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{source}.lock").open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise SourceBusy(source) from exc
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class CrawlRunner:
    """Runs crawls and remembers the live child processes so a shutdown can stop them."""

    def __init__(self, command: CrawlCommand, store: RunStore) -> None:
        self.command = command
        self.store = store
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._signalled: set[int] = set()
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self, source: str) -> RunOutcome:
        """Run one crawl of ``source`` to its end (or interruption) and record it."""
        if self.stopping.is_set():
            return RunOutcome(None, "not started", error="the scheduler is stopping")
        try:
            with source_lock(self.command.data_dir, source):
                return self._run_locked(source)
        except SourceBusy:
            log.warning("source %s: a run is already in progress, not starting another", source)
            return RunOutcome(None, "busy", error="a run of this source is in progress")

    def _run_locked(self, source: str) -> RunOutcome:
        self._replay_spools(source)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        log_dir = self.command.data_dir / "logs" / source
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / f"{stamp}.log"
        run_id = self.store.start(source, log_file=str(log_file))
        log.info("run %d of %s starting (log: %s)", run_id, source, log_file)
        with log_file.open("wb") as err:
            try:
                child = subprocess.Popen(
                    self.command.argv(source),
                    stdout=subprocess.PIPE,
                    stderr=err,
                    # Own session: a Ctrl-C at the terminal reaches the scheduler only, which
                    # forwards one SIGTERM itself; a second signal would force Scrapy to abort.
                    start_new_session=True,
                    env=os.environ.copy(),
                )
            except OSError as exc:
                self.store.finish(
                    run_id,
                    status=FAILED,
                    exit_code=None,
                    summary=None,
                    error=f"cannot start the crawl: {exc}",
                )
                return RunOutcome(run_id, FAILED, error=str(exc))
            self.store.set_pid(run_id, child.pid)
            with self._lock:
                self._children[source] = child
            try:
                stdout, _ = child.communicate()
            finally:
                with self._lock:
                    self._children.pop(source, None)
        outcome = self._outcome(run_id, child.returncode, stdout, log_file)
        self.store.finish(
            run_id,
            status=outcome.status,
            exit_code=child.returncode,
            summary=outcome.summary,
            error=outcome.error,
        )
        s = outcome.summary
        log.info(
            "run %d of %s %s: fetched %s, indexed %s, updated %s, unchanged %s, skipped %s%s",
            run_id,
            source,
            outcome.status,
            s.get("fetched", "-"),
            s.get("indexed", "-"),
            s.get("updated", "-"),
            s.get("unchanged", "-"),
            s.get("skipped", "-"),
            f" ({outcome.error})" if outcome.error else "",
        )
        self._judge_health(source, outcome)
        return outcome

    def _judge_health(self, source: str, outcome: RunOutcome) -> None:
        """Alerts of the run's health (pipeline.health): logged at WARNING, posted if configured.

        A failure here is logged and the schedule goes on: health is about the runs, never a
        reason to stop them.
        """
        from pipeline.health.watch import after_run  # pipeline.health reads this package

        run_dir = outcome.summary.get("run_dir")
        try:
            after_run(self.command.data_dir, source, str(run_dir) if run_dir else None)
        except Exception:
            log.exception("source %s: judging the run's health failed", source)

    def _replay_spools(self, source: str) -> None:
        """Index what earlier runs of ``source`` spooled before this run re-crawls the source.

        A spooled page's validators are already in the URL store (the spool is durable), so
        this run would get a 304 for it and leave it to ``newsarchive replay``; a scheduled
        archive must not depend on someone remembering to run that. A replay that cannot reach
        the cluster keeps its spool for the next run, and this run goes ahead regardless.
        """
        if not find_spools([self.command.spool_folder(source)]):
            return
        try:
            done = subprocess.run(
                self.command.replay_argv(source),
                capture_output=True,
                timeout=REPLAY_TIMEOUT,
                env=os.environ.copy(),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("source %s: replaying earlier spools failed: %s", source, exc)
            return
        if done.returncode == 0:
            log.info("source %s: documents spooled by earlier runs are now indexed", source)
        else:
            reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
            log.warning(
                "source %s: spooled documents still pending after replay (%s); kept for the "
                "next run",
                source,
                reason[0],
            )

    def _outcome(self, run_id: int, code: int, stdout: bytes, log_file: Path) -> RunOutcome:
        try:
            summary = dict(json.loads(stdout.decode("utf-8", "replace"))[0])
        except (ValueError, IndexError, TypeError, KeyError):
            tail = _tail(log_file)
            return RunOutcome(run_id, FAILED, error=f"exit code {code}, no summary: {tail}")
        reason = str(summary.get("finish_reason", ""))
        if reason == "shutdown":
            return RunOutcome(run_id, INTERRUPTED, summary, "interrupted; resumes next run")
        if reason != "finished":
            return RunOutcome(run_id, FAILED, summary, f"finish reason {reason!r}")
        if code != 0:
            problems = []
            if summary.get("dead_lettered"):
                problems.append(f"{summary['dead_lettered']} dead-lettered")
            if not summary.get("balanced", True):
                problems.append("ledger unbalanced")
            detail = ", ".join(problems) or _tail(log_file)
            return RunOutcome(run_id, FAILED, summary, f"exit code {code}: {detail}")
        return RunOutcome(run_id, SUCCEEDED, summary)

    def running(self) -> list[str]:
        with self._lock:
            return sorted(self._children)

    def stop_all(self) -> None:
        """Ask every running crawl to stop: ONE SIGTERM each (Scrapy's graceful shutdown).

        Scrapy finishes the requests in flight, flushes the item pipelines and keeps the rest
        of its queue in the source's JOBDIR, so the next run resumes where this one stopped.
        """
        self.stopping.set()
        with self._lock:
            children = list(self._children.items())
        for source, child in children:
            if child.pid in self._signalled or child.poll() is not None:
                continue
            self._signalled.add(child.pid)
            log.info("asking the run of %s (pid %d) to stop and checkpoint", source, child.pid)
            child.send_signal(signal.SIGTERM)

    def kill_all(self) -> None:
        """Last resort after the grace period: the JOBDIR may lose the last few requests."""
        with self._lock:
            children = list(self._children.items())
        for source, child in children:
            if child.poll() is None:
                log.warning("the run of %s did not stop in time; killing pid %d", source, child.pid)
                child.kill()


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return " | ".join(text[-lines:]) or "empty log"
