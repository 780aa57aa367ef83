"""URL shapes: which URLs of a site are articles, and the patterns proposed for them take every
article URL of the shape and none of the site's other pages."""

from __future__ import annotations

import re

import pytest

from pipeline.discover.entrypoints import body_kind, page_links
from pipeline.discover.shapes import UrlKind, classify, propose

B = "https://courier.example"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", UrlKind.HOME),
        ("/?page=2", UrlKind.PAGINATION),
        ("/news/", UrlKind.SECTION),
        ("/news/local/", UrlKind.SECTION),
        ("/news/?page=3", UrlKind.PAGINATION),
        ("/news/page/3/", UrlKind.PAGINATION),
        ("/tag/harbour-dues-debate/", UrlKind.TAXONOMY),
        ("/author/jane-doe/", UrlKind.TAXONOMY),
        ("/about/", UrlKind.FURNITURE),
        ("/privacy-policy", UrlKind.FURNITURE),
        ("/news/2024/03/14/ferry-inspections/", UrlKind.ARTICLE),
        ("/2024/mar/02/ferry", UrlKind.ARTICLE),
        ("/commentisfree/2024/mar/02/why-the-ferry-matters", UrlKind.ARTICLE),
        ("/world/48213", UrlKind.ARTICLE),
        ("/story/48213/ferry", UrlKind.ARTICLE),
        ("/why-bees-matter-123456", UrlKind.ARTICLE),
        ("/politics/council-votes-on-budget", UrlKind.ARTICLE),
        ("/2024/03/", UrlKind.OTHER),
        ("/news/ferry.html", UrlKind.OTHER),
    ],
)
def test_each_url_gets_the_kind_its_shape_says(path: str, kind: str) -> None:
    assert classify(B + path).kind == kind


def matches(patterns: list[re.Pattern[str]], path: str) -> bool:
    return any(p.search(B + path) for p in patterns)


SITE_PAGES = [
    "/",
    "/?page=2",
    "/news/",
    "/world/",
    "/news/?page=2",
    "/news/page/2/",
    "/tag/harbour-dues-debate/",
    "/author/jane-doe/",
    "/about/",
    "/contact/",
]


def test_dated_urls_of_several_sections_become_one_pattern_with_the_sections_seen() -> None:
    announced = [
        B + "/news/2024/03/14/ferry-inspections-find-rust/",
        B + "/world/2024/03/13/quake/",
        B + "/news/2024/11/02/budget/",
    ]
    proposal = propose(announced, [B + p for p in SITE_PAGES])
    articles = proposal.compiled("article")
    assert [g.count for g in proposal.article_patterns] == [3]
    assert matches(articles, "/world/2025/01/09/a-story-not-seen-yet/")
    assert not any(matches(articles, p) for p in SITE_PAGES)
    assert not matches(articles, "/tag/2024/03/14/x/")  # a section never seen is not taken


def test_numeric_id_and_slug_id_urls_are_articles_of_their_own_shapes() -> None:
    linked = [B + p for p in ("/world/48213", "/world/48214", "/why-bees-matter-123456")]
    proposal = propose([B + "/a-second-piece-223456"], [*linked, *(B + p for p in SITE_PAGES)])
    articles = proposal.compiled("article")
    assert matches(articles, "/world/99999") and matches(articles, "/how-tides-work-999999")
    assert not any(matches(articles, p) for p in SITE_PAGES)


def test_slug_only_urls_keep_the_three_word_slug_that_tells_them_from_sections() -> None:
    linked = [B + "/politics/council-votes-on-budget", B + "/politics/mayor-resigns-after-vote"]
    proposal = propose([], [*linked, B + "/politics/", B + "/politics/archive"])
    articles = proposal.compiled("article")
    assert matches(articles, "/politics/new-harbour-master-named")
    assert not matches(articles, "/politics/") and not matches(articles, "/politics/archive")


def test_a_lone_linked_article_shape_is_left_out_but_a_lone_announced_one_is_taken() -> None:
    lone = propose([], [B + "/2019/01/01/an-old-thing-linked-once/"])
    assert lone.article_patterns == [] and lone.left_out["lone article-like link"]
    announced = propose([B + "/2019/01/01/an-old-thing-linked-once/"], [])
    assert len(announced.article_patterns) == 1


def test_sections_and_their_pagination_are_followed_taxonomy_and_furniture_are_not() -> None:
    proposal = propose([], [B + p for p in SITE_PAGES])
    follow = proposal.compiled("follow")
    for path in ("/", "/?page=2", "/news/", "/world/?page=9", "/news/page/4/"):
        assert matches(follow, path), path
    for path in ("/tag/harbour-dues-debate/", "/author/jane-doe/", "/about/"):
        assert not matches(follow, path), path
    assert set(proposal.left_out) == {UrlKind.TAXONOMY, UrlKind.FURNITURE}


def test_a_page_names_its_feeds_and_sitemaps_apart_from_its_links() -> None:
    html = b"""<html><head><base href="https://courier.example/news/">
    <link rel="alternate" type="application/atom+xml" href="/atom.xml">
    <link rel="alternate" type="application/feed+json" href="feed.json"></head><body>
    <a href="2024/03/14/ferry/">ferry</a><a href="/rss">RSS</a><a href="/sitemap-news.xml">map</a>
    <a href="mailto:x@y">mail</a><a href="#top">top</a></body></html>"""
    found = page_links(html, B + "/news/")
    assert list(found.feeds) == [B + "/atom.xml", B + "/news/feed.json", B + "/rss"]
    assert list(found.sitemaps) == [B + "/sitemap-news.xml"]
    assert found.links == [B + "/news/2024/03/14/ferry/"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "feed"),
        (b'<?xml version="1.0"?><urlset xmlns="x"></urlset>', "sitemap"),
        (b"<sitemapindex></sitemapindex>", "sitemap"),
        (b"<!doctype html><html><body>Not found</body></html>", ""),
        (b'{"error": "not found"}', ""),
    ],
)
def test_a_candidate_is_judged_by_its_body(body: bytes, kind: str) -> None:
    assert body_kind(body) == kind


def test_beside_dated_articles_slug_only_links_are_topic_pages_and_left_out() -> None:
    linked = [
        B + "/film/2014/feb/13/her-review",
        B + "/books/2024/mar/02/a-novel-of-the-sea",
        B + "/lifeandstyle/love-and-sex",
        B + "/society/social-care-crisis",
        B + "/lifeandstyle/series/how-to-cook-well",
    ]
    proposal = propose([], linked)
    assert [g.why for g in proposal.article_patterns] == ["date in the path"]
    assert proposal.left_out["slug-only links beside dated or numbered articles"] == [
        B + "/lifeandstyle/love-and-sex",
        B + "/society/social-care-crisis",
    ]
    assert proposal.left_out[UrlKind.TAXONOMY] == [B + "/lifeandstyle/series/how-to-cook-well"]


def test_announced_slug_only_urls_stay_articles_beside_dated_ones() -> None:
    proposal = propose(
        [B + "/politics/council-votes-on-budget"],
        [B + "/news/2024/03/14/ferry/", B + "/news/2024/03/15/quay/"],
    )
    assert len(proposal.article_patterns) == 2
