"""A crawl of a hostile site ends within its caps, records a reason for every refusal, goes on.

One real ``newsarchive crawl`` process crawls a loopback server whose pages are bombs, endless
bodies, redirect traps into internal addresses, entity-expansion feeds and junk; a bare TCP listener
on 127.0.0.2 (and one on 127.0.0.1 at a port the allowlist does not name) stands for internal
services and counts connections. Sizes are scaled down so the test takes seconds: the download cap
is 8 MiB (the default is 10 MiB) and each bomb inflates to 64 MiB rather than 5 GB -- the caps cut
both off at the same point, so the larger sizes would only cost time.
"""

from __future__ import annotations

import gzip
import json
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from hostile_site import (
    HostileSite,
    Listener,
    article,
    brotli_bomb,
    deflate_bomb,
    endless,
    gzip_bomb,
    page,
    redirect,
)

from pipeline.index import drop_index

pytestmark = pytest.mark.integration

DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
MAX_FEED_ITEMS = 25
LONG = "x" * 40_000
JUNK_LINKS = ("javascript:alert(1)", "mailto:editor@example.org", "data:text/html,hi")

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def laughs_feed(base: str) -> bytes:
    return (
        LAUGHS
        + (
            f"<rss version='2.0'><channel><title>&lol9;</title><item><title>&lol9;</title>"
            f"<link>{base}/a/laughs</link></item></channel></rss>"
        ).encode()
    )


def laughs_sitemap(base: str) -> bytes:
    return (
        LAUGHS
        + (
            f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{base}/a/laughs-sitemap?&lol9;</loc></url></urlset>"
        ).encode()
    )


