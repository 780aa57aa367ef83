"""Change the fixture site while it runs: revise or edit an article, publish a new one.

Incremental-crawl tests need a site that moves between two crawls the way a newsroom does: a
correction appended to a story (its page, ``Last-Modified``, ETag, feed ``updated`` and sitemap
``lastmod`` all change) and a new story that appears in the feeds and sitemaps. The static
catalog stays untouched; an ``Edition`` holds the changes of one ``FixtureSite`` and re-renders
the affected resources of each of its builds, so other sites in the same process are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from pipeline.local.fixture_site import catalog, feeds, render
from pipeline.local.fixture_site.model import Discovery, FixtureArticle, Template, discovery
from pipeline.local.fixture_site.routes import Resource, SiteBuild


def new_article(
    slug: str,
    title: str,
    body: tuple[str, ...],
    *,
    section: str = "news",
    published: datetime | None = None,
    authors: tuple[str, ...] = ("Dana Whitfield",),
) -> FixtureArticle:
    """A plain news story found through the feeds and the sitemaps, published now by default."""
    return FixtureArticle(
        section=section,
        slug=slug,
        title=title,
        description=body[0][:120],
        authors=authors,
        published=published or datetime.now(UTC).replace(microsecond=0),
        body=body,
        template=Template.MODERN,
        discovery=discovery("feed sitemap"),
    )


@dataclass
class Edition:
    """The revisions and new articles of one running site, newest state of each article."""

    revised: dict[str, FixtureArticle] = field(default_factory=dict)
    published: dict[str, FixtureArticle] = field(default_factory=dict)
    # After ``redesign()``: every article page (and its print and AMP copies) in the redesigned
    # template, which lost bylines and dates (``render.redesigned_page``).
    redesigned_at: datetime | None = None

    def article(self, path: str) -> FixtureArticle:
        """The current state of the article at ``path``; KeyError when there is none."""
        if path in self.published:
            return self.published[path]
        if path in self.revised:
            return self.revised[path]
        found = catalog.by_path(path)
        if found is None:
            raise KeyError(f"no fixture article at {path}")
        return found

    def revise(self, path: str, paragraph: str, at: datetime | None = None) -> FixtureArticle:
        """Append ``paragraph`` to the article and mark it updated ``at`` (default: now)."""
        current = self.article(path)
        moment = (at or datetime.now(UTC)).replace(microsecond=0)
        revised = replace(current, body=(*current.body, paragraph), updated=moment)
        if path in self.published:
            self.published[path] = revised
        else:
            self.revised[path] = revised
        return revised

    def edit(
        self, path: str, old: str, new: str, at: datetime | None = None, *, silent: bool = False
    ) -> FixtureArticle:
        """Replace the text ``old`` by ``new`` in the article's body, as a newsroom edit does.

        The article is marked updated ``at`` (default: now), unless ``silent``: then its
        Last-Modified, feed and sitemap dates stay as they were (only the page and its ETag
        change), as on the many sites that edit without saying so. ``old`` must occur exactly
        once, so a test cannot silently edit nothing.
        """
        current = self.article(path)
        found = sum(p.count(old) for p in current.body)
        if found != 1:
            raise ValueError(f"{old!r} occurs {found} times in {path}, expected once")
        moment = (at or datetime.now(UTC)).replace(microsecond=0)
        body = tuple(p.replace(old, new) for p in current.body)
        edited = replace(current, body=body, updated=current.updated if silent else moment)
        if path in self.published:
            self.published[path] = edited
        else:
            self.revised[path] = edited
        return edited

    def publish(self, article: FixtureArticle) -> None:
        if catalog.by_path(article.path) is not None or article.path in self.published:
            raise ValueError(f"an article already lives at {article.path}")
        self.published[article.path] = article

    def redesign(self, at: datetime | None = None) -> None:
        """Switch every article page to the redesigned template (new Last-Modified ``at``)."""
        self.redesigned_at = (at or datetime.now(UTC)).replace(microsecond=0)

    def changed(self) -> list[FixtureArticle]:
        return [*self.revised.values(), *self.published.values()]

    def _rendered(self) -> list[FixtureArticle]:
        """The articles whose pages this edition renders: all of them after a redesign."""
        if self.redesigned_at is None:
            return self.changed()
        return [self.article(a.path) for a in catalog.ARTICLES] + list(self.published.values())

    def feed_items(self) -> list[FixtureArticle]:
        items = [self.revised.get(a.path, a) for a in catalog.feed_articles()]
        items += [a for a in self.published.values() if Discovery.FEED in a.discovery]
        return sorted(items, key=lambda a: a.published, reverse=True)

    def sitemap_items(self, sitemap_path: str) -> list[FixtureArticle]:
        sections = catalog.SITEMAP_SECTIONS[sitemap_path]
        items = [self.revised.get(a.path, a) for a in catalog.sitemap_articles(sitemap_path)]
        items += [
            a
            for a in self.published.values()
            if a.section in sections and Discovery.SITEMAP in a.discovery
        ]
        return items

    def apply(self, build: SiteBuild) -> None:
        """Re-render, in ``build``, every page and discovery file that the changes touch.

        Entries are replaced one by one (atomic dict assignments), so the threaded server keeps
        answering while this runs.
        """
        base = build.base_url
        redesigned = self.redesigned_at
        for a in self._rendered():
            ctype = f"text/html; charset={a.encoding}"
            if redesigned is not None:
                modified = max(a.last_modified, redesigned)
                page = render.redesigned_page(a, base).encode(a.encoding)
                for path in (a.path, f"{a.path}?print=1", *([f"{a.path}amp/"] if a.amp else [])):
                    build.routes[path] = Resource(200, ctype, page, modified)
                continue
            page = render.article_page(a, base).encode(a.encoding)
            build.routes[a.path] = Resource(200, ctype, page, a.last_modified)
            printed = render.print_page(a, base).encode(a.encoding)
            build.routes[f"{a.path}?print=1"] = Resource(200, ctype, printed, a.last_modified)
        items = self.feed_items()
        newest = feeds.newest(items)
        build.routes["/rss.xml"] = Resource(
            200, "application/rss+xml; charset=utf-8", feeds.rss(base, items), newest
        )
        build.routes["/atom.xml"] = Resource(
            200, "application/atom+xml; charset=utf-8", feeds.atom(base, items), newest
        )
        children = {path: self.sitemap_items(path) for path in catalog.SITEMAP_SECTIONS}
        for path, listed in children.items():
            old = build.routes[path]
            body = feeds.child_sitemap(base, path, listed)
            build.routes[path] = Resource(200, old.content_type, body, feeds.newest(listed))
        index = build.routes[feeds.SITEMAP_INDEX_PATH]
        build.routes[feeds.SITEMAP_INDEX_PATH] = Resource(
            200,
            index.content_type,
            feeds.sitemap_index(base, children),
            max(feeds.newest(v) for v in children.values()),
        )
