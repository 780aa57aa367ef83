"""The whole fixture site as data: every article, every listing, every deliberate oddity.

Rendering, routing and the test manifest all derive from the tables here. Which article a
crawler can find how is decided by each article's ``discovery`` set and ``promoted`` flag, and
the helpers below turn those into section listings, feeds, sitemaps and "Related" boxes so that
the promises made by the data hold for the pages too (``check_consistency`` verifies that).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from pipeline.local.fixture_site.content_news import (
    CRANE_INSPECTIONS,
    DREDGING_DELAY,
    NEWS_ARTICLES,
    REZONING_HEARING,
)
from pipeline.local.fixture_site.content_opinion import (
    CRANE_EDITORIAL,
    FLOOD_PLAN,
    OPINION_ARTICLES,
    SEED,
)
from pipeline.local.fixture_site.content_world import RUSSIAN_COMMENTS, WORLD_ARTICLES
from pipeline.local.fixture_site.model import (
    Comment,
    Discovery,
    FixtureArticle,
    Template,
    inline_links,
    paragraphs,
)

SECTIONS: tuple[str, ...] = ("news", "opinion", "world")

# Small page sizes so that the opinion section needs three pages and news needs two.
PAGE_SIZE: dict[str, int] = {"news": 6, "opinion": 5, "world": 10}

ARTICLES: tuple[FixtureArticle, ...] = tuple(
    sorted(
        NEWS_ARTICLES + WORLD_ARTICLES + OPINION_ARTICLES,
        key=lambda a: a.published,
        reverse=True,
    )
)

_t = datetime.fromisoformat

PRIVATE_INDEX_PATH = "/private/"

# An unpublished story behind robots.txt. It is a complete article page, so a crawler that
# ignores robots.txt would happily index it; tests assert that it never shows up.
PRIVATE_DRAFT = FixtureArticle(
    section="private",
    slug="dredging-contract-draft",
    title="DRAFT: Dredging Consultant Has Ties to Port Board Member",
    description="Unpublished draft. Legal review pending.",
    authors=("Omar Haddad",),
    published=_t("2024-03-19T15:00:00-04:00"),
    body=paragraphs(
        """
        A consulting firm hired by the Port Authority to advise on the stalled dredging project
        is partly owned by the brother-in-law of a sitting port board member, according to
        corporate filings reviewed by the Ledger.

        NOTE TO EDITORS: the board member has not yet responded. Hold until legal has read the
        filings and we have a second source on the ownership stake.

        The firm was paid $410,000 last year, records show.
        """
    ),
    template=Template.MODERN,
    discovery=frozenset(),
    path_override="/private/drafts/dredging-contract-draft/",
)


@dataclass(frozen=True, slots=True)
class Teaser:
    """One entry of a listing: what a section page or the home page shows about a story."""

    path: str
    title: str
    description: str
    authors: tuple[str, ...]
    published: datetime


def teaser(article: FixtureArticle) -> Teaser:
    return Teaser(
        article.path, article.title, article.description, article.authors, article.published
    )


# A story that was unpublished after the news section listed it: its teaser still links to it
# and the link answers 404.
MISSING_STORY = Teaser(
    path="/news/2024/01/01/deleted-story/",
    title="Polar Plunge Draws a Record Crowd to Bayview Beach",
    description="Hundreds of swimmers braved 38-degree water to raise money for the food bank.",
    authors=("Hannah Brooks",),
    published=_t("2024-01-01T14:00:00-05:00"),
)

# An old URL from the previous CMS, still linked from the About page, answering 301.
REDIRECTS: dict[str, str] = {"/2016/peace-and-partnership-op-ed/": SEED.path}

# Home-page "Trending" links as people share them: with tracking parameters, or the AMP URL.
TRENDING: tuple[tuple[str, FixtureArticle], ...] = (
    (f"{CRANE_INSPECTIONS.path}?utm_source=twitter&utm_medium=social", CRANE_INSPECTIONS),
    (f"{CRANE_EDITORIAL.path}?utm_source=facebook&utm_medium=social", CRANE_EDITORIAL),
    (f"{REZONING_HEARING.path}amp/", REZONING_HEARING),
)

FEED_TRACKING_QUERY = "utm_source=rss&utm_medium=feed&utm_campaign=ledger-daily"

MOST_READ: tuple[FixtureArticle, ...] = (
    CRANE_INSPECTIONS,
    CRANE_EDITORIAL,
    REZONING_HEARING,
    DREDGING_DELAY,
    FLOOD_PLAN,
)

_ENGLISH_COMMENTS: tuple[Comment, ...] = (
    Comment(
        "HarborWatcher",
        "Thank you for staying on this. Nobody else in town is asking these questions.",
        "2 hours ago",
    ),
    Comment(
        "bayview_mom",
        "I read the whole thing and I still want to know who pays for it. Follow-up, please?",
        "5 hours ago",
    ),
    Comment(
        "Old Quay Resident",
        "Been saying this for years. Glad somebody finally wrote it down.",
        "yesterday",
    ),
    Comment(
        "R. Delgado",
        "Solid reporting, but the headline sounds scarier than the story underneath it.",
        "yesterday",
    ),
    Comment(
        "tugboat_tess",
        "My father worked the docks for thirty years. He would have had plenty to say here.",
        "2 days ago",
    ),
    Comment(
        "NorthsideNed",
        "Could the Ledger post the documents you cite? I would like to read them myself.",
        "3 days ago",
    ),
    Comment(
        "mkwan",
        "At last some attention to the waterfront. Now let us see whether anything changes.",
        "4 hours ago",
    ),
    Comment(
        "Priscilla F.",
        "Respectfully, I think the council has this wrong, and I will say so at the next meeting.",
        "6 hours ago",
    ),
)


def comments_for(article: FixtureArticle) -> tuple[Comment, ...]:
    """Two reader comments per article, picked deterministically so pages never change."""
    if article.section == "private":
        return ()
    if article.language == "ru":
        return RUSSIAN_COMMENTS
    start = zlib.crc32(article.slug.encode()) % len(_ENGLISH_COMMENTS)
    return tuple(_ENGLISH_COMMENTS[(start + i) % len(_ENGLISH_COMMENTS)] for i in range(2))


def by_path(path: str) -> FixtureArticle | None:
    """The article whose canonical path is ``path`` (published articles and the draft)."""
    for article in (*ARTICLES, PRIVATE_DRAFT):
        if article.path == path:
            return article
    return None


def listed(section: str) -> list[Teaser]:
    """Everything the section's listing pages show, newest first, including dead teasers."""
    entries = [
        teaser(a) for a in ARTICLES if a.section == section and Discovery.LINKS in a.discovery
    ]
    if section == MISSING_STORY.path.split("/")[1]:
        entries.append(MISSING_STORY)
    return sorted(entries, key=lambda t: t.published, reverse=True)


