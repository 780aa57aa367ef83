"""``sources try NAME``: what a handful of a source's article pages extract to, before a crawl.

The article URLs come from where the crawl takes them (feeds, then sitemaps, then the start
pages' links that the source's patterns call articles) and each page goes through the crawl's
own path (``pipeline.extract`` with the source's options, then ``documents.build_article`` with
the feed or sitemap hints), so what is shown is what would be indexed. Warnings point at what a
source's selectors or patterns usually need fixing for: no date, no author, a short body, and
boilerplate suspects (a paragraph repeated on several of the pages, or one that reads like
site furniture).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline.crawl.spiders.discovery import Entry, feed_entries, sitemap_content
from pipeline.discover.entrypoints import page_links
from pipeline.discover.fetch import Fetcher, Refusal
from pipeline.sources import Source

__all__ = ["PagePreview", "PreviewReport", "preview_source", "render_previews"]

SHORT_BODY_WORDS = 80  # below this a page is usually a teaser, a paywall stub or a list
FIRST_LINES = 3
_FURNITURE = re.compile(
    r"\b(?:subscribe|newsletter|sign up|cookies?|all rights reserved|follow us|advertisement|"
    r"share this|read more|related articles|copyright)\b",
    re.IGNORECASE,
)


@dataclass
class PagePreview:
    url: str
    via: str  # feed | sitemap | page
    title: str = ""
    title_source: str = ""  # page | news_sitemap | feed
    published: str | None = None
    date_source: str = ""  # json-ld, meta, feed, news_sitemap, sitemap, undated...
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    article_type: str | None = None
    language: str | None = None
    words: int = 0
    first_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class PreviewReport:
    source: str
    pages: list[PagePreview]
    candidates: int
    refusals: list[Refusal]
    requests: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "candidates": self.candidates,
            "requests": self.requests,
            "pages": [asdict(p) for p in self.pages],
            "refused": [asdict(r) for r in self.refusals],
        }


def article_candidates(source: Source, fetcher: Fetcher, want: int) -> list[tuple[Entry, str]]:
    """Up to ``want`` article URLs of ``source`` with their hints and where they came from."""
    found: dict[str, tuple[Entry, str]] = {}

    def take(entries: list[Entry], via: str, announced: bool) -> None:
        for entry in entries:
            if len(found) >= want:
                return
            url = entry.url
            if not source.allows(url) or source.is_denied(url):
                continue
            if source.article_patterns:
                if not source.is_article(url):
                    continue
            elif not announced:
                continue
            found.setdefault(url, (entry, via))

    for url in source.feeds:
        response = fetcher.get(url) if len(found) < want else None
        if response is not None and response.status < 400:
            try:
                take(feed_entries(response.body), "feed", True)
            except ValueError as exc:
                fetcher.refuse(url, str(getattr(exc, "reason", "bad_feed")), str(exc))
    for url in source.sitemaps:
        queue = [url]
        while queue and len(found) < want and fetcher.budget_left > 0:
            current = queue.pop(0)
            response = fetcher.get(current)
            if response is None or response.status >= 400:
                continue
            try:
                content = sitemap_content(response.body, max_size=fetcher.limits.max_bytes)
            except ValueError as exc:
                fetcher.refuse(current, str(getattr(exc, "reason", "bad_sitemap")), str(exc))
                continue
            if content.is_index:
                children = [e.url for e in content.entries if source.allows(e.url)]
                queue.extend(sorted(children, key=lambda u: 0 if "news" in u.lower() else 1)[:3])
            else:
                take(content.entries, "sitemap", True)
    for url in source.start_urls:
        response = fetcher.get(url) if len(found) < want else None
        if response is not None and response.status < 400:
            links = page_links(response.body, response.url).links
            take([Entry(u) for u in links], "page", False)
    return list(found.values())


def preview_source(source: Source, fetcher: Fetcher, *, pages: int = 5) -> PreviewReport:
    """Fetch and extract up to ``pages`` article pages of ``source``."""
    candidates = article_candidates(source, fetcher, pages)
    done = [_preview(source, fetcher, entry, via) for entry, via in candidates]
    _flag_repeated_paragraphs(done)
    previews = [preview for preview, _ in done]
    return PreviewReport(
        source.name, previews, len(candidates), list(fetcher.refusals), fetcher.requests_made
    )


def _preview(
    source: Source, fetcher: Fetcher, entry: Entry, via: str
) -> tuple[PagePreview, list[str]]:
    """One page's preview and its body paragraphs (for the cross-page repetition check)."""
    from pipeline.documents import build_article, extract_options
    from pipeline.exceptions import ExtractionError
    from pipeline.extract import extract
    from pipeline.items import RawArticle

    preview = PagePreview(url=entry.url, via=via)
    response = fetcher.get(entry.url)
    if response is None:
        last = fetcher.refusals[-1] if fetcher.refusals else None
        preview.error = f"not fetched ({last.reason}: {last.detail})" if last else "not fetched"
        return preview, []
    if response.status >= 400:
        preview.error = f"HTTP {response.status}"
        return preview, []
    raw = RawArticle(
        url=response.url,
        source=source.name,
        body=response.body,
        status=response.status,
        headers=response.headers,
        fetched_at=datetime.now(UTC),
        discovered_via=via,
        hints=dict(entry.hints),
    )
    try:
        page = extract(raw.body, raw.url, extract_options(source, raw))
    except ExtractionError as exc:
        preview.error = f"extraction failed: {exc}"
        return preview, []
    article = build_article(raw, page)
    paragraphs = [p for p in article.body.split("\n\n") if p.strip()]
    preview.title = article.title
    preview.title_source = "page" if page.title else _hint_source(entry.hints, article.title)
    preview.published = article.published_at.isoformat() if article.published_at else None
    preview.date_source = article.date_source.get("published", "")
    preview.authors = list(article.authors)
    preview.section = article.section
    preview.article_type = article.article_type
    preview.language = article.language
    preview.words = article.word_count
    preview.first_lines = [_clip(p) for p in paragraphs[:FIRST_LINES]]
    if article.published_at is None:
        preview.warnings.append("no date")
    if not article.authors:
        preview.warnings.append("no author")
    if article.word_count < SHORT_BODY_WORDS:
        preview.warnings.append(f"short body ({article.word_count} words)")
    for paragraph in paragraphs:
        if len(paragraph) < 200 and _FURNITURE.search(paragraph):
            preview.warnings.append(f"boilerplate suspect: {_clip(paragraph)!r}")
    return preview, paragraphs


