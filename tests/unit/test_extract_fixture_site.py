"""The extractor against the project's fixture news site: every article page, every template.

The fixture site renders its articles in five different templates (modern HTML5 with JSON-LD,
a "story-body" CMS, opinion columns, WordPress, and an old table layout) with the usual
furniture around them; its manifest says what a correct extraction yields. Pages are fetched
over loopback HTTP like the crawler does, with the charset from the Content-Type header.
"""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.extract import ExtractedPage, ExtractOptions, extract
from pipeline.extract.sections import slugify
from pipeline.local.fixture_site import manifest

ARTICLES = manifest.expected_articles()
FETCHED_AT = datetime(2024, 6, 1, tzinfo=UTC)


def fetch_and_extract(site: Any, article: manifest.ExpectedArticle) -> ExtractedPage:
    url = article.url(site.base_url)
    with urllib.request.urlopen(url, timeout=10) as response:
        data = response.read()
        charset = response.headers.get_content_charset()
    return extract(data, url, ExtractOptions(http_encoding=charset, fetched_at=FETCHED_AT))


@pytest.mark.parametrize("article", ARTICLES, ids=[a.path for a in ARTICLES])
def test_fixture_article_is_extracted_as_the_manifest_says(
    fixture_site: Any, article: manifest.ExpectedArticle
) -> None:
    page = fetch_and_extract(fixture_site, article)
    assert page.body == article.body
    assert page.title == article.title
    assert tuple(page.authors) == article.authors
    assert page.language == article.language
    assert page.article_type == article.article_type
    assert page.section_label == article.section
    assert page.section == slugify(article.section)
    if article.published_at is not None:
        assert page.published_at == article.published_at
    if article.updated_at is not None:
        assert page.updated_at == article.updated_at
    if article.updated is not None:
        assert page.updated_at is not None and page.updated_at.date() == article.updated


def test_the_seed_op_ed_on_the_fixture_site(fixture_site: Any) -> None:
    seed = manifest.seed_article()
    page = fetch_and_extract(fixture_site, seed)
    assert page.body == seed.body
    assert page.updated_at is not None and page.updated_at.date().isoformat() == "2016-07-27"
    assert manifest.SEED_PUSH_PROMPT not in page.body
    assert "Last Updated" not in page.body
