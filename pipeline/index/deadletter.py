"""Documents Elasticsearch would not take, kept on disk with the reason, never silently dropped.

One JSON object per line, so an operator can read it with ``jq`` and a later command can replay it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.index.jsonl import JsonLinesFile


class DeadLetterFile(JsonLinesFile):
    """Append-only JSON Lines file of rejected documents, opened lazily on the first reject."""

    def park(
        self,
        *,
        doc_id: str,
        index: str,
        document: dict[str, Any],
        reason: str,
        status: int | str | None = None,
    ) -> None:
        self.append(
            {
                "parked_at": datetime.now(UTC).isoformat(),
                "index": index,
                "id": doc_id,
                "status": status,
                "reason": reason,
                "document": document,
            }
        )


def read_dead_letters(path: Path) -> list[dict[str, Any]]:
    """All parked records of a file, oldest first."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
