"""Specification of tree cleaning: furniture goes by name, tag and visibility; the story stays."""

from __future__ import annotations

import lxml.html
import pytest

from pipeline.extract.blocks import text_blocks
from pipeline.extract.clean import Removals, clean_tree, drop_non_text
from pipeline.extract.purpose import Purpose, purpose_of_names, words

PROSE = (
    "The committee met for four hours on Tuesday and agreed, after a long debate, to "
    "publish its findings before the end of the month. "
)


def cleaned_text(html: str, **options: object) -> str:
    root = lxml.html.document_fromstring(html)
    body = clean_tree(root, **options).body  # type: ignore[arg-type]
    return " ".join(block.text for block in text_blocks(body))


def names(
    class_: str | None = None,
    id_: str | None = None,
    role: str | None = None,
    aria: str | None = None,
) -> Purpose:
    return purpose_of_names((class_, id_, role, aria, None, None))


def test_names_are_split_at_punctuation_and_camel_case_humps() -> None:
    assert words("relatedArticles__list") == ["related", "articles", "list"]
    assert words("ad-slot_top") == ["ad", "slot", "top"]


@pytest.mark.parametrize(
    ("class_", "expected"),
    [
        ("share-bar", Purpose.BOILERPLATE),
        ("relatedArticles", Purpose.BOILERPLATE),
        ("ad-slot", Purpose.BOILERPLATE),
        ("newsletter-signup", Purpose.BOILERPLATE),
        ("cookie-consent", Purpose.DIALOG),
        ("most-read", Purpose.BOILERPLATE),
        ("see-also", Purpose.BOILERPLATE),
        ("youMayLike", Purpose.BOILERPLATE),
        ("js-comments-list", Purpose.COMMENTS),
        ("breadcrumbs", Purpose.BOILERPLATE),
        ("push-prompt", Purpose.BOILERPLATE),
        ("comments-section", Purpose.COMMENTS),
        ("site-masthead", Purpose.BOILERPLATE),
        ("article-header", Purpose.CONTENT),  # holds the standfirst; the headline is dropped later
        ("story-body", Purpose.CONTENT),
        ("shadow-box", Purpose.CONTENT),
        ("download-links", Purpose.CONTENT),
        ("has-comments", Purpose.CONTENT),
        ("no-ads article", Purpose.CONTENT),
        ("commentary", Purpose.CONTENT),
        ("paywall", Purpose.CONTENT),
    ],
)
def test_class_names_say_what_an_element_is(class_: str, expected: Purpose) -> None:
    assert names(class_=class_) is expected


def test_role_and_aria_label_count_like_class_names() -> None:
    assert names(role="navigation") is Purpose.BOILERPLATE
    assert names(aria="Share this article") is Purpose.BOILERPLATE
    assert names(aria="Most read") is Purpose.BOILERPLATE
    assert names(id_="comments") is Purpose.COMMENTS
    assert names(role="main") is Purpose.CONTENT


def test_scripts_styles_forms_and_media_are_removed_but_following_text_stays() -> None:
    text = cleaned_text(
        "<body><p>Before <script>var x = 'code';</script>after.</p>"
        "<style>p{color:red}</style><noscript>Enable JS</noscript><iframe>frame</iframe>"
        "<svg><text>chart label</text></svg><!-- a comment --><p>End.</p></body>"
    )
    assert text == "Before after. End."


def test_navigation_header_footer_and_aside_are_removed() -> None:
    text = cleaned_text(
        f"<body><header>Site name</header><nav>Home News</nav><div><p>{PROSE}</p>"
        f"<aside>Pull quote</aside></div><footer>Contact us</footer></body>"
    )
    assert text == PROSE.strip()


def test_hidden_elements_are_removed() -> None:
    text = cleaned_text(
        f'<body><p>{PROSE}</p><div hidden>a</div><div style="display: none">b</div>'
        f'<span class="sr-only">c</span><div aria-hidden="true">d</div>'
        f'<div style="visibility:hidden">e</div></body>'
    )
    assert text == PROSE.strip()


