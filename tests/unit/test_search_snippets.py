"""Snippets are escaped text with <mark> tags around matches, and nothing else."""

from pipeline.search.query import HIGHLIGHT_POST as POST
from pipeline.search.query import HIGHLIGHT_PRE as PRE
from pipeline.search.snippets import plain_snippet, safe_snippet


def test_matches_are_marked_and_text_is_escaped() -> None:
    fragment = f"typed {PRE}<script>{POST}alert('x')</script> & more"
    assert safe_snippet(fragment) == (
        "typed <mark>&lt;script&gt;</mark>alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more"
    )


def test_markup_from_a_page_never_survives_as_tags() -> None:
    fragment = '<img src=x onerror="alert(1)"><mark>fake</mark>'
    out = safe_snippet(fragment)
    assert "<img" not in out and "<mark>" not in out
    assert out.startswith("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;")


def test_unbalanced_markers_still_give_balanced_tags() -> None:
    assert safe_snippet(f"{PRE}a{PRE}b") == "<mark>ab</mark>"
    assert safe_snippet(f"a{POST}b") == "ab"


def test_plain_snippets_drop_the_markers() -> None:
    assert plain_snippet(f"the {PRE}Iraq{POST} problem") == "the Iraq problem"
