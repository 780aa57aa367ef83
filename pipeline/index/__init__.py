"""Everything that talks to Elasticsearch for writing: client, schema, setup, bulk writes."""

from typing import TYPE_CHECKING

from pipeline.lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.index.bulk import BatchOutcome, to_actions, write_batch
    from pipeline.index.client import make_async_client, make_client
    from pipeline.index.cluster import ClusterSettings, RetryPolicy
    from pipeline.index.deadletter import DeadLetterFile, read_dead_letters
    from pipeline.index.setup import drop_index, ensure_index
else:  # imported on first use (pipeline/lazy.py says why)
    __getattr__ = lazy_exports(
        __name__,
        {
            "bulk": ("BatchOutcome", "to_actions", "write_batch"),
            "client": ("make_async_client", "make_client"),
            "cluster": ("ClusterSettings", "RetryPolicy"),
            "deadletter": ("DeadLetterFile", "read_dead_letters"),
            "setup": ("drop_index", "ensure_index"),
        },
    )

__all__ = [
    "BatchOutcome",
    "ClusterSettings",
    "DeadLetterFile",
    "RetryPolicy",
    "drop_index",
    "ensure_index",
    "make_async_client",
    "make_client",
    "read_dead_letters",
    "to_actions",
    "write_batch",
]
