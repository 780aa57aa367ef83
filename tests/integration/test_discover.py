"""``newsarchive sources discover`` on sites of several shapes served on loopback: it finds every
entry point there is, its patterns take every article URL and no other page, the printed stanza
is a valid sources file, and a crawl with it indexes every article (real Elasticsearch).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from discover_sites import Site
from elasticsearch import Elasticsearch

from pipeline.sources import check_sources, load_sources

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

# shape -> (feeds, sitemaps) discover must find, as paths; and what it must say it refused.
EXPECTED = {
    "feed_only": (["/rss.xml", "/feed.json"], [], []),
    "news_sitemaps": ([], ["/sitemap_index.xml"], []),
    "sections_only": ([], [], []),
    "robots_denies_feed": ([], ["/sitemap.xml"], [("/feeds/all.xml", "robots_denied")]),
}


def run_cli(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NEWSARCHIVE_ALLOWED_NETWORKS": f"127.0.0.1:{site.port}",
        "NEWSARCHIVE_DISCOVER_DELAY": "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "sources", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=sorted(EXPECTED))
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    with Site(request.param) as s:
        s.shape = request.param  # type: ignore[attr-defined]
        yield s


def discovered(site: Site) -> dict[str, Any]:
    out = run_cli(site, "discover", site.base + "/", "--json")
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_discover_finds_every_entry_point_and_patterns_take_exactly_the_articles(
    site: Site,
) -> None:
    feeds, sitemaps, refused = EXPECTED[site.shape]  # type: ignore[attr-defined]
    found = discovered(site)
    assert [f["url"] for f in found["feeds"]] == [site.base + p for p in feeds]
    assert [s["url"] for s in found["sitemaps"]] == [site.base + p for p in sitemaps]
    for path, reason in refused:
        assert {"url": site.base + path, "reason": reason} in [
            {"url": r["url"], "reason": r["reason"]} for r in found["refused"]
        ]
    # Robots.txt obeyed: a disallowed feed is never requested.
    assert all(not r.path.startswith("/feeds/") for r in site.requests)
    articles = [re.compile(p) for p in found["article_patterns"]]
    follow = [re.compile(p) for p in found["follow_patterns"]]
    assert articles, found
    untaken = [u for u in site.article_urls if not any(p.search(u) for p in articles)]
    assert untaken == []
    wrongly_taken = [u for u in site.non_article_urls if any(p.search(u) for p in articles)]
    assert wrongly_taken == []
    # Sections and their pagination are followed; tag, author and about pages are not.
    assert any(p.search(site.base + "/news/?page=2") for p in follow)
    for path in ("/tag/harbour-dues/", "/author/jane-doe/", "/about/", "/privacy/"):
        assert not any(p.search(site.base + path) for p in follow), path
    assert len(site.requests) == found["requests"] <= found["max_requests"]


def test_the_printed_stanza_is_a_valid_sources_file_and_its_crawl_indexes_every_article(
    site: Site, tmp_path: Path, es: Elasticsearch, es_url: str, alias: str, crawl_runner: Any
) -> None:
    name = site.shape.replace("_", "-")  # type: ignore[attr-defined]
    out = run_cli(site, "discover", site.base + "/", "--name", name)
    assert out.returncode == 0, out.stderr
    stanza = tmp_path / "sources.yaml"
    stanza.write_text(out.stdout)
    assert "# Found" in out.stdout and "# guessed" in out.stdout
    [source] = load_sources(stanza, env={})
    assert check_sources([source]) == []
    checked = run_cli(site, "check", "--sources-file", str(stanza))
    assert checked.returncode == 0 and "1 source(s) valid" in checked.stdout, checked.stdout

    run = crawl_runner(
        site_url=site.base,
        es_url=es_url,
        alias=alias,
        data_dir=tmp_path / "var",
        source=name,
        extra=["--sources-file", str(stanza)],
    )
    assert run.exit_code == 0, run.stderr[-3000:]
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    assert {h["_source"]["url"] for h in hits} == site.article_urls
    assert run.summary["indexed"] == len(site.article_urls)
