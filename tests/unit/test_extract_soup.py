"""The hybrid cleaner: BeautifulSoup strips the furniture inside the container lxml chose."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.extract import ExtractOptions, extract
from pipeline.extract.soup import soup_blocks, strip_soup

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
PROSE = (
    "The council voted on Tuesday to rebuild the old pier, after three years of debate "
    "about its cost and the closures it would force on the fishing fleet."
)
STORY = f"""<html><head><title>Pier vote</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article class="story">
  <h1>Council votes to rebuild the old pier</h1>
  <div class="share-bar"><a href="#">Share</a> <a href="#">Tweet</a></div>
  <p>{PROSE}</p>
  <p class="ad-label">Advertisement</p>
  <figure><img src="x.jpg"><figcaption>The pier in 1932, before the storm.</figcaption></figure>
  <p>Work starts in May and should take two summers, the harbour office said in a statement.</p>
  <div class="newsletter-signup"><p>Get the Harbor briefing every morning in your inbox.</p></div>
  <p style="display:none">Hidden tracking text that no reader ever sees on the page.</p>
  <section><h2>Related stories</h2><ul><li><a href="/a">Fleet fears closures</a></li>
    <li><a href="/b">Pier history</a></li></ul></section>
  <p>Residents can comment on the plans at the library until the end of the month.</p>
</article>
<footer>Copyright 2024 Harbor Ledger</footer>
</body></html>"""


@pytest.mark.parametrize("cleaner", ["soup", "lxml"])
def test_both_cleaners_keep_the_story_and_drop_the_furniture_inside_it(cleaner: str) -> None:
    body = extract(STORY, "https://ledger.example/news/pier/", ExtractOptions(cleaner=cleaner)).body
    assert body.split("\n\n") == [
        PROSE,
        "Work starts in May and should take two summers, the harbour office said in a statement.",
        "Residents can comment on the plans at the library until the end of the month.",
    ]


def test_the_hybrid_is_the_default_cleaner() -> None:
    assert ExtractOptions().cleaner == "soup"


@pytest.mark.parametrize(
    "name",
    [
        "seed-op-ed-article.html",
        "seed-op-ed-divs.html",
        "seed-op-ed-flat.html",
        "related-and-comments.html",
    ],
)
def test_the_hybrid_and_lxml_agree_on_the_saved_pages(name: str) -> None:
    html = (PAGES / name).read_bytes()
    url = "https://example.com/opinion/2016/07/27/x/"
    soup = extract(html, url, ExtractOptions(cleaner="soup")).body
    assert soup == extract(html, url, ExtractOptions(cleaner="lxml")).body


def test_drop_selectors_are_applied_by_beautifulsoup_inside_the_container() -> None:
    soup = BeautifulSoup(f"<div><p>{PROSE}</p><p class='promo'>Buy a tote bag.</p></div>", "lxml")
    strip_soup(soup, ("p.promo",))
    assert [b.text for b in soup_blocks(soup)] == [PROSE]


def test_blocks_split_at_double_line_breaks() -> None:
    soup = BeautifulSoup("<div>First line<br>same paragraph<br><br>Second paragraph</div>", "lxml")
    assert [b.text for b in soup_blocks(soup)] == ["First line\nsame paragraph", "Second paragraph"]


def test_blocks_know_their_owner_and_their_link_text() -> None:
    soup = BeautifulSoup(
        "<div><p>Plain words here.</p><li><a href='/'>A link</a></li></div>", "lxml"
    )
    blocks = list(soup_blocks(soup))
    assert [(b.tag, b.link_density) for b in blocks] == [("p", 0.0), ("li", 1.0)]


def test_drop_selectors_reach_the_soup_built_from_the_lxml_container() -> None:
    pitch = "<p class='tote-pitch wide'>Buy a tote bag and help the harbour keep its lights on.</p>"
    html = STORY.replace("<p>Work starts", pitch + "<p>Work starts")
    url = "https://ledger.example/news/pier/"
    assert "tote bag" in extract(html, url).body
    body = extract(html, url, ExtractOptions(drop_selectors=("p.tote-pitch",))).body
    assert "tote bag" not in body
    assert PROSE in body


def test_structural_drop_selectors_see_the_container_as_the_page_has_it() -> None:
    # The share bar is the article's first child, so "p:first-child" matches no paragraph.
    second = "Work starts in May and should take two summers, the harbour office said."
    html = (
        "<html><body><article class='story'><div class='share-bar'><a href='#'>Share</a></div>"
        f"<p>{PROSE}</p><p>{second}</p></article></body></html>"
    )
    options = ExtractOptions(drop_selectors=("article > p:first-child",))
    body = extract(html, "https://ledger.example/news/pier/", options).body
    assert body.split("\n\n") == [PROSE, second]


def test_nested_article_regions_give_their_text_once() -> None:
    html = STORY.replace('<article class="story">', '<main><article class="story">').replace(
        "</article>", "</article></main>"
    )
    options = ExtractOptions(body_selector="main, article")
    assert extract(html, "https://ledger.example/news/pier/", options).body.count(PROSE) == 1
