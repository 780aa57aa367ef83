"""Everything that talks to Elasticsearch for writing: client, schema, setup, bulk writes."""

from pipeline.index.bulk import BatchOutcome, RetryPolicy, to_actions, write_batch
from pipeline.index.client import ClusterSettings, make_async_client, make_client
from pipeline.index.deadletter import DeadLetterFile, read_dead_letters
from pipeline.index.setup import drop_index, ensure_index

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