def xxe_feed(internal: str) -> bytes:
    return (
        f"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY file SYSTEM "file:///etc/passwd">
 <!ENTITY remote SYSTEM "{internal}/xxe">
]>
<rss version="2.0"><channel><title>&file;</title>
<item><title>&remote;</title><link>{internal}/a/xxe</link></item></channel></rss>"""
    ).encode()


def junk_feed(base: str, items: int) -> bytes:
    entries = [f"<item><title>junk</title><link>{link}</link></item>" for link in JUNK_LINKS]
    entries += [
        f"<item><title>item {n}</title><link>{base}/a/feed/{n}</link></item>" for n in range(items)
    ]
    body = "".join(entries)
    rss = f"<rss version='2.0'><channel><title>j</title>{body}</channel></rss>"
    return f"<?xml version='1.0'?>{rss}".encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HostileRun:
    run: Any
    site: HostileSite
    robots_5xx: HostileSite
    robots_404: HostileSite
    internal: Listener  # 127.0.0.2
    internal_local: Listener  # 127.0.0.1, a port nobody allowed
    reasons: dict[str, str]  # URL -> skip reason
    alias: str


INTERNAL_FORMS = {
    "plain": "127.0.0.2",
    "decimal": "2130706434",
    "octal": "0177.0.0.2",
    "hex": "0x7f.2",
    "hex-number": "0x7f000002",
    "mapped": "[::ffff:127.0.0.2]",
}


@pytest.fixture(scope="module")
def hostile(
    es: Elasticsearch, es_url: str, crawl_runner: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostileRun]:
    index = f"test-hostile-{uuid.uuid4().hex[:8]}"  # unique: suites may run side by side
    drop_index(es, index)
    data_dir = tmp_path_factory.mktemp("hostile")
    unreachable_port = free_port()
    with (
        HostileSite() as site,
        HostileSite() as robots_5xx,
        HostileSite() as robots_404,
        Listener("127.0.0.2") as internal,
        Listener("127.0.0.1") as internal_local,
    ):
        base = site.base_url
        robots_5xx.routes.update(
            {
                "/robots.txt": lambda h: h.send_error(503),
                "/a/behind-503": page(article("Never fetched")),
            }
        )
        robots_404.routes.update({"/a/behind-404": page(article("Robots 404 means allow all"))})
        routes: dict[str, Any] = {
            "/robots.txt": page(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/a/ok": page(article("A plain, well-behaved article")),
            "/a/huge-title": page(article("Headline " + "T" * 40_000)),
            "/a/surrogates": page(
                article("Lone &#xD800; surrogate", "Text &#xDC00; &#0; end. " * 30)
            ),
            "/a/nul-bytes": page(article("NUL bytes", "Raw \x00 NUL bytes in the body. " * 30)),
            "/a/gzip-bomb": page(gzip_bomb(), Content_Encoding="gzip"),
            "/a/deflate-bomb": page(deflate_bomb(), Content_Encoding="deflate"),
            "/a/br-bomb": page(brotli_bomb(), Content_Encoding="br"),
            "/a/huge-declared": endless(declared_length=2 * 1024**3),
            "/a/huge-undeclared": endless(declared_length=None),
            "/a/to-metadata": redirect("http://169.254.169.254/latest/meta-data/iam/"),
            "/a/chain-1": redirect("/b/chain-2"),
            "/b/chain-2": redirect("http://169.254.169.254/latest/user-data"),
            "/a/to-node": redirect(f"{es_url.rstrip('/')}/_bulk"),
            "/a/to-localhost": redirect(f"http://localhost:{internal_local.port}/admin"),
            "/a/to-file": redirect("file:///etc/passwd"),
            "/a/to-cgnat": redirect("http://100.64.0.1/"),
            "/a/loop/*": lambda h: redirect(f"/a/loop/{int(h.path.rsplit('/', 1)[1]) + 1}")(h),
            "/feed-laughs.xml": page(laughs_feed(base), "application/rss+xml"),
            "/feed-xxe.xml": page(
                xxe_feed(f"http://127.0.0.2:{internal.port}"), "application/rss+xml"
            ),
            "/feed-junk.xml": page(junk_feed(base, 50_000), "application/rss+xml"),
            "/a/feed/*": page(article("A feed item")),
            "/sitemap-bomb.xml.gz": page(gzip_bomb(), "application/x-gzip"),
            "/sitemap-laughs.xml": page(laughs_sitemap(base), "application/xml"),
        }
        for form, host in INTERNAL_FORMS.items():
            routes[f"/a/to-internal-{form}"] = redirect(f"http://{host}:{internal.port}/secret")
        links = [p for p in routes if p.startswith("/a/") and not p.endswith("*")]
        links += ["/a/loop/0", f"/a/long-{LONG}"]
        links += [
            f"{robots_5xx.base_url}/a/behind-503",
            f"{robots_404.base_url}/a/behind-404",
            f"http://127.0.0.1:{unreachable_port}/a/behind-unreachable",
        ]
        anchors = "".join(f'<a href="{href}">{n}</a>' for n, href in enumerate(links))
        routes["/"] = page(f"<html><body>{anchors}</body></html>".encode())
        site.routes.update(routes)

        sources = data_dir / "sources.yaml"
        sources.write_text(
            json.dumps(
                {
                    "sources": [
                        {
                            "name": "hostile",
                            "start_urls": [f"{base}/"],
                            "feeds": [
                                f"{base}/feed-laughs.xml",
                                f"{base}/feed-xxe.xml",
                                f"{base}/feed-junk.xml",
                            ],
                            "sitemaps": [
                                f"{base}/sitemap-bomb.xml.gz",
                                f"{base}/sitemap-laughs.xml",
                            ],
                            "domains": [
                                f"127.0.0.1:{site.port}",
                                f"127.0.0.1:{robots_5xx.port}",
                                f"127.0.0.1:{robots_404.port}",
                                f"127.0.0.1:{unreachable_port}",
                                "localhost",
                            ],
                            "article_patterns": ["/a/"],
                        }
                    ]
                }
            )
        )
        allowed = ",".join(
            f"127.0.0.1:{p}"
            for p in (site.port, robots_5xx.port, robots_404.port, unreachable_port)
        )
        run = crawl_runner(
            site_url=base,
            es_url=es_url,
            alias=index,
            data_dir=data_dir,
            source="hostile",
            allowed_networks=allowed,
            extra=[
                "--sources-file",
                str(sources),
                "-s",
                f"DOWNLOAD_MAXSIZE={DOWNLOAD_MAXSIZE}",
                "-s",
                f"NEWSARCHIVE_MAX_DISCOVERY_ITEMS={MAX_FEED_ITEMS}",
            ],
        )
        (data_dir / "crawl.stderr").write_text(run.stderr)  # for whoever debugs a failure
        reasons = {r["url"]: r["reason"] for r in run.skipped()}
        yield HostileRun(
            run, site, robots_5xx, robots_404, internal, internal_local, reasons, index
        )
    drop_index(es, index)


def test_the_crawl_finishes_balanced_and_indexes_the_good_pages(hostile: HostileRun) -> None:
    s = hostile.run.summary
    assert s["finish_reason"] == "finished", hostile.run.stderr[-3000:]
    assert s["balanced"], s
    # /a/ok, the 40 KB title, the surrogates page, the feed's http items within the cap, and
    # the page behind the 404 robots.txt.
    assert s["indexed"] == 3 + (MAX_FEED_ITEMS - len(JUNK_LINKS)) + 1
    assert hostile.reasons  # refusals were recorded, one line each


@pytest.mark.parametrize("path", ["/a/gzip-bomb", "/a/deflate-bomb", "/a/br-bomb"])
def test_compression_bombs_stop_at_the_decompressed_cap(hostile: HostileRun, path: str) -> None:
    assert hostile.reasons[hostile.site.base_url + path] == "fetch/too_large"


@pytest.mark.parametrize("path", ["/a/huge-declared", "/a/huge-undeclared"])
def test_huge_pages_stop_at_the_download_cap(hostile: HostileRun, path: str) -> None:
    assert hostile.reasons[hostile.site.base_url + path] == "fetch/too_large"


def test_a_gzip_sitemap_bomb_is_refused_as_too_large(hostile: HostileRun) -> None:
    assert hostile.reasons[hostile.site.base_url + "/sitemap-bomb.xml.gz"] == "fetch/too_large"


@pytest.mark.parametrize("form", sorted(INTERNAL_FORMS))
def test_redirects_into_internal_addresses_are_refused_in_every_encoding(
    hostile: HostileRun, form: str
) -> None:
    url = f"{hostile.site.base_url}/a/to-internal-{form}"
    assert hostile.reasons[url] == "fetch/ssrf_blocked"


def test_no_connection_ever_reaches_the_internal_listeners(hostile: HostileRun) -> None:
    assert hostile.internal.connections == 0
    assert hostile.internal_local.connections == 0


@pytest.mark.parametrize("path", ["/a/to-metadata", "/a/to-node", "/a/to-localhost", "/a/to-cgnat"])
def test_redirects_to_metadata_the_node_and_inside_names_are_refused(
    hostile: HostileRun, path: str
) -> None:
    assert hostile.reasons[hostile.site.base_url + path] == "fetch/ssrf_blocked"


def test_a_redirect_chain_into_the_metadata_service_is_refused_at_its_last_hop(
    hostile: HostileRun,
) -> None:
    url = hostile.site.base_url + "/a/chain-1"
    assert hostile.reasons[url] == "fetch/ssrf_blocked"  # recorded under the URL the crawl asked
    assert "/b/chain-2" in hostile.site.paths()  # the first hop was followed


def test_a_redirect_to_a_file_url_is_refused(hostile: HostileRun) -> None:
    assert hostile.reasons[hostile.site.base_url + "/a/to-file"] == "fetch/scheme_blocked"


def test_a_redirect_loop_ends_at_the_redirect_cap(hostile: HostileRun) -> None:
    assert hostile.reasons[hostile.site.base_url + "/a/loop/0"] == "fetch/too_many_redirects"
    loops = [p for p in hostile.site.paths() if p.startswith("/a/loop/")]
    assert len(loops) == 6  # the first request and five redirects (REDIRECT_MAX_TIMES)


def test_a_40kb_url_is_refused_without_a_request(hostile: HostileRun) -> None:
    url = f"{hostile.site.base_url}/a/long-{LONG}"
    assert hostile.reasons[url] == "fetch/url_too_long"
    assert not any(p.startswith("/a/long-") for p in hostile.site.paths())


@pytest.mark.parametrize("feed", ["/feed-laughs.xml", "/feed-xxe.xml", "/sitemap-laughs.xml"])
def test_entity_declarations_in_feeds_and_sitemaps_are_refused(
    hostile: HostileRun, feed: str
) -> None:
    assert hostile.reasons[hostile.site.base_url + feed] == "fetch/unsafe_xml"
    requested = hostile.site.paths()
    assert "/a/laughs" not in requested and not any("laughs-sitemap" in p for p in requested)


def test_feed_junk_is_capped_and_non_http_links_are_never_requested(hostile: HostileRun) -> None:
    items = [p for p in hostile.site.paths() if p.startswith("/a/feed/")]
    # The cap counts feed entries; the three junk entries come first and use up three slots.
    assert len(items) == MAX_FEED_ITEMS - len(JUNK_LINKS)
    assert not any(u.startswith(("javascript:", "mailto:", "data:")) for u in hostile.reasons)


def test_robots_txt_failures_follow_rfc_9309(hostile: HostileRun) -> None:
    five = f"{hostile.robots_5xx.base_url}/a/behind-503"
    assert hostile.reasons[five] == "fetch/robots_unavailable"
    assert "/a/behind-503" not in hostile.robots_5xx.paths()
    gone = [u for u in hostile.reasons if "behind-unreachable" in u]
    assert [hostile.reasons[u] for u in gone] == ["fetch/robots_unavailable"]
    # A 4xx robots.txt means no rules: the page behind it is fetched.
    assert "/a/behind-404" in hostile.robots_404.paths()
    assert f"{hostile.robots_404.base_url}/a/behind-404" not in hostile.reasons


def test_every_refusal_has_a_reason_and_detail_in_the_run_folder(hostile: HostileRun) -> None:
    records = hostile.run.skipped()
    assert all(r["reason"] and r["url"] for r in records)
    ssrf = [r for r in records if r["reason"] == "fetch/ssrf_blocked"]
    assert any("cloud metadata" in r["detail"] for r in ssrf)
    summary = json.loads((Path(hostile.run.summary["run_dir"]) / "summary.json").read_text())
    assert summary["balanced"]


def test_gzip_bomb_fixture_really_is_a_bomb() -> None:
    # Guards the test itself: the body must inflate far beyond the cap.
    assert len(gzip_bomb()) < DOWNLOAD_MAXSIZE < len(gzip.decompress(gzip_bomb()))


def _stored(es: Elasticsearch, hostile: HostileRun, path: str) -> dict[str, Any]:
    url = hostile.site.base_url + path
    es.indices.refresh(index=hostile.alias)
    hits = es.search(index=hostile.alias, query={"term": {"url": url}})["hits"]["hits"]
    assert len(hits) == 1, f"{url} not indexed exactly once"
    return dict(hits[0]["_source"])


def test_a_40kb_title_is_indexed_whole_and_searchable(
    es: Elasticsearch, hostile: HostileRun
) -> None:
    doc = _stored(es, hostile, "/a/huge-title")
    assert doc["title"].startswith("Headline TTT") and len(doc["title"]) > 40_000


def test_lone_surrogates_become_replacement_characters(
    es: Elasticsearch, hostile: HostileRun
) -> None:
    doc = _stored(es, hostile, "/a/surrogates")
    assert "\ufffd" in doc["title"] and "\ufffd" in doc["body"]
    assert not any(0xD800 <= ord(c) <= 0xDFFF or c == "\0" for c in doc["title"] + doc["body"])


def test_raw_nul_bytes_are_skipped_by_extraction_with_a_reason(hostile: HostileRun) -> None:
    assert hostile.reasons[hostile.site.base_url + "/a/nul-bytes"] == "extract/not_html"
