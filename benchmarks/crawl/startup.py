"""Start-up: a one-page crawl's whole process time, and its time to the first request.

    .venv/bin/python benchmarks/crawl/startup.py --rounds 7
    .venv/bin/python benchmarks/crawl/startup.py --rounds 7 --tree before=/tmp/base --tree after=.

A one-article generated site (``site.py 1``: robots.txt, sitemap index, feed, three section
pages, one article); ``newsarchive crawl`` as its own process with the full pipeline into the
local node. Per crawl: the process's wall time from ``Popen`` to exit (interpreter start and
imports included), from the start to the site's first request, and to the first document
``_count`` sees. ``--tree NAME=PATH`` runs the same crawl with ``PYTHONPATH=PATH`` (another
checkout of the project, e.g. ``git archive`` of an older commit), round by round in turn, so
a before/after comparison shares the machine's load; medians over the rounds.

The index is kept from round to round (dropped at the end): the first round's crawl creates it
(index template, index, alias: over a second of Elasticsearch's time on this machine, which
the crawl waits for before its first request), the later ones find it, as a scheduled crawl
into an existing archive does. The medians are over the later rounds; the first is reported
on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402
from bench import Site, crawl, drop  # noqa: E402

# (Time to the first searchable document: bench.py, whose every crawl has a fresh index; here
# a later round's documents are already in the kept index.)
KEYS = ("process_wall_s", "startup_to_first_request_s")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--tree", action="append", default=[], metavar="NAME=PATH", help="code to run (repeat)"
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-startup.json"))
    args = parser.parse_args()
    trees = [tuple(t.split("=", 1)) for t in args.tree] or [("this", str(HERE.parents[1]))]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        site = Site(1, tmp)
        try:
            for r in range(1, args.rounds + 1):
                for name, path in trees:
                    # Both: the fork server runs ``python -c``, whose sys.path starts with its
                    # working directory, before PYTHONPATH.
                    os.environ["PYTHONPATH"] = str(Path(path).resolve())
                    bench.ROOT = Path(path).resolve()
                    row = crawl(site, tmp, name, [], f"bench-startup-{name}", r)
                    rows.append(row | {"round": r, "tree": path})
        finally:
            site.close()
            for name, _ in trees:
                drop(f"bench-startup-{name}")
    for name, _ in trees:
        [first] = [r for r in rows if r["side"] == name and r["round"] == 1]
        print(
            f"{name}: round 1 (creates the index): whole process {first['process_wall_s']:.2f} s,"
            f" first request {first['startup_to_first_request_s']:.2f} s"
        )
    print(f"\nmedian [lowest, highest] over rounds 2-{args.rounds} (index exists), seconds")
    print(f"{'tree':10} {'whole process':>22} {'first request':>22}")
    medians = {}
    for name, _ in trees:
        mine = [r for r in rows if r["side"] == name and (r["round"] > 1 or args.rounds == 1)]
        cells = []
        medians[name] = {}
        for key in KEYS:
            values = [r[key] for r in mine if r.get(key) is not None]
            if not values:
                cells.append("-")
                continue
            medians[name][key] = statistics.median(values)
            cells.append(f"{statistics.median(values):6.2f} [{min(values):.2f}, {max(values):.2f}]")
        print(f"{name:10} " + " ".join(f"{c:>22}" for c in cells))
    args.out.write_text(json.dumps({"rows": rows, "medians": medians}, indent=2))
    print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
