"""Every variant of one article URL maps to one canonical URL and one document id."""

from pipeline.urls import canonical_url, document_id, same_site, strip_tracking

ARTICLE = "https://www.example-news.com/opinion/2016/07/27/russias-pursuit/"


def test_tracking_parameters_are_removed_and_content_parameters_kept() -> None:
    url = "https://x.org/story?id=42&utm_source=twitter&utm_medium=social&fbclid=abc#comments"
    assert strip_tracking(url) == "https://x.org/story?id=42"


def test_amp_print_and_tracking_variants_share_one_canonical_url() -> None:
    variants = [
        ARTICLE,
        ARTICLE + "amp/",
        ARTICLE + "?print=1",
        ARTICLE + "?utm_source=newsletter",
        "HTTPS://WWW.EXAMPLE-NEWS.COM:443/opinion/2016/07/27/russias-pursuit/#top",
    ]
    assert {canonical_url(v) for v in variants} == {ARTICLE}


def test_query_order_does_not_change_the_canonical_url() -> None:
    assert canonical_url("http://x.org/a?b=2&a=1") == canonical_url("http://x.org/a?a=1&b=2")


def test_non_default_port_is_kept() -> None:
    assert canonical_url("http://127.0.0.1:8765/news/a/") == "http://127.0.0.1:8765/news/a/"


def test_document_id_is_stable_short_and_distinct() -> None:
    a, b = document_id(ARTICLE), document_id(ARTICLE.replace("pursuit", "peace"))
    assert a == document_id(ARTICLE)
    assert len(a) == 32
    assert a != b


def test_same_site_ignores_www_and_port() -> None:
    assert same_site("https://www.x.org/a", "http://x.org:8080/b")
    assert not same_site("https://x.org/a", "https://y.org/a")
