"""The fixture site can change while it runs, the way a newsroom changes its site between crawls."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pipeline.local.fixture_site import FixtureSite, catalog, new_article

PATH = catalog.feed_articles()[0].path
WHEN = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
STORY = new_article("tug-strike-ends", "Tug strike ends", ("The tug crews went back to work.",))


def get(site: FixtureSite, path: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(site.url(path)) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as s:
        yield s


def test_a_revision_changes_the_page_and_its_validators(site: FixtureSite) -> None:
    _, before, _ = get(site, PATH)
    site.revise(PATH, "Correction: the pier is on the east side.", at=WHEN)
    _, after, body = get(site, PATH)
    assert b"Correction: the pier is on the east side." in body
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] == "Mon, 01 Jun 2026 09:30:00 GMT"


def test_a_revision_moves_the_feed_and_sitemap_dates(site: FixtureSite) -> None:
    site.revise(PATH, "Update: more details.", at=WHEN)
    _, _, atom = get(site, "/atom.xml")
    assert b"<atom:updated>2026-06-01T09:30:00+00:00</atom:updated>" in atom
    _, _, sitemap = get(site, "/sitemaps/news.xml")
    _, _, index = get(site, "/sitemap.xml")
    assert b"2026-06-01T09:30:00+00:00" in sitemap + index


def test_a_published_article_is_served_and_announced(site: FixtureSite) -> None:
    site.publish(STORY)
    status, _, body = get(site, STORY.path)
    assert status == 200 and b"The tug crews went back to work." in body
    for path in ("/rss.xml", "/atom.xml", "/sitemaps/news.xml"):
        assert STORY.path.encode() in get(site, path)[2]
    with pytest.raises(ValueError, match="already lives"):
        site.publish(STORY)


def test_changes_stay_with_their_site(site: FixtureSite) -> None:
    site.publish(STORY)
    with FixtureSite() as other, pytest.raises(urllib.error.HTTPError):
        get(other, STORY.path)


def test_an_unknown_path_cannot_be_revised(site: FixtureSite) -> None:
    with pytest.raises(KeyError):
        site.revise("/news/2030/01/01/nothing/", "text")