def section_pages(section: str) -> list[list[Teaser]]:
    """The listing split into pages: element 0 is ``/<section>/``, 1 is ``?page=2``, ..."""
    entries = listed(section)
    size = PAGE_SIZE[section]
    return [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]


def section_page_path(section: str, page: int) -> str:
    """Page 1 has no query string; later pages use ``?page=N`` as many CMSs do."""
    return f"/{section}/" if page == 1 else f"/{section}/?page={page}"


def promoted(section: str | None = None) -> list[FixtureArticle]:
    return [a for a in ARTICLES if a.promoted and (section is None or a.section == section)]


def related(article: FixtureArticle, limit: int = 3) -> list[FixtureArticle]:
    """Promoted stories for the "Related articles" box, same section first.

    Only promoted stories appear in these boxes, so that articles meant to be found solely via
    a feed, a sitemap or deep pagination are not leaked through a sidebar.
    """
    if article.section == "private":
        return []
    others = [a for a in promoted() if a.path != article.path]
    same = [a for a in others if a.section == article.section]
    rest = [a for a in others if a.section != article.section]
    return (same + rest)[:limit]


def feed_articles() -> list[FixtureArticle]:
    """The RSS/Atom items, newest first."""
    return [a for a in ARTICLES if Discovery.FEED in a.discovery]


def feed_link(article: FixtureArticle) -> str:
    """The root-relative link a feed gives for ``article`` (with tracking when flagged)."""
    if article.feed_tracking:
        return f"{article.path}?{FEED_TRACKING_QUERY}"
    return article.path


SITEMAP_SECTIONS: dict[str, tuple[str, ...]] = {
    "/sitemaps/news.xml": ("news", "world"),
    "/sitemaps/opinion.xml.gz": ("opinion",),
}


def sitemap_articles(sitemap_path: str) -> list[FixtureArticle]:
    sections = SITEMAP_SECTIONS[sitemap_path]
    return [a for a in ARTICLES if a.section in sections and Discovery.SITEMAP in a.discovery]


def image_paths() -> list[str]:
    """Every image a page references; the router serves a tiny GIF at each."""
    paths = ["/static/img/ledger-card.gif", "/static/img/avatar.gif"]
    paths += [f"/static/img/{a.slug}.gif" for a in ARTICLES if a.figure_caption]
    return paths


def attachments() -> list[tuple[str, str]]:
    """(path, content type) of every non-HTML file linked from an article."""
    return [(a.attachment.path, a.attachment.content_type) for a in ARTICLES if a.attachment]


def check_consistency() -> list[str]:
    """Problems in the tables that would make the site break its own promises; empty if none.

    Run by the unit tests: unique paths, inline links only to pages that are reachable by
    links anyway, and every article discoverable somehow.
    """
    problems: list[str] = []
    paths = [a.path for a in ARTICLES]
    if len(set(paths)) != len(paths):
        problems.append("duplicate article paths")
    link_targets = {a.path for a in ARTICLES if Discovery.LINKS in a.discovery}
    for article in ARTICLES:
        if not article.discovery:
            problems.append(f"{article.path}: not discoverable at all")
        if article.promoted and Discovery.LINKS not in article.discovery:
            problems.append(f"{article.path}: promoted but not discoverable by links")
        for paragraph in article.body:
            for href in inline_links(paragraph):
                if href not in link_targets:
                    problems.append(f"{article.path}: inline link to {href} leaks discovery")
    for _, article in TRENDING:
        if not article.promoted:
            problems.append(f"{article.path}: trending but not promoted")
    return problems
