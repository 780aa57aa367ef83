"""Index template, settings and mappings of the article index.

Analysis uses only what Elasticsearch's server core ships (standard tokenizer, lowercase, stop,
hunspell), so that one template works on the project's local node, which lacks the
``analysis-common`` module, and on the official image. English stemming comes from hunspell
with the en_US dictionary, which the local node gets from Debian's ``hunspell-en-us`` and
docker-compose mounts into the official image.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pipeline.exceptions import ConfigError

SCHEMA_VERSION = 1
#: Copies of each shard beyond the primary: 0 on one node (a replica could never be placed), 1 or
#: more on a cluster, so that a node leaving loses no acknowledged write and no search result.
REPLICAS_ENV = "NEWSARCHIVE_INDEX_REPLICAS"

ANALYSIS: dict[str, Any] = {
    "filter": {
        "english_stop": {"type": "stop", "stopwords": "_english_"},
        "english_hunspell": {"type": "hunspell", "locale": "en_US", "dedup": True},
    },
    "analyzer": {
        # Stemmed English: "inspection" finds "inspections".
        "english_text": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "english_stop", "english_hunspell"],
        },
        # Unstemmed, for exact phrases and names.
        "plain_text": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
    },
    "normalizer": {"lowercase": {"type": "custom", "filter": ["lowercase"]}},
}


def _text(boost_keyword: bool = False) -> dict[str, Any]:
    fields: dict[str, Any] = {"exact": {"type": "text", "analyzer": "plain_text"}}
    if boost_keyword:
        fields["keyword"] = {"type": "keyword", "ignore_above": 512}
    return {"type": "text", "analyzer": "english_text", "fields": fields}


MAPPINGS: dict[str, Any] = {
    # Strict: a field the code does not know is a bug, and the node tells us at once.
    "dynamic": "strict",
    "_meta": {"schema_version": SCHEMA_VERSION},
    "properties": {
        "url": {"type": "keyword", "ignore_above": 4096},
        "canonical_url": {"type": "keyword", "ignore_above": 4096},
        "source": {"type": "keyword"},
        "title": _text(boost_keyword=True),
        "body": _text(),
        "description": _text(),
        "authors": {
            "type": "keyword",
            "ignore_above": 256,
            "fields": {"text": {"type": "text", "analyzer": "plain_text"}},
        },
        "published_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "fetched_at": {"type": "date"},
        "date_source": {
            "properties": {"published": {"type": "keyword"}, "updated": {"type": "keyword"}}
        },
        "section": {"type": "keyword", "normalizer": "lowercase"},
        "language": {"type": "keyword"},
        "article_type": {"type": "keyword"},
        "author_role": {"type": "keyword", "ignore_above": 256},
        "original_publication": {"type": "keyword", "ignore_above": 256},
        "opinion_kind": {"type": "keyword"},
        # The section as the page labels it (``section`` is its slug) and a credited agency.
        "section_label": {"type": "keyword", "ignore_above": 256},
        "agency": {"type": "keyword", "ignore_above": 256},
        "content_hash": {"type": "keyword"},
        "word_count": {"type": "integer"},
        # Incremental crawls: how many times the content changed (1 = as first indexed), and
        # where the raw capture lies in the WARC archive (file relative to the archive root).
        "revision": {"type": "integer"},
        # Capture time of the current revision: "sort by last change" (pipeline.revisions).
        "changed_at": {"type": "date"},
        "warc": {"properties": {"file": {"type": "keyword"}, "offset": {"type": "long"}}},
        # Near-duplicates (pipeline.index.neardup): copies of one article share ``group`` (collapse
        # on it); ``bands`` are the LSH keys looked up at index time; ``signature`` is only kept.
        "neardup": {
            "properties": {
                "group": {"type": "keyword"},
                "bands": {"type": "keyword"},
                "signature": {"type": "binary"},
            }
        },
    },
}


def index_name(alias: str, version: int = SCHEMA_VERSION) -> str:
    return f"{alias}-v{version}"


def replicas_from_env(env: Mapping[str, str] | None = None) -> int | None:
    """``NEWSARCHIVE_INDEX_REPLICAS`` as a number of replicas, or None when it is unset."""
    raw = (os.environ if env is None else env).get(REPLICAS_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 10:
        raise ConfigError(f"{REPLICAS_ENV}={raw!r}: expected a number of replicas from 0 to 10")
    return int(raw)


def template_body(alias: str, replicas: int | None = None) -> dict[str, Any]:
    """A composable index template that applies to every versioned index behind the alias.

    ``replicas`` defaults to ``NEWSARCHIVE_INDEX_REPLICAS``, else 0 (the single local node).
    """
    if replicas is None:
        replicas = replicas_from_env() or 0
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": replicas,
                "refresh_interval": "1s",
                "analysis": ANALYSIS,
            },
            "mappings": MAPPINGS,
        },
        "_meta": {"managed_by": "newsarchive", "schema_version": SCHEMA_VERSION},
    }
