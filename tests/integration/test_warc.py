"""The raw archive: every response of a crawl is in gzip WARC files that a standard reader opens.

Read with warcio's ``ArchiveIterator`` (the reference Python WARC reader), independently of the
project's own reader, and compared with the fixture site's request log.
"""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import WarcLocation, read_capture, warc_root
from pipeline.index import drop_index
from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def archived(
    es: Elasticsearch, es_url: str, crawl_runner: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FixtureSite, str, Path, Any]]:
    index = f"test-warc-{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("warc")
    with FixtureSite() as site:
        run = crawl_runner(site_url=site.base_url, es_url=es_url, alias=index, data_dir=data_dir)
        assert run.exit_code == 0, run.stderr[-3000:]
        yield site, index, data_dir, run
    drop_index(es, index)


def records(data_dir: Path) -> list[Any]:
    """(file, type, target URI, status, payload) of every record, via warcio only."""
    found = []
    for path in sorted(warc_root(data_dir).rglob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                status = record.http_headers.get_statuscode() if record.http_headers else None
                found.append(
                    (
                        path.name,
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Target-URI"),
                        status,
                        record.content_stream().read(),
                        record.rec_headers,
                    )
                )
    return found


def test_the_archive_is_gzip_warc_with_a_warcinfo_record_first(archived: Any) -> None:
    _, _, data_dir, _ = archived
    files = sorted(warc_root(data_dir).rglob("*.warc.gz"))
    assert files and all(f.parent.name == "demo" for f in files)
    for path in files:
        with gzip.open(path, "rb") as fh:
            assert fh.read(9) == b"WARC/1.1\r"
    assert records(data_dir)[0][1] == "warcinfo"


def test_every_response_the_site_sent_is_archived_with_its_request(archived: Any) -> None:
    site, _, data_dir, _ = archived
    recs = records(data_dir)
    responses = [(uri, int(status)) for _, kind, uri, status, _, _ in recs if kind == "response"]
    requests = {uri for _, kind, uri, _, _, _ in recs if kind == "request"}
    # Redirects are followed inside Scrapy's downloader, so the spider receives the target only.
    sent = sorted(
        (site.url(r.path), r.status) for r in site.requests if r.status not in {301, 302, 303}
    )
    assert sorted(responses) == sent
    assert {uri for uri, _ in responses} == requests
    ids = {h.get_header("WARC-Record-ID"): uri for _, k, uri, _, _, h in recs if k == "response"}
    for _, kind, uri, _, _, headers in recs:
        if kind == "request":
            assert ids[headers.get_header("WARC-Concurrent-To")] == uri


def test_each_document_points_at_its_own_capture(es: Elasticsearch, archived: Any) -> None:
    site, index, data_dir, _ = archived
    for article in manifest.expected_articles():
        url = article.url(site.base_url)
        doc = es.get(index=index, id=document_id(canonical_url(url)))["_source"]
        location = WarcLocation(doc["warc"]["file"], doc["warc"]["offset"])
        path = warc_root(data_dir) / location.file
        with path.open("rb") as fh:
            fh.seek(location.offset)
            record = next(iter(ArchiveIterator(fh)))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Newsarchive-Kind") == "article"
        assert canonical_url(record.rec_headers.get_header("WARC-Target-URI")) == canonical_url(url)
        body = record.content_stream().read()
        assert article.title.encode(article.encoding, "xmlcharrefreplace")[:20] in body or (
            article.paragraphs[0][:30].encode(article.encoding) in body
        )
        capture = read_capture(warc_root(data_dir), location)
        assert capture.status == 200 and capture.body == body
