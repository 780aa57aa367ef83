"""Data model of the fixture site: one article as plain data, independent of its HTML.

The renderers, the feeds, the sitemaps and the test manifest all read these same objects, so what
the site serves and what the tests expect cannot drift apart. Article bodies use a tiny inline
markup (``[text](/path/)`` for a link, ``*text*`` for emphasis) so that pages can carry realistic
inline HTML while the expected plain text stays derivable from the same string.
"""

from __future__ import annotations

import enum
import html
import re
from dataclasses import dataclass
from datetime import datetime

SITE_NAME = "The Harbor City Ledger"

SECTION_NAMES: dict[str, str] = {
    "news": "News",
    "opinion": "Opinion",
    "world": "World",
    "private": "Newsroom drafts",
}

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"\*([^*]+)\*")


class Template(enum.StrEnum):
    """Article page layouts; several exist so an extractor cannot succeed by learning only one."""

    MODERN = "modern"  # itemprop=articleBody, JSON-LD NewsArticle, full meta tags
    STORY_BODY = "story-body"  # div.story-body, JSON-LD @graph, inline "Read more" and ad slot
    COLUMN = "column"  # opinion column: section.article-content, pull quote, author bio
    ARCHIVE = "archive"  # old CMS: only a visible "Last Updated" stamp, no JSON-LD, no <time>
    WORDPRESS = "wordpress"  # div.entry-content, dates only in <time>, share/related inside body


class Discovery(enum.StrEnum):
    """The ways a crawler can learn an article's URL; each article lists the ones that apply."""

    FEED = "feed"  # an item of /rss.xml and /atom.xml
    SITEMAP = "sitemap"  # a <url> of a child sitemap of /sitemap.xml
    LINKS = "links"  # reachable by following <a href> links from the home page


def discovery(spec: str) -> frozenset[Discovery]:
    """Parse ``"links feed"`` into a set; keeps the article tables short and readable."""
    return frozenset(Discovery(word) for word in spec.split())


def paragraphs(block: str) -> tuple[str, ...]:
    """Split a wrapped text block into paragraphs: blank lines separate, line breaks are spaces.

    Article bodies are written as indented blocks wrapped under the line-length limit; joining
    the lines of a paragraph with single spaces restores the exact sentence text.
    """
    result: list[str] = []
    current: list[str] = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            result.append(" ".join(current))
            current = []
    if current:
        result.append(" ".join(current))
    return tuple(result)


def plain_text(markup: str) -> str:
    """The text a reader sees for a paragraph in inline markup (links and emphasis removed)."""
    return _EMPHASIS.sub(r"\1", _LINK.sub(r"\1", markup))


def inline_html(markup: str) -> str:
    """HTML for a paragraph in inline markup; text is escaped before markup becomes tags."""
    escaped = html.escape(markup, quote=False)
    linked = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', escaped)
    return _EMPHASIS.sub(r"<em>\1</em>", linked)


def inline_links(markup: str) -> list[str]:
    """The hrefs a paragraph links to, so the catalog can check links point at real pages."""
    return [m.group(2) for m in _LINK.finditer(markup)]


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader comment shown under an article; never part of the article body."""

    author: str
    text: str
    posted: str  # as displayed, deliberately relative ("3 hours ago"), never a full date


@dataclass(frozen=True, slots=True)
class Attachment:
    """A non-HTML file linked from an article page with an article-like URL."""

    path: str
    label: str
    content_type: str


@dataclass(frozen=True, slots=True)
class FixtureArticle:
    """One article of the fixture site: its content, its metadata and how it is published.

    ``body`` holds the paragraphs in inline markup exactly as the page shows them inside the
    article container; pull quotes, captions, bios and "Read more" teasers are separate fields
    because an extractor is expected to leave them out.
    """

    section: str  # "news" | "opinion" | "world" | "private"
    slug: str
    title: str
    description: str  # the dek / standfirst; shown above the body, not part of it
    authors: tuple[str, ...]
    published: datetime  # timezone-aware; its local date is the date in the URL
    body: tuple[str, ...]
    template: Template
    discovery: frozenset[Discovery]
    updated: datetime | None = None
    kind: str = "news"  # news | analysis | column | editorial | letter
    language: str = "en"
    encoding: str = "utf-8"  # the charset the page bytes are encoded in
    json_ld: bool = True  # whether the template emits JSON-LD (some templates never do)
    promoted: bool = False  # on the home page, and eligible for "Related" and "Most read"
    amp: bool = False  # has an AMP duplicate at <path>amp/
    printable: bool = False  # the page links to its print duplicate <path>?print=1
    feed_tracking: bool = False  # the feed links it with utm_* tracking parameters
    pull_quote: str | None = None
    author_bio: str | None = None
    figure_caption: str | None = None
    attachment: Attachment | None = None
    path_override: str | None = None  # for pages outside the /<section>/yyyy/mm/dd/ scheme

    @property
    def path(self) -> str:
        """Root-relative canonical path, e.g. ``/news/2024/03/14/some-slug/``."""
        if self.path_override is not None:
            return self.path_override
        day = self.published.date()
        return f"/{self.section}/{day:%Y/%m/%d}/{self.slug}/"

    @property
    def section_name(self) -> str:
        return SECTION_NAMES[self.section]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body as plain text, one string per paragraph."""
        return tuple(plain_text(p) for p in self.body)

    @property
    def last_modified(self) -> datetime:
        return self.updated or self.published

    @property
    def is_opinion(self) -> bool:
        return self.section == "opinion"
