"""Recent articles are revisited on the decaying schedule, within the crawl's own requests.

A story is crawled, then edited silently (its page and ETag change, its feed and sitemap dates
do not). Later crawls have only the About page as entry point, which links to a few promoted
pages but not to the story. Right away, with the default schedule (every 15 minutes while under
3 hours old), it is not due and nobody asks for it. Once the interval of a shorter schedule has
passed, the crawl asks for it with a conditional GET, finds the edit and keeps a second
revision, while the other known articles answer 304.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from edited_article import EDITED_SENTENCE, FERRY, SENTENCE
from elasticsearch import Elasticsearch

from pipeline.local.fixture_site import FixtureSite
from pipeline.urls import canonical_url, document_id

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = "${NEWSARCHIVE_DEMO_URL:-http://127.0.0.1:8765}"


def about_only(tmp_path: Path, base_url: str) -> Path:
    """The demo source with no feed, no sitemap and the About page (no article links) only."""
    shipped = yaml.safe_load((REPO / "config" / "sources.yaml").read_text())
    demo = next(s for s in shipped["sources"] if s["name"] == "demo")
    demo = {k: v for k, v in demo.items() if k not in {"feeds", "sitemaps"}}
    demo["start_urls"] = [f"{base_url}/about/"]
    text = yaml.safe_dump({"defaults": shipped["defaults"], "sources": [demo]})
    path = tmp_path / "about-only.yaml"
    path.write_text(text.replace(PLACEHOLDER, base_url))
    return path


def test_a_silent_edit_is_found_by_the_revisit_once_it_is_due(
    es: Elasticsearch, es_url: str, alias: str, crawl_runner: Any, tmp_path: Path
) -> None:
    with FixtureSite() as site:
        site.publish(FERRY)
        doc_id = document_id(canonical_url(site.url(FERRY.path)))

        def crawl(*extra: str) -> dict[str, Any]:
            run = crawl_runner(
                site_url=site.base_url,
                es_url=es_url,
                alias=alias,
                data_dir=tmp_path,
                extra=list(extra),
            )
            assert run.exit_code == 0, run.stderr[-3000:]
            return dict(run.summary)

        def ferry_requests() -> list[Any]:
            return [r for r in site.requests if r.path == FERRY.path]

        first = crawl()
        site.edit(FERRY.path, SENTENCE, EDITED_SENTENCE, silent=True)
        site.clear_requests()

        entry = str(about_only(tmp_path, site.base_url))
        # Default schedule (every 15 minutes while under 3 hours old): not due yet.
        quiet = crawl("--sources-file", entry)
        assert ferry_requests() == [] and quiet["updated"] == 0
        es.indices.refresh(index=alias)
        assert es.get(index=alias, id=doc_id)["_source"]["revision"] == 1

        # A schedule whose first interval has passed, and no entry point that links to it.
        time.sleep(1.5)
        site.clear_requests()
        revisit = crawl("-s", "NEWSARCHIVE_REVISIT=3h=1s *=30d", "--sources-file", entry)
        [asked] = ferry_requests()
        articles = [
            r for r in site.requests if r.path.startswith(("/news/", "/opinion/", "/world/"))
        ]

    assert asked.status == 200 and "if-none-match" in asked.headers  # conditional, and changed
    assert revisit["updated"] == 1 and revisit["indexed"] == 0
    # Every other known article was asked for too, and answered 304 Not Modified.
    not_modified = revisit["skipped_by_reason"].get("fetch/not_modified", 0)
    assert not_modified == len([r for r in articles if r.status == 304]) >= first["indexed"] - 1
    es.indices.refresh(index=alias)
    stored = es.get(index=alias, id=doc_id)["_source"]
    assert stored["revision"] == 2 and EDITED_SENTENCE in stored["body"]
