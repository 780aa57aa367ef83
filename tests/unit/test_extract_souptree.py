"""Specification of the container soup: built from lxml, furniture left out by its markup."""

from __future__ import annotations

import lxml.html
from bs4 import BeautifulSoup, Tag
from lxml.html import HtmlElement

from pipeline.extract.prune import ContainerGuard, is_furniture
from pipeline.extract.soup import soup_blocks
from pipeline.extract.souptree import container_soup

PROSE = (
    "The council voted on Tuesday to rebuild the old pier, after three years of debate "
    "about its cost and the closures it would force on the fishing fleet."
)


def region(html: str) -> HtmlElement:
    element: HtmlElement = lxml.html.fragment_fromstring(html)
    return element


def first(soup: Tag, name: str) -> Tag:
    found = soup.find(name)
    assert isinstance(found, Tag)
    return found


def test_the_soup_holds_what_a_parse_of_the_containers_markup_holds() -> None:
    html = (
        '<div class="story" id="s1"><h2>Pier&nbsp;vote</h2><p>First <b>bold</b> and '
        '<a href="/x">linked</a> words,<br>then a new line.</p>text between blocks'
        "<pre>  kept\n  spacing </pre><ul><li>one</li><li>two &amp; three</li></ul></div>"
    )
    built = container_soup([region(html)], for_selectors=True).soup
    parsed = BeautifulSoup(html, "lxml")
    assert built.decode() == parsed.decode()
    assert [b.text for b in soup_blocks(built)] == [b.text for b in soup_blocks(parsed)]


def test_attributes_are_copied_only_when_asked_for() -> None:
    html = '<div class="story"><p class="lede" data-x="1">Words.</p></div>'
    assert first(container_soup([region(html)], for_selectors=False).soup, "p").attrs == {}
    kept = first(container_soup([region(html)], for_selectors=True).soup, "p")
    assert kept.attrs == {"class": "lede", "data-x": "1"}  # class stays one string


def test_furniture_named_by_its_markup_never_becomes_a_tag() -> None:
    html = (
        f"<div><nav><a href='/'>Home</a></nav><p>{PROSE}</p>"
        "<div class='share-bar'><a href='#'>Share</a></div>"
        "<p style='display:none'>Tracking text nobody sees.</p>"
        "<div id='comments'><p>A reader wrote a long comment about the pier and its cost.</p></div>"
        "<footer>Copyright</footer></div>"
    )
    soup = container_soup([region(html)], for_selectors=False).soup
    assert [b.text for b in soup_blocks(soup)] == [PROSE]
    assert soup.find_all(["nav", "footer"]) == []


def test_text_around_a_left_out_element_stays_in_place() -> None:
    html = "<div><p>Before <span class='sr-only'>opens in a new tab</span>after.</p></div>"
    soup = container_soup([region(html)], for_selectors=False).soup
    assert [b.text for b in soup_blocks(soup)] == ["Before after."]
    # ... as two strings, as when BeautifulSoup itself removed the span.
    assert list(first(soup, "p").strings) == ["Before ", "after."]


def test_the_story_wrapper_is_kept_whatever_its_name_says() -> None:
    html = (
        f"<div><div class='article-share-wrapper'><p>{PROSE}</p><p>{PROSE}</p></div>"
        "<div class='share-bar'><a href='#'>Share</a></div></div>"
    )
    built = container_soup([region(html)], for_selectors=False)
    assert [b.text for b in soup_blocks(built.soup)] == [PROSE, PROSE]
    wrapper = first(first(built.soup, "div"), "div")
    assert id(wrapper) in built.protected
    assert built.threshold == len(PROSE)  # half of the container's prose


def test_the_guard_measures_prose_not_text() -> None:
    root = region(
        f"<div><div class='links'>{'<a href=/x>Teaser headline here</a> ' * 20}</div>"
        f"<div class='ad-wrapper'><p>{PROSE}</p></div></div>"
    )
    guard = ContainerGuard([root])
    links, wrapper = root.findall("div")
    assert guard.may_drop(links)
    assert not guard.may_drop(wrapper)
    assert not is_furniture(wrapper, guard)  # "ad-wrapper" holds the story


def test_several_regions_share_one_soup_and_one_guard() -> None:
    first, second = region(f"<div><p>{PROSE}</p></div>"), region(f"<div><p>{PROSE}</p></div>")
    built = container_soup([first, second], for_selectors=False)
    assert [b.text for b in soup_blocks(built.soup)] == [PROSE, PROSE]
    assert built.threshold == len(PROSE)


def test_for_selectors_the_furniture_is_built_and_listed_for_removal() -> None:
    html = f"<div><nav><a href='/'>Home</a></nav><p>{PROSE}</p><p class='sr-only'>x</p></div>"
    built = container_soup([region(html)], for_selectors=True)
    assert [tag.name for tag in built.furniture] == ["nav", "p"]
    assert first(built.soup, "nav").get_text() == "Home"  # a selector may still match it
