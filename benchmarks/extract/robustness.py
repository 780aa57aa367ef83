"""Robustness benchmark: every saved page of the shared data through ``extract()``.

    .venv/bin/python benchmarks/extract/robustness.py [--data /work/shared/data] [--json OUT]

Not a timed test: it reports crashes (``extract/failed``), empty bodies, every other outcome
and the time per page (max, p99, p50) so that a slow or crashing page class shows up before a
crawl meets it. The test suite runs the same check (``tests/integration/
test_extraction_corpus.py``) and asserts zero crashes when the data is present.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.extract.corpus import corpus_pages, run_corpus, summary_lines

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="searched for *.html")
    parser.add_argument("--json", type=Path, help="write per-page outcomes here")
    args = parser.parse_args()
    pages = corpus_pages(args.data)
    if not pages:
        print(f"no pages under {args.data}", file=sys.stderr)
        return 2
    report = run_corpus(pages)
    print("\n".join(summary_lines(report)))
    if args.json:
        rows = [
            {"path": str(p.path), "outcome": p.outcome, "seconds": p.seconds, "detail": p.detail}
            for p in report.pages
        ]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
