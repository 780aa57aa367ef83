"""Specification of the fixture news site, checked against the real server over loopback HTTP.

The fixture is what integration tests and the demo crawl, so these tests pin down the promises
the manifest makes: every expected article is served as HTML with exactly its expected body,
every discovery path (feed, sitemaps, links, pagination) finds exactly the articles it should,
and the deliberate oddities (robots, 404, 301, gzip sitemap, cp1251 page, duplicates, non-HTML
files) behave like they do on the real web.
"""

from __future__ import annotations

import gzip
import itertools
import json
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from pipeline.cli import main as newsarchive
from pipeline.local.fixture_site import FixtureSite, manifest
from pipeline.local.fixture_site.catalog import check_consistency

SEED_FILE = Path("/work/shared/data/seed-op-ed.txt")
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
# Off-site destinations pages may link to (share buttons, AMP runtime); everything else that
# a page references must be on the fixture host.
EXTERNAL_HOSTS = {"www.facebook.com", "twitter.com", "cdn.ampproject.org"}


# --------------------------------------------------------------------------- helpers


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    """One request, redirects not followed, error statuses returned rather than raised."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


@dataclass
class Page:
    """What tests need from an HTML page, collected with the stdlib parser."""

    links: list[str] = field(default_factory=list)  # a/link href, img/script src, form action
    anchors: list[str] = field(default_factory=list)  # <a href> only: what a crawler follows
    paragraphs: list[str] = field(default_factory=list)
    canonical: str | None = None
    meta_charset: str | None = None
    json_ld: list[object] = field(default_factory=list)
    text: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._p_depth = 0
        self._p_text: list[str] = []
        self._script: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("href", "src", "action"):
            if name in values and tag in {"a", "link", "img", "script", "form"}:
                self.page.links.append(values[name])
        if tag == "a" and "href" in values:
            self.page.anchors.append(values["href"])
        if tag == "link" and values.get("rel") == "canonical":
            self.page.canonical = values.get("href")
        if tag == "meta" and "charset" in values:
            self.page.meta_charset = values["charset"]
        if tag == "script" and values.get("type") == "application/ld+json":
            self._script = []
        if tag == "p":
            self._p_depth += 1
            self._p_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._p_depth:
            self._p_depth -= 1
            self.page.paragraphs.append(" ".join("".join(self._p_text).split()))
        if tag == "script" and self._script is not None:
            self.page.json_ld.append(json.loads("".join(self._script)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        if self._p_depth:
            self._p_text.append(data)
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self.page.text = " ".join(" ".join(self._text).split())


def parse_page(body: bytes, encoding: str = "utf-8") -> Page:
    parser = _PageParser()
    parser.feed(body.decode(encoding))
    parser.close()
    return parser.page


def charset_of(reply: Reply) -> str:
    return reply.headers.get_content_charset() or "utf-8"


def same_site_target(site: FixtureSite, page_url: str, href: str) -> str | None:
    """Root-relative target (path plus query, no fragment) of an on-site link, else None."""
    absolute = urljoin(page_url, href)
    parts = urlsplit(absolute)
    if parts.scheme == "mailto":
        return None
    if parts.scheme in {"http", "https"} and parts.netloc != urlsplit(site.base_url).netloc:
        assert parts.hostname in EXTERNAL_HOSTS, f"{page_url} links off-site to {absolute}"
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def strip_tracking(target: str) -> str:
    parts = urlsplit(target)
    kept = [p for p in parts.query.split("&") if p and not p.startswith("utm_")]
    return parts.path + (f"?{'&'.join(kept)}" if kept else "")


def crawl(site: FixtureSite, *, obey_robots: bool) -> dict[str, Reply]:
    """Follow <a href> links from the home page like a simple crawler; target -> reply."""
    robots = urllib.robotparser.RobotFileParser(site.url("/robots.txt"))
    robots.read()
    seen: dict[str, Reply] = {}
    queue = deque(["/"])
    while queue:
        target = queue.popleft()
        if target in seen:
            continue
        if obey_robots and not robots.can_fetch("*", site.url(target)):
            continue
        reply = fetch(site.url(target))
        seen[target] = reply
        if reply.status == 301:
            queue.append(same_site_target(site, site.url(target), reply.headers["Location"]) or "")
            continue
        if reply.status != 200 or not reply.content_type.startswith("text/html"):
            continue
        page = parse_page(reply.body, charset_of(reply))
        for href in page.anchors:
            linked = same_site_target(site, site.url(target), href)
            if linked is not None and linked not in seen:
                queue.append(linked)
    return seen


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with FixtureSite(port=0) as running:
        yield running


# --------------------------------------------------------------------------- the data


def test_catalog_keeps_its_own_promises() -> None:
    assert check_consistency() == []


def test_about_thirty_articles_mix_news_and_opinion_with_three_to_eight_paragraphs() -> None:
    articles = manifest.expected_articles()
    assert 28 <= len(articles) <= 34
    types = [a.article_type for a in articles]
    assert types.count("news") >= 12
    assert types.count("opinion") >= 12
    for article in articles:
        assert 3 <= len(article.paragraphs) <= 8, article.path
    assert sum("inspection" in a.body.lower() for a in articles) >= 5


def test_article_templates_vary_so_no_single_layout_can_be_learned() -> None:
    articles = manifest.expected_articles()
    assert {a.template for a in articles} == {
        "modern",
        "story-body",
        "column",
        "archive",
        "wordpress",
    }
    assert sum(not a.has_json_ld for a in articles) >= 3
    assert any(a.date_evidence == ("time", "url") for a in articles)
    assert any(a.template == "modern" and not a.has_json_ld for a in articles)


def test_seed_article_is_the_seed_op_ed_verbatim() -> None:
    seed = manifest.seed_article()
    assert seed.title == "Russia's Pursuit of Peace and Partnership"
    assert seed.authors == ("Igor Ivanov",)
    assert seed.updated == date(2016, 7, 27)
    assert len(seed.paragraphs) == 6
    assert seed.paragraphs[-1] == (
        "Igor Ivanov, the foreign minister, contributed this comment to The Washington Post."
    )
    assert seed.body_source == "seed-op-ed"
    if not SEED_FILE.exists():
        pytest.skip("seed file not available on this machine")
    blocks = SEED_FILE.read_text(encoding="utf-8").strip().split("\n\n")
    assert blocks[0] == manifest.SEED_PUSH_PROMPT
    assert blocks[1] == manifest.SEED_STAMP
    assert blocks[2] == seed.title
    assert tuple(blocks[3:]) == seed.paragraphs


def test_every_discovery_path_has_articles_that_only_it_can_find() -> None:
    assert len(manifest.only_discovered_by("feed")) >= 3
    assert len(manifest.only_discovered_by("sitemap")) >= 3
    assert len(manifest.pagination_only_paths()) >= 3
    every = manifest.discovered_by("feed") | manifest.discovered_by("sitemap")
    every |= manifest.discovered_by("links")
    assert every == set(manifest.expected_by_path())


# --------------------------------------------------------------------------- the server


def test_every_expected_article_answers_200_with_html(site: FixtureSite) -> None:
    for article in manifest.expected_articles():
        reply = fetch(article.url(site.base_url))
        assert reply.status == 200, article.path
        assert reply.content_type.startswith("text/html"), article.path
        assert charset_of(reply) == article.encoding


def test_each_page_shows_exactly_the_expected_body_paragraphs(site: FixtureSite) -> None:
    for article in manifest.expected_articles():
        reply = fetch(article.url(site.base_url))
        page = parse_page(reply.body, charset_of(reply))
        for paragraph in article.paragraphs:
            assert page.paragraphs.count(paragraph) == 1, (article.path, paragraph[:40])
        assert article.title in page.text
        assert page.canonical == article.url(site.base_url)


def test_pages_carry_real_world_boilerplate(site: FixtureSite) -> None:
    article = manifest.expected_by_path()[
        "/news/2024/03/14/port-authority-orders-safety-inspections-of-all-harbor-cranes/"
    ]
    reply = fetch(article.url(site.base_url))
    text = parse_page(reply.body).text
    html = reply.body.decode()
    for expected in (
        "Advertisement",
        "Share on Facebook",
        "Share on Twitter",
        "Share via Email",
        manifest.SEED_PUSH_PROMPT,
        "The Morning Ledger",
        "Related articles",
        "Most read",
        "Comments (2)",
        "\u00a9 2024 The Harbor City Ledger",
        "We use cookies",
        "By Omar Haddad and Jane Doe",
    ):
        assert expected in text, expected
    for tag in ("<header", "<nav", "<footer", 'property="og:title"', 'name="author"'):
        assert tag in html
    assert 'property="article:published_time" content="2024-03-14T08:30:00-04:00"' in html
    assert '<time datetime="2024-03-14T08:30:00-04:00"' in html


def test_json_ld_describes_most_articles_as_news_articles(site: FixtureSite) -> None:
    with_ld = 0
    for article in manifest.expected_articles():
        reply = fetch(article.url(site.base_url))
        blocks = parse_page(reply.body, charset_of(reply)).json_ld
        assert bool(blocks) == article.has_json_ld, article.path
        if blocks:
            with_ld += 1
            flat = json.dumps(blocks, ensure_ascii=False)
            assert "NewsArticle" in flat
            assert article.title in flat
    assert with_ld > len(manifest.expected_articles()) // 2


def test_seed_page_shows_push_prompt_then_stamp_then_headline(site: FixtureSite) -> None:
    seed = manifest.seed_article()
    reply = fetch(seed.url(site.base_url))
    page = parse_page(reply.body)
    prompt = page.text.index(manifest.SEED_PUSH_PROMPT)
    stamp = page.text.index(manifest.SEED_STAMP)
    headline = page.text.index(seed.title, stamp)
    assert prompt < stamp < headline
    assert page.json_ld == []
    assert b"<time" not in reply.body


def test_robots_txt_disallows_private_pages_and_names_the_sitemap(site: FixtureSite) -> None:
    reply = fetch(site.url("/robots.txt"))
    assert reply.status == 200
    assert reply.content_type.startswith("text/plain")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(reply.body.decode().splitlines())
    for path in manifest.disallowed_paths():
        assert not robots.can_fetch("newsarchive-bot", site.url(path))
    assert robots.can_fetch("newsarchive-bot", manifest.seed_article().url(site.base_url))
    assert robots.site_maps() == [site.url("/sitemap.xml")]


def test_disallowed_pages_exist_and_are_linked_for_crawlers_that_ignore_robots(
    site: FixtureSite,
) -> None:
    reached = crawl(site, obey_robots=False)
    for path in manifest.disallowed_paths():
        assert reached[path].status == 200


def test_sitemap_index_lists_a_plain_and_a_gzipped_child_with_lastmod(site: FixtureSite) -> None:
    reply = fetch(site.url("/sitemap.xml"))
    root = ET.fromstring(reply.body)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    children = [e.findtext("sm:loc", namespaces=SITEMAP_NS) for e in root]
    assert children == [site.url(p) for p in manifest.sitemap_paths()[1:]]
    assert all(e.findtext("sm:lastmod", namespaces=SITEMAP_NS) for e in root)
    assert any(str(c).endswith(".xml.gz") for c in children)


def sitemap_locs(site: FixtureSite) -> set[str]:
    locs: set[str] = set()
    for path in manifest.sitemap_paths()[1:]:
        reply = fetch(site.url(path))
        data = gzip.decompress(reply.body) if path.endswith(".gz") else reply.body
        root = ET.fromstring(data)
        locs |= {str(e.findtext("sm:loc", namespaces=SITEMAP_NS)) for e in root}
    return locs


def test_gzip_child_sitemap_is_served_compressed_and_lists_urls(site: FixtureSite) -> None:
    path = next(p for p in manifest.sitemap_paths() if p.endswith(".gz"))
    reply = fetch(site.url(path))
    assert reply.status == 200
    assert reply.content_type in {"application/x-gzip", "application/gzip"}
    assert reply.body[:2] == b"\x1f\x8b"
    root = ET.fromstring(gzip.decompress(reply.body))
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [str(e.findtext("sm:loc", namespaces=SITEMAP_NS)) for e in root]
    assert manifest.seed_article().url(site.base_url) in locs
    assert all(urlsplit(loc).path.startswith("/opinion/") for loc in locs)


def test_sitemaps_list_exactly_the_sitemap_discoverable_articles(site: FixtureSite) -> None:
    paths = {urlsplit(loc).path for loc in sitemap_locs(site)}
    assert paths == manifest.discovered_by("sitemap")


def test_rss_feed_parses_and_lists_fifteen_recent_items_newest_first(site: FixtureSite) -> None:
    reply = fetch(site.url("/rss.xml"))
    assert reply.content_type.startswith("application/rss+xml")
    channel = ET.fromstring(reply.body).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert len(items) == 15
    dates = [parsedate_to_datetime(str(i.findtext("pubDate"))) for i in items]
    assert dates == sorted(dates, reverse=True)
    links = [str(i.findtext("link")) for i in items]
    assert all(link.startswith(site.base_url) for link in links)
    canonical = {strip_tracking(urlsplit(link).path + "?" + urlsplit(link).query) for link in links}
    assert canonical == manifest.discovered_by("feed")
    tracked = [link for link in links if "utm_source=" in link]
    assert {urlsplit(link).path for link in tracked} <= set(manifest.duplicate_variants().values())
    assert tracked


def test_atom_feed_carries_the_same_entries(site: FixtureSite) -> None:
    root = ET.fromstring(fetch(site.url("/atom.xml")).body)
    entries = root.findall("atom:entry", ATOM_NS)
    ids = {str(e.findtext("atom:id", namespaces=ATOM_NS)) for e in entries}
    assert {urlsplit(i).path for i in ids} == manifest.discovered_by("feed")
    assert all(e.findtext("atom:published", namespaces=ATOM_NS) for e in entries)


def test_russian_page_is_really_encoded_in_windows_1251(site: FixtureSite) -> None:
    article = next(a for a in manifest.expected_articles() if a.language == "ru")
    assert urlsplit(article.path).path.isascii()
    reply = fetch(article.url(site.base_url))
    assert reply.content_type == "text/html; charset=windows-1251"
    with pytest.raises(UnicodeDecodeError):
        reply.body.decode("utf-8")
    page = parse_page(reply.body, "cp1251")
    assert page.meta_charset == "windows-1251"
    for paragraph in article.paragraphs:
        assert paragraph in page.paragraphs
        assert paragraph.encode("cp1251") in reply.body


def test_linked_missing_story_answers_404(site: FixtureSite) -> None:
    (missing,) = manifest.not_found_paths()
    reply = fetch(site.url(missing))
    assert reply.status == 404
    assert reply.content_type.startswith("text/html")
    listing = parse_page(fetch(site.url("/news/?page=2")).body)
    assert missing in listing.anchors


def test_old_url_answers_301_with_absolute_location(site: FixtureSite) -> None:
    for old, new in manifest.redirects().items():
        reply = fetch(site.url(old))
        assert reply.status == 301
        assert reply.headers["Location"] == site.url(new)
        assert fetch(reply.headers["Location"]).status == 200
    about = parse_page(fetch(site.url("/about/")).body)
    assert set(manifest.redirects()) <= set(about.anchors)


def test_non_html_files_at_article_like_urls_declare_their_type(site: FixtureSite) -> None:
    for path, media_type in manifest.non_html_paths().items():
        reply = fetch(site.url(path))
        assert reply.status == 200
        assert reply.headers.get_content_type() == media_type
    pdf = fetch(site.url("/opinion/2024/05/02/budget-tables.pdf"))
    assert pdf.body.startswith(b"%PDF-1.4") and pdf.body.rstrip().endswith(b"%%EOF")


def test_duplicate_variants_point_their_canonical_at_the_main_url(site: FixtureSite) -> None:
    for variant, canonical in manifest.duplicate_variants().items():
        reply = fetch(site.url(variant))
        assert reply.status == 200, variant
        page = parse_page(reply.body, charset_of(reply))
        assert page.canonical == site.url(canonical), variant
    home = parse_page(fetch(site.url("/")).body)
    assert any("utm_source=twitter" in href for href in home.anchors)


def test_opinion_section_paginates_with_next_links(site: FixtureSite) -> None:
    pages = [p for p in manifest.navigation_paths() if p.startswith("/opinion/")]
    assert pages == ["/opinion/", "/opinion/?page=2", "/opinion/?page=3"]
    for current, following in itertools.pairwise(pages):
        reply = fetch(site.url(current))
        assert f'<link rel="next" href="{site.url(following)}">'.encode() in reply.body
        assert following in parse_page(reply.body).anchors
    assert b'rel="next"' not in fetch(site.url(pages[-1])).body
    assert fetch(site.url("/opinion/?page=4")).status == 404


def test_every_link_on_every_page_points_to_a_known_page(site: FixtureSite) -> None:
    pages = [
        *manifest.navigation_paths(),
        *(a.path for a in manifest.expected_articles()),
        *manifest.duplicate_variants(),
        *manifest.disallowed_paths(),
    ]
    checked: dict[str, int] = {}
    for path in pages:
        reply = fetch(site.url(path))
        assert reply.status == 200, path
        for href in parse_page(reply.body, charset_of(reply)).links:
            target = same_site_target(site, site.url(path), href)
            if target is None or target in checked:
                continue
            checked[target] = fetch(site.url(target), method="HEAD").status
    dead = {t for t, status in checked.items() if status not in {200, 301}}
    assert dead == set(manifest.not_found_paths())


def test_link_crawl_finds_exactly_the_link_discoverable_articles(site: FixtureSite) -> None:
    reached = crawl(site, obey_robots=True)
    expected = manifest.expected_by_path()
    found: set[str] = set()
    for target, reply in reached.items():
        if reply.status != 200 or not reply.content_type.startswith("text/html"):
            continue
        canonical = parse_page(reply.body, charset_of(reply)).canonical or ""
        path = urlsplit(canonical).path
        if path in expected:
            found.add(path)
        else:
            assert target in manifest.navigation_paths(), f"unclassified page {target}"
    assert found == manifest.discovered_by("links")
    assert not set(manifest.disallowed_paths()) & set(reached)


def test_articles_send_validators_and_honour_conditional_requests(site: FixtureSite) -> None:
    url = manifest.seed_article().url(site.base_url)
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    assert parsedate_to_datetime(modified).date() == date(2016, 7, 27)
    assert fetch(url, headers={"If-None-Match": etag}).status == 304
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    assert fetch(url, headers={"If-None-Match": '"other"'}).status == 200


def test_head_returns_headers_without_a_body(site: FixtureSite) -> None:
    url = manifest.seed_article().url(site.base_url)
    head = fetch(url, method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert int(head.headers["Content-Length"]) == len(fetch(url).body)


def test_tracking_parameters_do_not_change_the_page(site: FixtureSite) -> None:
    path = "/news/2024/03/14/port-authority-orders-safety-inspections-of-all-harbor-cranes/"
    plain = fetch(site.url(path)).body
    assert fetch(site.url(f"{path}?utm_source=twitter&utm_medium=social")).body == plain


def test_server_logs_every_request_with_headers(site: FixtureSite) -> None:
    site.clear_requests()
    fetch(site.url("/robots.txt"), headers={"User-Agent": "spec-bot/1.0"})
    fetch(site.url("/no-such-page/"), method="HEAD")
    records = site.requests
    assert [(r.method, r.path, r.status) for r in records] == [
        ("GET", "/robots.txt", 200),
        ("HEAD", "/no-such-page/", 404),
    ]
    assert records[0].headers["user-agent"] == "spec-bot/1.0"
    assert records[0].time.tzinfo is not None


def test_absolute_urls_follow_the_host_the_client_used(site: FixtureSite) -> None:
    port = urlsplit(site.base_url).port
    reply = fetch(site.url("/rss.xml"), headers={"Host": f"localhost:{port}"})
    assert f"http://localhost:{port}/".encode() in reply.body


def test_a_malformed_host_header_falls_back_to_the_base_url(site: FixtureSite) -> None:
    reply = fetch(site.url("/rss.xml"), headers={"Host": 'evil"><script>'})
    assert reply.status == 200
    assert b"evil" not in reply.body
    assert site.base_url.encode() in reply.body


def test_site_can_be_started_on_a_free_port_and_stopped() -> None:
    fixture = FixtureSite()
    with pytest.raises(RuntimeError):
        _ = fixture.base_url
    fixture.start()
    try:
        assert fetch(fixture.url("/")).status == 200
    finally:
        fixture.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(fixture.url("/"), timeout=2)


def test_command_line_help_describes_the_demo_server(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        newsarchive(["fixture-site", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--port" in out
    assert "--host" in out
