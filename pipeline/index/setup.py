"""Create the template, the versioned index and the alias, idempotently, at every start.

Writers and searchers only ever name the alias; the versioned index behind it can be rebuilt and
swapped without them noticing.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch

from pipeline.index.schema import SCHEMA_VERSION, index_name, template_body


def template_name(prefix: str) -> str:
    return f"{prefix}-articles"


def ensure_index(client: Elasticsearch, prefix: str) -> str:
    """Make sure ``prefix`` is an alias of a ``prefix-vN`` index; return the concrete index name."""
    client.indices.put_index_template(name=template_name(prefix), **template_body(prefix))
    if client.indices.exists_alias(name=prefix):
        current = next(iter(client.indices.get_alias(name=prefix)))
        return str(current)
    concrete = index_name(prefix, SCHEMA_VERSION)
    if not client.indices.exists(index=concrete):
        client.indices.create(index=concrete)
    client.indices.update_aliases(
        actions=[{"add": {"index": concrete, "alias": prefix, "is_write_index": True}}]
    )
    client.cluster.health(index=concrete, wait_for_status="yellow", timeout="30s")
    return concrete


def drop_index(client: Elasticsearch, prefix: str) -> None:
    """Remove the alias, every versioned index behind it and the template (tests, resets)."""
    # Deleting by wildcard is refused by default (action.destructive_requires_name): name them.
    names = list(client.indices.get(index=f"{prefix}-v*", allow_no_indices=True))
    if names:
        client.indices.delete(index=",".join(names))
    if client.indices.exists_index_template(name=template_name(prefix)):
        client.indices.delete_index_template(name=template_name(prefix))
