"""Build the archive the search tests run against, through the real pipeline stages.

Every article page of the fixture site (the Harbor City Ledger, source ``demo``) and of the two
syndicating outlets is fetched over HTTP from its loopback server, extracted, turned into an
Article by the pipeline's own ``build_article``, given its near-duplicate group by
``NearDuplicateIndex`` and written with the bulk writer into a real Elasticsearch node: the same
steps a crawl takes after the spider, without paying for a Scrapy process per test module.
"""

from __future__ import annotations

import asyncio
import tempfile
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch

from pipeline.documents import build_article
from pipeline.extract import ExtractOptions, extract
from pipeline.index import (
    ClusterSettings,
    DeadLetterFile,
    drop_index,
    ensure_index,
    make_async_client,
)
from pipeline.index.bulk import write_batch
from pipeline.index.neardup import NearDuplicateIndex
from pipeline.items import Article, RawArticle
from pipeline.local.fixture_site import FixtureSite
from pipeline.local.fixture_site.manifest import expected_articles
from pipeline.local.fixture_site.outlets import OUTLETS, OutletSite


@dataclass
class Archive:
    alias: str
    by_url: dict[str, Article] = field(default_factory=dict)

    def by_source(self, source: str) -> list[Article]:
        return [a for a in self.by_url.values() if a.source == source]


def fetch_article(url: str, source: str) -> Article:
    """Fetch one page over HTTP and make the stored Article from it, as the pipeline does."""
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        headers = {k.lower(): v for k, v in response.headers.items()}
    fetched = datetime.now(UTC)
    raw = RawArticle(
        url=url,
        source=source,
        body=body,
        status=200,
        headers=headers,
        fetched_at=fetched,
        discovered_via="page",
    )
    page = extract(body, url, ExtractOptions(fetched_at=fetched))
    return build_article(raw, page)


def index_batches(
    es_url: str, alias: str, batches: list[list[Article]], *, fresh_writer: bool = False
) -> None:
    """Assign near-duplicate groups and bulk-write each batch, refreshing in between.

    ``fresh_writer`` gives each batch a new NearDuplicateIndex, as separate crawl processes
    have: earlier articles can then only be found in Elasticsearch, not in memory.
    """

    async def run() -> None:
        client = make_async_client(ClusterSettings(url=es_url))
        neardup = NearDuplicateIndex()
        with tempfile.TemporaryDirectory() as tmp:
            dead = DeadLetterFile(Path(tmp) / "dead-letter.jsonl")
            try:
                for batch in batches:
                    if fresh_writer:
                        neardup = NearDuplicateIndex()
                    await neardup.assign(client, alias, batch)
                    outcome = await write_batch(client, batch, alias=alias, dead_letter=dead)
                    assert not outcome.parked, outcome.parked
                    await client.indices.refresh(index=alias)
            finally:
                await client.close()

    # Its own thread: a caller may already run an event loop (Playwright's sync API does).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


def outlet_articles() -> list[Article]:
    """Every article of the two syndicating outlets, fetched from their loopback servers."""
    articles: list[Article] = []
    for outlet in OUTLETS:
        with OutletSite(outlet) as served:
            articles += [fetch_article(served.url(a.path), outlet.source) for a in outlet.articles]
    return articles


def build_archive(es: Elasticsearch, es_url: str, site: FixtureSite) -> Archive:
    """The fixture site's articles (one batch), then the outlets' (a second batch)."""
    index = f"test-search-{uuid.uuid4().hex[:8]}"
    ensure_index(es, index)
    archive = Archive(index)
    try:
        ledger = [fetch_article(site.url(a.path), "demo") for a in expected_articles()]
        outlets = outlet_articles()
        index_batches(es_url, index, [ledger, outlets])
    except BaseException:
        drop_index(es, index)
        raise
    for article in ledger + outlets:
        archive.by_url[article.url] = article
    return archive
