"""From a fetched page and its extraction to the document the archive stores.

One path for every way a page reaches the archive (a crawl, re-processing of the WARC archive,
an import): the extractor's options for the page's source, the source's learned boilerplate
lines stripped, the canonical URL and id, the feed or sitemap date for a page that states none,
and the content hash that tells a changed page from a re-fetch.

What a feed or sitemap announced about a page (``RawArticle.hints``, see
``pipeline.crawl.spiders.discovery``) fills only what the page itself leaves empty, in a fixed
order of trust: the publication date from the feed, then the news sitemap's
``publication_date``, then the sitemap's ``lastmod`` (recorded in ``date_source``); the title from
the news sitemap, then the feed; the language from the news sitemap, then the feed's channel;
the section from the feed item's first category. Pure functions of their inputs,
no Scrapy: the crawl's item pipeline and the batch tools call the same ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime

from dateutil import parser as dateparser

from pipeline.boilerplate import SiteLearner
from pipeline.exceptions import ExtractionError
from pipeline.extract import ExtractedPage, ExtractOptions
from pipeline.index.neardup import Fingerprint
from pipeline.items import Article, RawArticle
from pipeline.sources import Source
from pipeline.urls import canonical_url, document_id, same_site

__all__ = ["build_article", "extract_options", "make_article", "strip_learned"]


def extract_options(source: Source | None, item: RawArticle) -> ExtractOptions:
    """The extractor's options for a page of ``source`` (``None``: an unknown site)."""
    charset = _charset(item.content_type)
    if source is None:
        return ExtractOptions(fetched_at=item.fetched_at, http_encoding=charset)
    selectors = source.selectors
    return ExtractOptions(
        body_selector=selectors.body,
        drop_selectors=selectors.drop,
        junk_patterns=source.junk_patterns,
        fetched_at=item.fetched_at,
        http_encoding=charset,
        language_hint=source.language,
    )


def strip_learned(learner: SiteLearner, page: ExtractedPage, url: str) -> ExtractedPage:
    """``page`` without its source's learned boilerplate lines (the same object if none).

    Raises ``ExtractionError("empty_body")`` when nothing but learned lines was left: the page
    is then not an article, whoever asked.
    """
    body = learner.clean(page.body)
    if not body.strip():
        raise ExtractionError("empty_body", f"only learned boilerplate left ({url})")
    return page if body == page.body else dataclasses.replace(page, body=body)


def make_article(
    raw: RawArticle,
    page: ExtractedPage,
    learner: SiteLearner | None,
    *,
    observe: bool = False,
    body_print: Fingerprint | None = None,
) -> Article:
    """The stored document of ``raw``, its source's learned lines stripped.

    ``observe`` lets the learner count this page's lines first (the crawl does; re-processing
    and imports of old captures only apply what was learned). ``body_print``, the extraction
    worker's MinHash of the body, is kept only while the body is the one it was computed from.
    """
    removed = 0
    if learner is not None:
        if observe:
            learner.observe(raw.url, page.body, page.authors)
        stripped = strip_learned(learner, page, raw.url)
        if stripped is not page:
            removed = _lines(page.body) - _lines(stripped.body)
            page, body_print = stripped, None
    article = build_article(raw, page)
    article.body_fingerprint = body_print
    article.learned_lines_removed = removed
    return article


def _lines(body: str) -> int:
    return sum(1 for line in body.splitlines() if line.strip())


def build_article(raw: RawArticle, page: ExtractedPage) -> Article:
    """Combine what was fetched with what was extracted into the stored document."""
    declared = (
        page.canonical_url
        if page.canonical_url and same_site(page.canonical_url, raw.url)
        else raw.url
    )
    canonical = canonical_url(declared)
    published, updated = page.published_at, page.updated_at
    date_source = dict(page.date_source)
    if published is None:
        published, hint_source = _hinted_date(raw.hints, raw.fetched_at)
        if published is not None:
            date_source["published"] = hint_source
    title = page.title or _first_hint(raw.hints, TITLE_HINTS)
    language = page.language or _first_hint(raw.hints, LANGUAGE_HINTS) or None
    section = page.section or _first_category(raw.hints)
    digest = hashlib.sha256(f"{title}\n\n{page.body}".encode()).hexdigest()
    return Article(
        id=document_id(canonical),
        url=raw.url,
        canonical_url=canonical,
        source=raw.source,
        title=title,
        body=page.body,
        authors=page.authors,
        published_at=published,
        updated_at=updated,
        section=section,
        language=language,
        fetched_at=raw.fetched_at,
        content_hash=digest,
        description=page.description,
        article_type=page.article_type,
        date_source=date_source,
        author_role=page.author_role,
        original_publication=page.original_publication,
        opinion_kind=page.opinion_kind,
        section_label=page.section_label,
        agency=page.agency,
        warc=raw.warc,
    )


# (hint, date_source label), most trusted first: a feed item's and a news sitemap's dates are
# publication dates; a sitemap's lastmod is only the last change, a fallback.
DATE_HINTS = (
    ("feed_published", "feed"),
    ("news_publication_date", "news_sitemap"),
    ("sitemap_lastmod", "sitemap"),
)
TITLE_HINTS = ("news_title", "feed_title")
LANGUAGE_HINTS = ("news_language", "feed_language")


def _first_hint(hints: dict[str, str], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = hints.get(key, "").strip()
        if value:
            return value
    return ""


def _first_category(hints: dict[str, str]) -> str | None:
    first = hints.get("feed_categories", "").split(",")[0].strip()
    return first or None


def _hinted_date(hints: dict[str, str], fetched_at: datetime) -> tuple[datetime | None, str]:
    """A feed or sitemap date for a page that states none itself; never later than the fetch."""
    for key, label in DATE_HINTS:
        value = hints.get(key)
        if not value:
            continue
        try:
            parsed = dateparser.parse(value)
        except (ValueError, OverflowError):
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=fetched_at.tzinfo)
        if parsed <= fetched_at:
            return parsed, label
    return None, ""


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None
