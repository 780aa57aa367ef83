"""Append-only JSON Lines files: the on-disk form of everything a crawl must not lose."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any


class JsonLinesFile:
    """One JSON object per line, appended under a lock, the file created on the first record.

    Readable with ``jq`` by an operator and line by line by the commands that replay it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
            self.count += 1
