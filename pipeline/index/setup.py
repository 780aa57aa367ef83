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


def template_name(alias: str) -> str:
    return f"{alias}-articles"


def ensure_index(client: Elasticsearch, alias: str) -> str:
    """Make sure ``alias`` is an alias of an ``alias-vN`` index; return the concrete index name.

    The article history's ``alias-revisions`` (``pipeline.revisions.store``) is set up too, so
    every writer finds it.
    """
    client.indices.put_index_template(name=template_name(alias), **template_body(alias))
    ensure_revisions_index(client, alias)
    if client.indices.exists_alias(name=alias):
        current = str(next(iter(client.indices.get_alias(name=alias))))
        # Fields added since the index was created (additive changes only; same definitions of
        # existing fields are a no-op), so a strict mapping accepts documents of the new code.
        client.indices.put_mapping(index=current, properties=MAPPINGS["properties"])
        replicas = replicas_from_env()
        if replicas is not None:
            # The template shapes new indices only; a replica count is dynamic, so an index
            # created on one node gains its copies once the writer is pointed at a cluster.
            client.indices.put_settings(index=current, settings={"number_of_replicas": replicas})
        return current
    concrete = index_name(alias, SCHEMA_VERSION)
    if not client.indices.exists(index=concrete):
        _create_unless_raced(client, concrete)
    client.indices.update_aliases(
        actions=[{"add": {"index": concrete, "alias": alias, "is_write_index": True}}]
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


def drop_index(client: Elasticsearch, alias: str) -> None:
    """Remove the alias, every versioned index behind it and the template (tests, resets)."""
    # Deleting by wildcard is refused by default (action.destructive_requires_name): name them.
    names = list(client.indices.get(index=f"{alias}-v*", allow_no_indices=True))
    # A concrete index named like the alias is the residue of a write that raced a reset (the
    # node auto-created it, with dynamic mappings): it would block the alias from ever existing.
    if client.indices.exists(index=alias) and not client.indices.exists_alias(name=alias):
        names.append(alias)
    if names:
        client.indices.delete(index=",".join(names))
    if client.indices.exists_index_template(name=template_name(alias)):
        client.indices.delete_index_template(name=template_name(alias))
    drop_revisions_index(client, alias)


# -- versions behind the alias (re-processing) ---------------------------------------------------


def versions(client: Elasticsearch, alias: str) -> list[str]:
    """Every ``alias-vN`` index, oldest version first."""
    names = client.indices.get(index=f"{alias}-v*", allow_no_indices=True)
    pattern = re.compile(rf"^{re.escape(alias)}-v(\d+)$")
    found = [(int(m.group(1)), name) for name in names if (m := pattern.match(name))]
    return [name for _, name in sorted(found)]


def current_version(client: Elasticsearch, alias: str) -> str | None:
    """The index the alias points at, or None when there is no alias yet."""
    if not client.indices.exists_alias(name=alias):
        return None
    return str(next(iter(client.indices.get_alias(name=alias))))


def create_next_version(client: Elasticsearch, alias: str) -> str:
    """Create ``alias-v(N+1)`` from the current template, not behind the alias yet."""
    client.indices.put_index_template(name=template_name(alias), **template_body(alias))
    existing = versions(client, alias)
    last = int(existing[-1].rsplit("-v", 1)[1]) if existing else SCHEMA_VERSION - 1
    name = index_name(alias, last + 1)
    client.indices.create(index=name)
    client.cluster.health(index=name, wait_for_status="yellow", timeout="30s")
    return name


def swap_alias(client: Elasticsearch, alias: str, old: str | None, new: str) -> None:
    """Point the alias at ``new`` in one atomic ``update_aliases`` call; searches never miss."""
    actions: list[dict[str, dict[str, object]]] = []
    if old is not None:
        actions.append({"remove": {"index": old, "alias": alias}})
    actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
    client.indices.update_aliases(actions=actions)


def drop_version(client: Elasticsearch, alias: str, name: str) -> None:
    """Delete one old version; refuses the one the alias points at, and non-versions."""
    if name not in versions(client, alias):
        known = ", ".join(versions(client, alias)) or "none"
        raise IndexingError(f"{name} is not a version of {alias} (versions: {known})")
    if name == current_version(client, alias):
        raise IndexingError(f"{name} is behind the alias {alias}; it cannot be dropped")
    client.indices.delete(index=name)