def _flag_repeated_paragraphs(done: list[tuple[PagePreview, list[str]]]) -> None:
    """A paragraph on two or more of the pages is the site's furniture, not an article's."""
    counts: Counter[str] = Counter()
    for _, paragraphs in done:
        counts.update(set(paragraphs))
    for p, paragraphs in done:
        for paragraph in dict.fromkeys(paragraphs):
            if counts[paragraph] >= 2:
                p.warnings.append(
                    f"boilerplate suspect (on {counts[paragraph]} pages): {_clip(paragraph)!r}"
                )


def _hint_source(hints: dict[str, str], title: str) -> str:
    for key, label in (("news_title", "news_sitemap"), ("feed_title", "feed")):
        if hints.get(key, "").strip() == title and title:
            return label
    return ""


def _clip(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def render_previews(report: PreviewReport) -> str:
    out = [
        f"source {report.source}: {len(report.pages)} page(s) previewed, "
        f"{report.requests} request(s)"
    ]
    for i, p in enumerate(report.pages, 1):
        out.append(f"\n{i}. {p.url}  (from {p.via})")
        if p.error:
            out.append(f"   error: {p.error}")
            continue
        out.append(f"   title:    {p.title}" + (f"  [{p.title_source}]" if p.title_source else ""))
        out.append(f"   date:     {p.published or '-'}  [{p.date_source or 'none'}]")
        out.append(f"   authors:  {', '.join(p.authors) or '-'}")
        out.append(
            f"   section:  {p.section or '-'}   type: {p.article_type or '-'}   "
            f"language: {p.language or '-'}   words: {p.words}"
        )
        for line in p.first_lines:
            out.append(f"   | {line}")
        for warning in p.warnings:
            out.append(f"   warning: {warning}")
    if not report.pages:
        out.append("no article URL found in the feeds, sitemaps or start pages")
    for r in report.refusals:
        out.append(f"refused {r.url}: {r.reason} ({r.detail})")
    return "\n".join(out) + "\n"
