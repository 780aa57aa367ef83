"""Create the template, the versioned index and the alias, idempotently, at every start.

Writers and searchers only ever name the alias; the versioned index behind it can be rebuilt and
swapped without them noticing.
"""

from __future__ import annotations

import re

from elasticsearch import BadRequestError, Elasticsearch

from pipeline.exceptions import IndexingError
from pipeline.index.schema import (
    MAPPINGS,
    SCHEMA_VERSION,
    index_name,
    replicas_from_env,
    template_body,
)
from pipeline.revisions.store import drop_revisions_index, ensure_revisions_index


def template_name(prefix: str) -> str:
    return f"{prefix}-articles"


def ensure_index(client: Elasticsearch, prefix: str) -> str:
    """Make sure ``prefix`` is an alias of a ``prefix-vN`` index; return the concrete index name.

    The article history's ``prefix-revisions`` (``pipeline.revisions.store``) is set up too, so
    every writer finds it.
    """
    client.indices.put_index_template(name=template_name(prefix), **template_body(prefix))
    ensure_revisions_index(client, prefix)
    if client.indices.exists_alias(name=prefix):
        current = str(next(iter(client.indices.get_alias(name=prefix))))
        # Fields added since the index was created (additive changes only; same definitions of
        # existing fields are a no-op), so a strict mapping accepts documents of the new code.
        client.indices.put_mapping(index=current, properties=MAPPINGS["properties"])
        replicas = replicas_from_env()
        if replicas is not None:
            # The template shapes new indices only; a replica count is dynamic, so an index
            # created on one node gains its copies once the writer is pointed at a cluster.
            client.indices.put_settings(index=current, settings={"number_of_replicas": replicas})
        return current
    concrete = index_name(prefix, SCHEMA_VERSION)
    if not client.indices.exists(index=concrete):
        _create_unless_raced(client, concrete)
    client.indices.update_aliases(
        actions=[{"add": {"index": concrete, "alias": prefix, "is_write_index": True}}]
    )
    client.cluster.health(index=concrete, wait_for_status="yellow", timeout="30s")
    return concrete


def _create_unless_raced(client: Elasticsearch, concrete: str) -> None:
    """Create ``concrete``; another writer creating it first (workers of a fleet start together)
    is success, not an error: the alias step after it is idempotent too."""
    try:
        client.indices.create(index=concrete)
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise


def drop_index(client: Elasticsearch, prefix: str) -> None:
    """Remove the alias, every versioned index behind it and the template (tests, resets)."""
    # Deleting by wildcard is refused by default (action.destructive_requires_name): name them.
    names = list(client.indices.get(index=f"{prefix}-v*", allow_no_indices=True))
    # A concrete index named like the alias is the residue of a write that raced a reset (the
    # node auto-created it, with dynamic mappings): it would block the alias from ever existing.
    if client.indices.exists(index=prefix) and not client.indices.exists_alias(name=prefix):
        names.append(prefix)
    if names:
        client.indices.delete(index=",".join(names))
    if client.indices.exists_index_template(name=template_name(prefix)):
        client.indices.delete_index_template(name=template_name(prefix))
    drop_revisions_index(client, prefix)


# -- versions behind the alias (re-processing) ---------------------------------------------------


def versions(client: Elasticsearch, prefix: str) -> list[str]:
    """Every ``prefix-vN`` index, oldest version first."""
    names = client.indices.get(index=f"{prefix}-v*", allow_no_indices=True)
    pattern = re.compile(rf"^{re.escape(prefix)}-v(\d+)$")
    found = [(int(m.group(1)), name) for name in names if (m := pattern.match(name))]
    return [name for _, name in sorted(found)]


def current_version(client: Elasticsearch, prefix: str) -> str | None:
    """The index the alias points at, or None when there is no alias yet."""
    if not client.indices.exists_alias(name=prefix):
        return None
    return str(next(iter(client.indices.get_alias(name=prefix))))


def create_next_version(client: Elasticsearch, prefix: str) -> str:
    """Create ``prefix-v(N+1)`` from the current template, not behind the alias yet."""
    client.indices.put_index_template(name=template_name(prefix), **template_body(prefix))
    existing = versions(client, prefix)
    last = int(existing[-1].rsplit("-v", 1)[1]) if existing else SCHEMA_VERSION - 1
    name = index_name(prefix, last + 1)
    client.indices.create(index=name)
    client.cluster.health(index=name, wait_for_status="yellow", timeout="30s")
    return name


def swap_alias(client: Elasticsearch, prefix: str, old: str | None, new: str) -> None:
    """Point the alias at ``new`` in one atomic ``update_aliases`` call; searches never miss."""
    actions: list[dict[str, dict[str, object]]] = []
    if old is not None:
        actions.append({"remove": {"index": old, "alias": prefix}})
    actions.append({"add": {"index": new, "alias": prefix, "is_write_index": True}})
    client.indices.update_aliases(actions=actions)


def drop_version(client: Elasticsearch, prefix: str, name: str) -> None:
    """Delete one old version; refuses the one the alias points at, and non-versions."""
    if name not in versions(client, prefix):
        known = ", ".join(versions(client, prefix)) or "none"
        raise IndexingError(f"{name} is not a version of {prefix} (versions: {known})")
    if name == current_version(client, prefix):
        raise IndexingError(f"{name} is behind the alias {prefix}; it cannot be dropped")
    client.indices.delete(index=name)
