"""Near-duplicate detection at index time: syndicated copies of one article share a group id.

Each article body becomes a MinHash signature (datasketch) over word 5-shingles. The signature is
cut into ``BANDS`` bands of ``ROWS`` values (locality-sensitive hashing); each band's hash is
stored in the document as a keyword (``neardup.bands``). To place a new article, one ``terms``
query per batch asks Elasticsearch for stored articles sharing at least one band: those are the
candidates, and their stored signatures tell the estimated Jaccard similarity. So the index, not
memory, holds what has been seen, and the lookup scales with the archive.

With 16 bands of 8 rows, pairs with similarity 0.7 become candidates about half the time and pairs
above 0.85 almost always; a candidate joins the group only when its estimated similarity is at
least ``THRESHOLD``. Two op-eds on the same topic share words, but rarely five in a row, and stay
apart.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from elasticsearch import AsyncElasticsearch
from elasticsearch.exceptions import ApiError, TransportError

from pipeline.items import Article

log = logging.getLogger(__name__)

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
THRESHOLD = 0.8
SEED = 1  # fixed: signatures stored in the index must stay comparable across runs
# Articles from recent batches that a search might not see yet (refresh interval).
RECENT_LIMIT = 5000
# Stored articles considered per new article (those sharing the most bands).
CANDIDATES = 20

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Fingerprint:
    """What is stored per article: LSH band keys and the packed signature."""

    bands: list[str]
    signature: str  # base64 of NUM_PERM little-endian uint32 hash values

    @cached_property
    def values(self) -> np.ndarray[Any, np.dtype[np.uint32]]:
        """The signature's hash values, decoded once."""
        return np.frombuffer(base64.b64decode(self.signature), dtype="<u4")


def shingles(text: str) -> set[bytes]:
    """Word 5-grams of the lower-cased text; short texts fall back to their whole word list."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def fingerprint(text: str) -> Fingerprint:
    """The MinHash signature and LSH band keys of a body text.

    datasketch is imported here, not with the module: it pulls in scipy (0.4 s of a crawl's
    start-up), and a crawl process needs it only for the rare body its extraction worker did
    not fingerprint (the workers' fork server preloads it, pipeline.extract.pool).
    """
    from datasketch import LeanMinHash, MinHash  # type: ignore[import-untyped]

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    grams = shingles(text)
    if grams:
        minhash.update_batch(list(grams))
    values = LeanMinHash(minhash).hashvalues.astype("<u4")
    bands = [f"{b:02d}-{_band_hash(values[b * ROWS : (b + 1) * ROWS])}" for b in range(BANDS)]
    return Fingerprint(bands, base64.b64encode(values.tobytes()).decode("ascii"))


def _band_hash(rows: np.ndarray[Any, np.dtype[np.uint32]]) -> str:
    return hashlib.blake2b(rows.tobytes(), digest_size=8).hexdigest()


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a.values == b.values)) / NUM_PERM


@dataclass
class _Known:
    id: str
    group: str
    fp: Fingerprint


class NearDuplicateIndex:
    """Assigns ``neardup`` fields to articles before they are written; one per writer.

    Keeps the articles of recent batches in memory (bounded, indexed by band) because a document
    written a moment ago is not searchable until the next refresh; everything older is found in
    Elasticsearch.
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.recent: dict[str, _Known] = {}
        self.by_band: dict[str, set[str]] = {}

    async def assign(
        self, client: AsyncElasticsearch, alias: str, articles: Sequence[Article]
    ) -> None:
        """Fill ``article.neardup`` for each article: its bands, signature and group id."""
        if not articles:
            return
        prints = {a.id: a.body_fingerprint or fingerprint(a.body) for a in articles}
        stored = await self._candidates(client, alias, articles, prints)
        for article in articles:
            fp = prints[article.id]
            nearby = {i for band in fp.bands for i in self.by_band.get(band, ())}
            candidates = [*stored.get(article.id, []), *(self.recent[i] for i in nearby)]
            best: tuple[float, str] | None = None
            for known in candidates:
                if known.id == article.id:
                    continue
                score = similarity(fp, known.fp)
                if score >= self.threshold and (best is None or score > best[0]):
                    best = (score, known.group)
            group = best[1] if best else article.id
            article.neardup = {"group": group, "bands": fp.bands, "signature": fp.signature}
            self._remember(_Known(article.id, group, fp))

    def _remember(self, known: _Known) -> None:
        self._forget(known.id)
        self.recent[known.id] = known
        for band in known.fp.bands:
            self.by_band.setdefault(band, set()).add(known.id)
        while len(self.recent) > RECENT_LIMIT:
            self._forget(next(iter(self.recent)))

    def _forget(self, doc_id: str) -> None:
        old = self.recent.pop(doc_id, None)
        if old is None:
            return
        for band in old.fp.bands:
            ids = self.by_band.get(band)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del self.by_band[band]

    async def _candidates(
        self,
        client: AsyncElasticsearch,
        alias: str,
        articles: Sequence[Article],
        prints: dict[str, Fingerprint],
    ) -> dict[str, list[_Known]]:
        searches: list[dict[str, Any]] = []
        for article in articles:
            searches.append({"index": alias})
            searches.append(
                {
                    # Scored by the number of shared bands: the likeliest copies come first.
                    "query": {
                        "bool": {
                            "should": [
                                {"term": {"neardup.bands": band}}
                                for band in prints[article.id].bands
                            ],
                            "must_not": [{"ids": {"values": [article.id]}}],
                        }
                    },
                    "size": CANDIDATES,
                    # No hit count: the node may skip documents that cannot make the top
                    # CANDIDATES (block-max WAND) instead of scoring every band match.
                    "track_total_hits": False,
                    # The signature alone gives the similarity; the bands are not needed back.
                    "_source": ["neardup.group", "neardup.signature"],
                }
            )
        try:
            response = await client.msearch(searches=searches)
        except (ApiError, TransportError) as exc:
            # Without candidates each article starts its own group; a re-index fixes it later.
            log.warning("near-duplicate lookup failed, articles start their own groups: %s", exc)
            return {}
        found: dict[str, list[_Known]] = {}
        for article, answer in zip(articles, response["responses"], strict=True):
            if "error" in answer:
                log.warning("near-duplicate lookup failed for %s: %s", article.id, answer["error"])
                continue
            for hit in answer["hits"]["hits"]:
                nd = hit["_source"].get("neardup") or {}
                if nd.get("signature") and nd.get("group"):
                    fp = Fingerprint([], nd["signature"])
                    found.setdefault(article.id, []).append(_Known(hit["_id"], nd["group"], fp))
        return found
