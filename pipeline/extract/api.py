"""``extract()``: one HTML page in, clean article text and metadata out.

The steps run in a fixed order because each one destroys what an earlier one needs:
metadata is read from the untouched tree (``<head>``, JSON-LD scripts, bylines); visible date
stamps come from the text blocks the page showed before page furniture was removed (stamps
sit in headers and byline boxes); the article text is selected from the cleaned tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml.html import HtmlElement

from pipeline.exceptions import ExtractionError
from pipeline.extract.attribution import Attribution, find_attribution
from pipeline.extract.clean import Removals, clean_tree
from pipeline.extract.content import Collector, ContentOptions, select_paragraphs
from pipeline.extract.datefallback import htmldate_candidate
from pipeline.extract.dates import (
    choose_dates,
    title_candidates,
    url_candidates,
    visible_candidates,
)
from pipeline.extract.decode import decode_html
from pipeline.extract.kinds import OPINION, classify, opinion_kind
from pipeline.extract.language import choose_language
from pipeline.extract.limits import Deadline, ExtractLimits, check_size, check_tree
from pipeline.extract.metadata import read_metadata
from pipeline.extract.parse import check_bytes, parse_document
from pipeline.extract.soup import soup_paragraphs
from pipeline.extract.text import compact_key, unescape_leftovers

# Languages whose pages write numeric dates day first (03/04/2016 is 3 April); American
# English, the default, writes month first.
_MONTH_FIRST_LANGUAGES = frozenset({"en", None})


# A page is an article only if at least one paragraph is this long; shorter leftovers are
# labels and links of pages without text (login forms, photo galleries, error pages).
MIN_PARAGRAPH_CHARS = 40
# Date stamps are short lines of their own; longer blocks are prose, where "updated on
# March 3" is a fact reported, not the page's date.
MAX_STAMP_LINE = 200
# date_source["published"] of a page that states no publication date anywhere.
UNDATED = "undated"


@dataclass(frozen=True)
class ExtractOptions:
    """Per-source knobs; the defaults suit an unknown site."""

    body_selector: str | None = None  # CSS of the element(s) holding the article text
    drop_selectors: tuple[str, ...] = ()  # CSS of extra elements to remove before selection
    junk_patterns: tuple[re.Pattern[str], ...] = ()  # the source's extra junk lines (``search``)
    fetched_at: datetime | None = None  # relative dates count back from it; no date after it
    http_encoding: str | None = None  # charset from the HTTP Content-Type header
    language_hint: str | None = None  # the source's language, used when the page declares none
    # Who strips the boilerplate inside the article container: "lxml" (the whole job on the
    # lxml tree) or "soup" (BeautifulSoup on the container's HTML; see ``soup.py``).
    cleaner: str = "soup"
    # Size, depth and time bounds per page (``limits.py``); past one: too_large/too_deep/timeout.
    limits: ExtractLimits = field(default_factory=ExtractLimits.from_env)


@dataclass
class ExtractedPage:
    """The article found in a page.

    Datetimes are timezone-aware and carry the offset the publisher stated (UTC when it
    stated none), so the stored ISO 8601 value shows the publisher's own calendar day.
    """

    title: str
    body: str  # paragraphs joined by "\n\n"
    authors: list[str]
    published_at: datetime | None
    updated_at: datetime | None
    date_source: dict[str, str] = field(default_factory=dict)  # kind -> "json-ld", "meta", ...
    canonical_url: str | None = None
    section: str | None = None  # slug for facets ("local-news"); see sections.py
    section_label: str | None = None  # the section as the page wrote it ("Local News")
    language: str | None = None
    description: str | None = None
    article_type: str | None = None  # "news" | "opinion" | "live" | "wire" (see kinds.py)
    opinion_kind: str | None = None  # "op-ed" | "column" | "editorial" | "letter" | None
    # From an op-ed's attribution trailer ("X, the foreign minister, contributed this comment
    # to The Washington Post."): the writer's role and the publication it was written for.
    author_role: str | None = None
    original_publication: str | None = None
    # The news agency the byline credits ("dpa", "Associated Press"): wire copy, not an author.
    agency: str | None = None


# ExtractionError.reason of a page on which the extractor itself broke (a bug, not the page's
# fault): the detail names the exception type and message, so the crawl's skip counts, the
# reprocess log and the offline CLI all account for it instead of dying on it.
FAILED = "failed"


def extract(html: bytes | str, url: str, options: ExtractOptions | None = None) -> ExtractedPage:
    """Extract the article of one page.

    Raises ExtractionError with reason "not_html" (not an HTML document), "undecodable"
    (bytes in no recognisable encoding), "empty_body" (no article text on the page),
    "too_large", "too_deep", "timeout" (past one of ``options.limits``), or "failed" (any
    other exception inside extraction, detail "<Type>: <message>"). Nothing else escapes:
    one page of the open web must never end a crawl, a reprocess or a batch run.
    """
    try:
        return _extract(html, url, options or ExtractOptions())
    except ExtractionError:
        raise
    except Exception as error:  # the boundary: every other failure becomes an outcome
        raise ExtractionError(FAILED, f"{type(error).__name__}: {error}") from error


def _extract(html: bytes | str, url: str, options: ExtractOptions) -> ExtractedPage:
    """The steps of ``extract()``, in order; any of them may raise."""
    deadline = Deadline(options.limits.time_limit)
    check_size(html, options.limits)
    if isinstance(html, bytes):
        check_bytes(html)
        html = decode_html(html, options.http_encoding)
    root = parse_document(html)
    check_tree(root, options.limits)
    deadline.check("parsing")
    meta = read_metadata(root, url)
    removals = Removals() if options.cleaner == "soup" else None
    deadline.check("metadata")
    cleaned = clean_tree(root, options.body_selector, options.drop_selectors, removals)
    deadline.check("cleaning")

    stamps = "\n".join(b.text for b in cleaned.page_blocks if len(b.text) <= MAX_STAMP_LINE)
    language_for_dates = meta.declared_language or options.language_hint
    latest = options.fetched_at or datetime.now(UTC)
    latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
    dayfirst = language_for_dates not in _MONTH_FIRST_LANGUAGES
    candidates = [
        *meta.date_candidates,
        *visible_candidates(stamps, fetched_at=options.fetched_at),
        *title_candidates(meta.title_texts),
        *url_candidates(url),
    ]
    dates = choose_dates(candidates, latest=latest, dayfirst=dayfirst)
    if dates.published is None:
        second = htmldate_candidate(html, url, updated=dates.updated)
        if second is not None:
            dates = choose_dates([*candidates, second], latest=latest, dayfirst=dayfirst)

    paragraphs = select_paragraphs(
        cleaned.body,
        ContentOptions(
            body_selector=options.body_selector,
            junk_patterns=options.junk_patterns,
            title=meta.title,
            jsonld_body=meta.jsonld_body,
            headlines=meta.headlines,
            credits=tuple(filter(None, (*meta.authors, meta.agency))),
            sites=meta.sites,
        ),
        _soup_collector(removals, options) if removals is not None else None,
    )
    deadline.check("content selection")
    if not any(len(p) >= MIN_PARAGRAPH_CHARS for p in paragraphs):
        raise ExtractionError("empty_body", f"no article text found in {url}")
    paragraphs = [unescape_leftovers(p) for p in paragraphs]
    body = "\n\n".join(paragraphs)
    attribution = find_attribution(paragraphs, opinion=meta.article_type == OPINION)
    authors = with_attributed_author(meta.authors, attribution)
    # "X, the foreign minister, contributed this comment to The Washington Post." closes
    # op-eds only: a news report never credits its writer that way.
    declared = OPINION if attribution is not None and attribution.publication else None
    article_type = classify(
        declared or meta.article_type,
        types=meta.jsonld_types,
        url=url,
        title=meta.title,
        paragraphs=paragraphs,
        authors=authors or ([meta.agency] if meta.agency else []),
    )
    date_source = dict(dates.sources)
    if dates.published is None:
        date_source["published"] = UNDATED  # stated, so nobody mistakes a gap for a date
    return ExtractedPage(
        title=meta.title,
        body=body,
        authors=authors,
        published_at=dates.published,
        updated_at=dates.updated,
        date_source=date_source,
        canonical_url=meta.canonical_url,
        section=meta.section,
        section_label=meta.section_label,
        language=choose_language(meta.declared_language, options.language_hint, body),
        description=meta.description,
        article_type=article_type,
        opinion_kind=opinion_kind(
            meta.section, url, meta.title, has_trailer=attribution is not None
        )
        if article_type == OPINION
        else None,
        author_role=attribution.role if attribution else None,
        original_publication=attribution.publication if attribution else None,
        agency=meta.agency,
    )


def with_attributed_author(authors: list[str], attribution: Attribution | None) -> list[str]:
    """The trailer's writer first: bylines of syndicated op-eds often name only a desk."""
    if attribution is None:
        return authors
    key = compact_key(attribution.author)
    return [attribution.author, *(a for a in authors if compact_key(a) != key)]


def _soup_collector(removals: Removals, options: ExtractOptions) -> Collector:
    """A collector that hands the uncleaned state of the chosen container to BeautifulSoup.

    lxml's cleaning works in place; once it has served to choose the container, its
    removals are undone: inside the container, the hybrid judges furniture with a guard of
    its own (half of the *container's* prose, not the page's).
    """

    def collect(regions: list[HtmlElement], content: ContentOptions) -> list[str]:
        removals.undo()
        return soup_paragraphs(regions, content, options.drop_selectors)

    return collect
