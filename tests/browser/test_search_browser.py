"""An analyst's session in headless Chromium against `newsarchive serve` on loopback.

The service runs as its own process over the real node holding the fixture archive; the browser
is Debian's chromium driven by Playwright (no browser download). Screenshots of every step land
in test-artifacts/browser/ at the repository root.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import BrowserContext, Dialog, Page, expect, sync_playwright
from search_archive import Archive, build_archive

from pipeline.index import drop_index
from pipeline.local.fixture_site import FixtureSite

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("NEWSARCHIVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def archive(es: Elasticsearch, es_url: str, fixture_site: FixtureSite) -> Iterator[Archive]:
    built = build_archive(es, es_url, fixture_site)
    yield built
    drop_index(es, built.alias)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def service(
    es_url: str, archive: Archive, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`newsarchive serve` as an OS process; its log is kept for the failure message."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "ELASTICSEARCH_URL": es_url}
    cmd = [sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port)]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*cmd, "--index", archive.alias], stdout=out, stderr=subprocess.STDOUT, env=env
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
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    assert CHROMIUM.exists(), f"{CHROMIUM} missing: scripts/setup installs Debian's chromium"
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    tab = browser.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    tab.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _facet(page: Page, facet: str, value: str) -> str:
    return page.locator(f'#facet-{facet} .count[data-value="{value}"]').inner_text()


def test_search_filter_open_and_export(page: Page, service: str, tmp_path: Path) -> None:
    page.goto(f"{service}/")
    page.fill("#q", "Iraq inspectors")
    page.press("#q", "Enter")
    expect(page.locator("#total")).to_have_text("4")
    expect(page.locator("#groups")).to_have_text("2")
    assert _facet(page, "source", "northern_tribune") == "(2)"
    assert _facet(page, "author", "Igor Ivanov") == "(3)"
    timeline = page.locator("svg.timeline")
    assert timeline.get_attribute("data-total") == "4"
    assert page.locator("svg.timeline rect.bar[data-count='1']").count() == 4
    seed_hit = page.locator(".hit", has=page.locator(".copies"))
    expect(seed_hit.locator(".copy")).to_have_count(3)
    expect(page.locator(".hit mark").first).to_be_visible()
    _shot(page, "1-query")

    # Apply a filter: the hits, the other facets and the timeline follow; the chosen facet
    # keeps its alternatives.
    page.locator('#facet-source input[value="northern_tribune"]').check()
    page.wait_for_url("**source=northern_tribune**")
    expect(page.locator("#total")).to_have_text("2")
    assert _facet(page, "author", "Igor Ivanov") == "(1)"
    assert _facet(page, "source", "demo") == "(1)"
    assert page.locator("svg.timeline").get_attribute("data-total") == "2"
    assert page.locator("svg.timeline rect.bar[data-count='1']").count() == 2
    _shot(page, "2-filtered")

    # A bar of the timeline narrows the search to its dates.
    page.locator('svg.timeline rect.bar[data-date="2016-07-31"]').click()
    page.wait_for_url("**to=2016-07-31**")
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("#from")).to_have_value("2016-07-31")
    page.go_back()
    expect(page.locator("#total")).to_have_text("2")

    # Open a document: clean text, metadata, the original URL, copies and "more like this".
    page.locator("a.doc-link", has_text="Inspections Will Not Disarm").click()
    expect(page.locator("#doc-title")).to_have_text(
        "Inspections Will Not Disarm Baghdad by Themselves"
    )
    expect(page.locator("#doc-body p")).to_have_count(5)
    original = page.locator("#original").get_attribute("href", timeout=5000)
    assert original is not None and original.startswith("http://")
    expect(page.locator("#similar")).to_contain_text("Russia")
    _shot(page, "3-document")

    # Back to the results and export them as CSV.
    page.go_back()
    expect(page.locator("#total")).to_have_text("2")
    with page.expect_download() as info:
        page.click("#export-csv")
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    with target.open(encoding="utf-8", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert {r["source"] for r in rows} == {"northern_tribune"}
    assert len(rows) == 2
    _shot(page, "4-exported")


def test_bad_query_and_markup_in_documents(page: Page, service: str) -> None:
    page.goto(f"{service}/")
    page.fill("#q", '"unbalanced quote')
    page.press("#q", "Enter")
    expect(page.locator("#error")).to_contain_text("this quote is never closed")
    _shot(page, "5-bad-query")

    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.fill("#q", "script alert")
    page.press("#q", "Enter")
    expect(page.locator(".hit h2")).to_contain_text("How One <script> Tag")
    expect(page.locator(".hit .snippet").first).to_contain_text("<script>alert('owned')</script>")
    page.locator("a.doc-link").first.click()
    expect(page.locator("#doc-body")).to_contain_text("<iframe src=x>")
    assert dialogs == []  # the text was shown, never run
    _shot(page, "6-markup-as-text")

    page.goto(f"{service}/?q=xyzzyplugh")
    expect(page.locator("#empty")).to_contain_text("No article in the archive contains xyzzyplugh.")
