"""An edited article's versions and diff in headless Chromium, through `newsarchive serve`.

The article of tests/edited_article.py (crawled three times: as published, after a sentence was
rewritten, after its date line ticked) is found with the "edited after publication" filter,
opened, and its document page shows both versions, the trivial change and the word diff.
Screenshots land in test-artifacts/browser/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from edited_article import EditedArticle, build_edited_article
from elasticsearch import Elasticsearch
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from pipeline.index import drop_index

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("NEWSARCHIVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def edited(
    es: Elasticsearch, es_url: str, crawl_runner: Any, data_dir: Path
) -> Iterator[EditedArticle]:
    index = f"test-revb-{os.getpid()}"
    drop_index(es, index)
    story = build_edited_article(crawl_runner, es_url, index, data_dir)
    yield story
    drop_index(es, index)


@pytest.fixture(scope="module")
def service(es_url: str, edited: EditedArticle, data_dir: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = data_dir / "serve.log"
    env = {**os.environ, "ELASTICSEARCH_URL": es_url, "NEWSARCHIVE_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port)]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*cmd, "--index", edited.index], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"newsarchive serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    assert CHROMIUM.exists(), f"{CHROMIUM} missing: scripts/setup installs Debian's chromium"
    with sync_playwright() as pw:
        context: BrowserContext = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            tab = context.new_page()
            tab.set_default_timeout(10_000)
            yield tab
        finally:
            context.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_edited_filter_finds_the_article_and_its_page_shows_versions_and_diff(
    page: Page, service: str, edited: EditedArticle
) -> None:
    page.goto(f"{service}/")
    page.check("#edited")
    page.click("#go")
    expect(page.locator("#total")).to_have_text("1")
    _shot(page, "revisions-edited-filter")
    page.click(f'.hit[data-id="{edited.doc_id}"] a.doc-link')

    expect(page.locator("#versions li")).to_have_count(2)
    expect(page.locator("#versions li").nth(0)).to_contain_text("revision 1")
    expect(page.locator("#versions li").nth(1)).to_contain_text("revision 2")
    expect(page.locator("#trivial-changes li")).to_have_count(1)
    expect(page.locator("#trivial-changes li")).to_contain_text("date_line")
    expect(page.locator("#diff-heading")).to_have_text("What changed from revision 1 to 2")
    removed = page.locator("#diff-body del").all_inner_texts()
    inserted = page.locator("#diff-body ins").all_inner_texts()
    assert removed == ["ten minutes", "Monday."]
    assert inserted == ["a quarter of an hour", "June."]
    # The current text is the latest capture: the edited sentence and the later date line.
    expect(page.locator("#doc-body")).to_contain_text("a quarter of an hour earlier")
    expect(page.locator("#doc-body")).to_contain_text("11:40 a.m. ET")
    page.locator("#revisions").scroll_into_view_if_needed()
    _shot(page, "revisions-document")


def test_the_health_page_draws_a_chart_per_measure_for_the_source(page: Page, service: str) -> None:
    page.goto(f"{service}/health")
    section = page.locator("#health-demo")
    expect(section).to_have_attribute("data-alerting", "0")
    expect(section.locator("svg.spark")).to_have_count(7)  # volume and six shares
    expect(section.locator('svg.spark[data-measure="no_author"]')).to_be_visible()
    _shot(page, "health-page")
