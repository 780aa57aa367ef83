"""``newsarchive sources try NAME`` previews a source's article pages as the crawl would store
them (title, date and its provenance, authors, section, type, first lines), with warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from discover_sites import Reply, Site, article_html, stories, story_title

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "pipeline.cli", "sources"]
# A paragraph every page repeats (the extractor cannot know it is furniture; `try` can).
SUBSCRIBE = "The Harbour Courier is published by the Quayside Trust, printed in Port Ellen."


def silent_page(title: str, words: int) -> bytes:
    """An article page stating no date and no author, with a short body and a furniture line."""
    text = " ".join(["quay"] * words)
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{text} ends here.</p><p>{SUBSCRIBE}</p></article></body></html>"
    ).encode()


def routes(base: str) -> dict[str, Reply]:
    items = stories(lambda n, sec, when: f"/{sec}/{when:%Y/%m/%d}/story-number-{n}/", count=3)
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        + "".join(
            f"<item><title>{s.title}</title><link>{base}{s.path}</link>"
            "<pubDate>Tue, 05 Mar 2024 10:00:00 +0000</pubDate></item>"
            for s in items
        )
        + f"<item><title>Silent</title><link>{base}/news/silent-one/</link>"
        "<pubDate>Sat, 09 Mar 2024 07:30:00 +0000</pubDate></item>"
        + f"<item><title>Also silent</title><link>{base}/news/silent-two/</link>"
        "</item></channel></rss>"
    ).encode()
    table = {
        "/robots.txt": Reply(content_type="text/plain", body=b"User-agent: *\nAllow: /\n"),
        "/rss.xml": Reply(content_type="application/rss+xml", body=feed),
        "/news/silent-one/": Reply(body=silent_page("Silent one", 30)),
        "/news/silent-two/": Reply(body=silent_page("Silent two", 25)),
    }
    for n, story in enumerate(items, 1):
        table[story.path] = Reply(body=article_html(base, story, n))
    return table


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with Site(routes=routes) as s:
        yield s


def try_source(site: Site, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: courier\n"
        f"    feeds: '{site.base}/rss.xml'\n"
        "    article_patterns: ['^https?://[^/]+/(?:news|world|business)/.+/$']\n"
    )
    env = {
        **os.environ,
        "NEWSARCHIVE_ALLOWED_NETWORKS": f"127.0.0.1:{site.port}",
        "NEWSARCHIVE_DISCOVER_DELAY": "0",
    }
    return subprocess.run(
        [*CLI, "try", "courier", "--sources-file", str(sources), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_each_page_shows_what_would_be_indexed_with_the_provenance_of_its_date(
    site: Site, tmp_path: Path
) -> None:
    out = try_source(site, tmp_path, "--pages", "5", "--json")
    assert out.returncode == 0, out.stderr
    report: dict[str, Any] = json.loads(out.stdout)
    pages = {p["url"].removeprefix(site.base): p for p in report["pages"]}
    assert len(pages) == 5
    full = next(p for path, p in pages.items() if "story-number-1" in path)
    assert full["title"] == story_title(1)
    assert full["title_source"] == "page"
    assert full["authors"] == ["Jane Doe"]
    assert full["date_source"] not in {"", "feed", "undated"}  # the page's own metadata
    assert full["published"].startswith("2024-03-03")
    assert len(full["first_lines"]) == 3
    assert full["warnings"] == []

    silent = pages["/news/silent-one/"]
    assert silent["date_source"] == "feed" and silent["published"].startswith("2024-03-09T07:30")
    assert "no author" in silent["warnings"]
    assert any(w.startswith("short body") for w in silent["warnings"])
    assert any(
        "boilerplate suspect (on 2 pages)" in w and "Quayside Trust" in w
        for w in silent["warnings"]
    )

    undated = pages["/news/silent-two/"]
    assert "no date" in undated["warnings"]


def test_pages_limits_the_fetches_and_the_text_output_reads_per_page(
    site: Site, tmp_path: Path
) -> None:
    out = try_source(site, tmp_path, "--pages", "2")
    assert out.returncode == 0, out.stderr
    assert "source courier: 2 page(s) previewed" in out.stdout
    assert out.stdout.count("   title:    ") == 2 and "   date:     " in out.stdout
    article_requests = [r for r in site.requests if r.path.startswith("/news/") or "/20" in r.path]
    assert len(article_requests) == 2
