"""Micro-benchmark: the boilerplate learner's cost per page at 1x/4x/16x pages.

Feeds synthetic bodies (a template prompt and trailer around unique article lines, like a
real source) through ``SiteLearner.observe`` with a real SQLite store in a temporary
directory, and reports milliseconds per page for each size. Linear learning means flat
ms/page; the old GROUP BY refresh grew with the pages observed.

    .venv/bin/python benchmarks/crawl/learner_bench.py --pages 1000 --scale 1,4,16
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from pipeline.boilerplate import SiteLearner
from pipeline.boilerplate.store import BoilerplateStore

PROMPT = "Get the morning briefing in your inbox: sign up for our newsletter today."
TRAILER = "Copyright Bench Herald. All rights reserved unless stated otherwise."


def body(number: int) -> str:
    """One page body: 25 unique short paragraphs between the template's lines."""
    own = [f"Story {number} line {k}: the council met again about item {k}." for k in range(25)]
    return "\n\n".join([own[0], PROMPT, *own[1:], TRAILER])


def run(pages: int) -> dict[str, float]:
    """Observe ``pages`` bodies of one source; time the whole run."""
    with tempfile.TemporaryDirectory() as tmp:
        store = BoilerplateStore(Path(tmp))
        learner = SiteLearner(store, "bench")
        started = time.perf_counter()
        for n in range(pages):
            learner.observe(f"https://bench.example/{n}", body(n), ["Ann Writer"])
            learner.clean(body(n))
        store.close()
        seconds = time.perf_counter() - started
    return {"pages": pages, "seconds": round(seconds, 3), "ms_per_page": seconds / pages * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages at 1x")
    parser.add_argument("--scale", default="1,4,16", help="comma-separated multiples")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    results = [run(args.pages * int(k)) for k in args.scale.split(",")]
    for r in results:
        print(f"{r['pages']:>7} pages  {r['seconds']:>8.2f} s  {r['ms_per_page']:.3f} ms/page")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
