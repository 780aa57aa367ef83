"""A due article is re-checked even when its feed date has not moved; one not due is not."""

from __future__ import annotations

from pathlib import Path

import pytest

# The incremental middleware's own test helpers: a first crawl recorded in a real URL store.
from test_incremental_middleware import article, first_crawl, middleware

from pipeline.crawl.state.middleware import UnchangedSinceLastSeen

UNMOVED = {"sitemap_lastmod": "2026-04-30T08:00:00Z"}  # the stored Last-Modified


def test_a_due_article_gets_a_conditional_get_whatever_its_sitemap_date(tmp_path: Path) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path, NEWSARCHIVE_REVISIT="3h=0s *=30d")
    request = article(hints=UNMOVED)
    mw.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert mw.crawler.stats.get_value("incremental/revisit_due") == 1
    assert mw.crawler.stats.get_value("incremental/unchanged_by_date") is None


def test_an_article_not_yet_due_is_left_out_when_its_sitemap_date_has_not_moved(
    tmp_path: Path,
) -> None:
    first_crawl(tmp_path)
    mw = middleware(tmp_path, NEWSARCHIVE_REVISIT="3h=15m *=30d")
    with pytest.raises(UnchangedSinceLastSeen):
        mw.process_request(article(hints=UNMOVED))
    assert mw.crawler.stats.get_value("incremental/revisit_due") is None