def test_furniture_named_by_class_is_removed() -> None:
    text = cleaned_text(
        f'<body><div class="share-tools">Facebook Twitter</div><div class="story"><p>{PROSE}</p>'
        f'<div class="ad-container">Advertisement</div></div>'
        f'<div id="comments"><p>{PROSE}</p></div><ul class="related-links"><li>Other</li></ul>'
        f"</body>"
    )
    assert text == PROSE.strip()


def test_a_wrapper_with_a_furniture_word_in_its_name_is_kept_when_it_holds_the_story() -> None:
    text = cleaned_text(
        f'<body><div class="page-with-sidebar live-alert-ad"><p>{PROSE * 3}</p></div>'
        f'<div class="menu"><p>Home</p></div></body>'
    )
    assert text == (PROSE * 3).strip()


def test_the_configured_body_is_never_removed_even_with_a_furniture_name() -> None:
    text = cleaned_text(
        '<body><div class="related-stories"><p>Short story text.</p></div>'
        f"<div><p>{PROSE * 3}</p></div></body>",
        body_selector="div.related-stories",
    )
    assert "Short story text." in text


def test_drop_selectors_remove_what_a_source_names() -> None:
    text = cleaned_text(
        f'<body><div class="story"><p>{PROSE}</p><p class="promo-line">Buy tickets</p></div>'
        "</body>",
        drop_selectors=("p.promo-line",),
    )
    assert text == PROSE.strip()


def test_sections_headed_like_teaser_lists_are_removed() -> None:
    text = cleaned_text(
        f"<body><div><p>{PROSE * 2}</p>"
        f"<div><h2>More from the Ledger</h2><p>{PROSE}</p><p>{PROSE}</p></div></div></body>"
    )
    assert text == (PROSE * 2).strip()


def test_screen_reader_text_hidden_by_clipping_is_removed() -> None:
    text = cleaned_text(
        f'<body><p>{PROSE}<a href="/x">the report<span style="position:absolute;'
        f'clip:rect(0 0 0 0);width:1px;overflow:hidden">, opens new tab</span></a></p></body>'
    )
    assert "opens new tab" not in text


def test_the_article_header_stays_but_its_standfirst_goes() -> None:
    text = cleaned_text(
        '<body><header class="site-header"><a href="/">The Ledger</a></header>'
        '<article><header><h1>Ferry fares frozen</h1><p class="standfirst">Parking revenue '
        f'will cover the gap.</p><p class="kicker-note">Analysis by the desk</p></header>'
        f"<p>{PROSE}</p></article></body>"
    )
    assert "The Ledger" not in text
    assert "Parking revenue" not in text
    assert "Ferry fares frozen" in text and "Analysis by the desk" in text


def test_removals_can_be_undone_to_the_uncleaned_tree() -> None:
    html = (
        "<html><body><nav>Home <a href='/'>News</a></nav>"
        f"<article><p>{PROSE}<span class='sr-only'>hidden</span> tail text</p>"
        "<div class='share-bar'><a href='#'>Share</a></div> after the bar"
        "<section><h2>Related stories</h2><a href='/x'>Another story</a></section>"
        "<!-- a comment --><script>var x;</script></article>"
        "<footer>Copyright</footer></body></html>"
    )
    root = lxml.html.document_fromstring(html)
    removals = Removals()
    cleaned = clean_tree(root, removals=removals)
    assert "Share" not in cleaned.body.text_content()
    removals.undo()
    expected = lxml.html.document_fromstring(html)
    drop_non_text(expected)  # code and comments are not restored: nobody needs them back
    assert lxml.html.tostring(root) == lxml.html.tostring(expected)


@pytest.mark.parametrize(
    ("class_", "expected"),
    [("SHARE-BAR", Purpose.BOILERPLATE), ("RelatedLinks", Purpose.BOILERPLATE)],
)
def test_names_in_capitals_are_read_like_lower_case_ones(class_: str, expected: Purpose) -> None:
    assert names(class_) is expected
