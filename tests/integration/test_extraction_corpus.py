"""The robustness check over the shared real-page corpus: no page may crash the extractor.

The corpus is third-party pages kept outside the repository (``../shared/data`` next to the
checkout: extraction-dev, extraction-dev-snippets, metadata-dev, about 530 pages) and read at
run time only. When it is absent the test says so by name in the skip reason, so that a green
run without the data is never mistaken for a checked one; ``NEWSARCHIVE_REQUIRE_CORPUS=1``
turns that skip into a failure (for machines that must have the data). Speed is reported
(``benchmarks/extract/robustness.py``), not asserted: the machine is shared.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.extract.corpus import corpus_pages, run_corpus, summary_lines

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "data"


def test_no_page_of_the_shared_corpus_crashes_the_extractor() -> None:
    pages = corpus_pages(CORPUS) if CORPUS.is_dir() else []
    if not pages:
        message = f"robustness corpus absent: no *.html under {CORPUS}; crash check NOT run"
        if os.environ.get("NEWSARCHIVE_REQUIRE_CORPUS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    report = run_corpus(pages)
    print("\n".join(summary_lines(report)))
    assert len(report.pages) == len(pages)
    assert not report.crashes, "\n".join(f"{p.path}: {p.detail}" for p in report.crashes)
