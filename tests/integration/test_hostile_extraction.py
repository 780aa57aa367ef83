"""A crawl of pages built to exhaust the extractor ends each as a recorded skip and goes on.

One real ``newsarchive crawl`` process fetches, from the loopback hostile site, 100,000 nested
divs, a megabyte of unclosed tags, huge text nodes and a page that takes seconds to score, plus
pages whose declared charset is wrong. The download and page-size caps are raised to 32 MiB for
this crawl so that the 15 MB text node reaches the extractor (with the defaults it stops earlier,
as ``fetch/too_large``); the time budget is lowered to one second so that the slow page costs
seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from hostile_site import (
    HostileSite,
    article,
    huge_text_node,
    mislabelled,
    nested_divs,
    page,
    unclosed_tags,
)

from pipeline.index import drop_index

pytestmark = pytest.mark.integration

CAP = 32 * 1024 * 1024
TIME_LIMIT = "1.0"
RUSSIAN = "Министр иностранных дел заявил, что переговоры продолжатся в среду в Женеве. " * 4
GREEK = "Ο υπουργός Εξωτερικών δήλωσε ότι οι συνομιλίες θα συνεχιστούν την Τετάρτη. " * 4

EXPECTED = {
    "/a/nested-divs": "extract/too_deep",
    "/a/unclosed-tags": "extract/too_deep",
    "/a/unclosed-paragraphs": "extract/too_large",
    "/a/text-node-15mb": "extract/too_large",
    "/a/text-node-3mb": "extract/too_large",
    "/a/slow": "extract/timeout",
}


@dataclass
class ExtractionRun:
    run: Any
    site: HostileSite
    reasons: dict[str, str]
    alias: str


@pytest.fixture(scope="module")
def crawled(
    es: Elasticsearch, es_url: str, crawl_runner: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ExtractionRun]:
    index = f"test-hostile-extract-{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("hostile-extract")
    with HostileSite() as site:
        routes: dict[str, Any] = {
            "/a/ok": page(article("A plain, well-behaved article")),
            "/a/nested-divs": page(nested_divs(100_000)),
            "/a/unclosed-tags": page(unclosed_tags(b"<div><b><span>")),
            "/a/unclosed-paragraphs": page(unclosed_tags(b"<p>a")),
            "/a/text-node-15mb": page(huge_text_node(15_000_000)),
            "/a/text-node-3mb": page(huge_text_node(3_000_000)),
            # Within every size bound, but 50,000 elements take seconds to score.
            "/a/slow": page(unclosed_tags(b"<p>a", 200_000)),
            "/a/cp1251-labelled-utf8": page(mislabelled(RUSSIAN, "cp1251")),
            "/a/greek-labelled-latin1": page(
                mislabelled(GREEK, "iso8859-7", "iso-8859-1"), "text/html; charset=iso-8859-1"
            ),
        }
        anchors = "".join(f'<a href="{path}">{n}</a>' for n, path in enumerate(routes))
        routes["/"] = page(f"<html><body>{anchors}</body></html>".encode())
        site.routes.update(routes)
        sources = data_dir / "sources.yaml"
        sources.write_text(
            json.dumps(
                {
                    "sources": [
                        {
                            "name": "hostile_extract",
                            "start_urls": [f"{site.base_url}/"],
                            "domains": [f"127.0.0.1:{site.port}"],
                            "article_patterns": ["/a/"],
                        }
                    ]
                }
            )
        )
        saved = os.environ.get("NEWSARCHIVE_EXTRACT_TIME_LIMIT")
        os.environ["NEWSARCHIVE_EXTRACT_TIME_LIMIT"] = TIME_LIMIT
        try:
            run = crawl_runner(
                site_url=site.base_url,
                es_url=es_url,
                alias=index,
                data_dir=data_dir,
                source="hostile_extract",
                extra=[
                    *("--sources-file", str(sources)),
                    *("-s", f"DOWNLOAD_MAXSIZE={CAP}"),
                    *("-s", f"NEWSARCHIVE_MAX_ARTICLE_BYTES={CAP}"),
                ],
            )
        finally:
            if saved is None:
                os.environ.pop("NEWSARCHIVE_EXTRACT_TIME_LIMIT", None)
            else:
                os.environ["NEWSARCHIVE_EXTRACT_TIME_LIMIT"] = saved
        (data_dir / "crawl.stderr").write_text(run.stderr)
        reasons = {r["url"]: r["reason"] for r in run.skipped()}
        yield ExtractionRun(run, site, reasons, index)
    drop_index(es, index)


def test_the_crawl_goes_on_and_balances(crawled: ExtractionRun) -> None:
    s = crawled.run.summary
    assert s["finish_reason"] == "finished", crawled.run.stderr[-3000:]
    assert s["balanced"], s
    assert s["indexed"] == 3  # the plain article and the two mislabelled ones
    assert s["fetched"] == 3 + len(EXPECTED)  # article pages; the index page is not counted


@pytest.mark.parametrize(("path", "expected"), sorted(EXPECTED.items()))
def test_each_hostile_page_ends_as_an_extraction_skip_with_its_reason(
    crawled: ExtractionRun, path: str, expected: str
) -> None:
    assert crawled.reasons[crawled.site.base_url + path] == expected


def test_each_extraction_skip_records_a_detail(crawled: ExtractionRun) -> None:
    details = {
        r["url"].removeprefix(crawled.site.base_url): r["detail"] for r in crawled.run.skipped()
    }
    assert "deeper than 512" in details["/a/nested-divs"]
    assert "text node" in details["/a/text-node-3mb"]
    assert "stopped after" in details["/a/slow"]


def _body(es: Elasticsearch, crawled: ExtractionRun, path: str) -> str:
    es.indices.refresh(index=crawled.alias)
    url = crawled.site.base_url + path
    hits = es.search(index=crawled.alias, query={"term": {"url": url}})["hits"]["hits"]
    assert len(hits) == 1, f"{url} not indexed exactly once"
    return str(hits[0]["_source"]["body"])


@pytest.mark.parametrize(
    ("path", "text"),
    [("/a/cp1251-labelled-utf8", RUSSIAN), ("/a/greek-labelled-latin1", GREEK)],
)
def test_a_page_with_a_wrong_charset_label_is_indexed_re_decoded(
    es: Elasticsearch, crawled: ExtractionRun, path: str, text: str
) -> None:
    body = _body(es, crawled, path)
    assert body == text.strip() and "\ufffd" not in body
