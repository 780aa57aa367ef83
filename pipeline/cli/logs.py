"""How ``newsarchive`` commands log: on stderr, so that stdout carries only results.

Two shapes: the long-running commands (``schedule``, ``reprocess``) log everything with a
timestamp through the root logger; the local-node commands (``es``, ``es cluster``) print their
own progress lines as ``es: message``, because their stdout is read by scripts (a URL, JSON).
"""

from __future__ import annotations

import logging
import os
import sys

__all__ = ["progress_to_stderr", "timestamped_to_stderr"]


def timestamped_to_stderr() -> None:
    """Root logging at ``$NEWSARCHIVE_LOG_LEVEL`` (INFO) with times; APScheduler's chatter off."""
    logging.basicConfig(
        level=os.environ.get("NEWSARCHIVE_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def progress_to_stderr(logger: logging.Logger, prefix: str) -> None:
    """Progress lines of a command on stderr as ``prefix: message`` (results go to stdout)."""
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{prefix}: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
