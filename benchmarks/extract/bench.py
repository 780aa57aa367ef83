"""Extraction benchmark: our extractor versus trafilatura on the dev set, in one run.

    .venv/bin/python benchmarks/extract/bench.py --out benchmarks/extract/results.json

Why a wrapper rather than the bare tool: the shared harness (``/work/shared/tools/
evaluate_extraction.py``) takes one ``--cmd`` per invocation, and the issue asks for our two
cleaners (default and ``--cleaner lxml``) against trafilatura measured on the same machine in
the same sitting. This script runs the harness twice back to back -- trafilatura + default
cleaner, then the lxml cleaner -- and prints one table of quality and speed, with each speed as
a ratio to trafilatura's. Speed is the harness's ``extract_pps`` (pages / summed per-page
extraction seconds, single process, imports and file reading excluded), so start-up cost of the
three programs does not distort it; ``wall_pps`` is reported as well.
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TOOL = Path("/work/shared/tools/evaluate_extraction.py")
DATA = Path("/work/shared/data/extraction-dev")
ROOT = Path(__file__).resolve().parents[2]
# trafilatura 2.3.1 lives in the anchors' venv, not in ours (docs/extraction.md).
ANCHORS_PYTHON = Path("/work/anchors/bin/python")


def _harness(python: str, data: Path, extra: list[str], out: Path) -> list[dict[str, Any]]:
    """Run the shared harness once and return its JSON results (one dict per extractor)."""
    cmd = [python, str(TOOL), "run", "--data", str(data), "--no-rouge", "--json-out", str(out)]
    cmd += extra
    print("$", shlex.join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    result: list[dict[str, Any]] = json.loads(out.read_text())
    return result


def _row(result: dict[str, Any]) -> dict[str, Any]:
    """Pick out the figures worth comparing from one harness result."""
    summary = result["summary"]
    shingle = summary.get("shingle", {})
    timing = summary.get("timing", {}) or {}
    return {
        "name": result["name"],
        "shingle_f1": shingle.get("f1"),
        "shingle_precision": shingle.get("precision"),
        "shingle_recall": shingle.get("recall"),
        "extract_pps": timing.get("extract_pps"),
        "ms_per_page_median": timing.get("ms_per_page_median"),
        "wall_pps": result.get("wall_pps"),
        "raw": result,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-extract.json"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (smoke test)")
    parser.add_argument(
        "--anchors-python",
        default=str(ANCHORS_PYTHON) if ANCHORS_PYTHON.exists() else sys.executable,
        help="interpreter that has trafilatura (default: the anchors' venv when present)",
    )
    args = parser.parse_args()
    python = sys.executable
    ours = f"{shlex.quote(python)} -m pipeline.extract --timings"
    limit = ["--limit", str(args.limit)] if args.limit else []
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with tempfile.TemporaryDirectory() as tmp:
        first = _harness(
            python,
            args.data,
            [
                "--adapter",
                "trafilatura",
                "--python",
                args.anchors_python,
                "--cmd",
                ours,
                "--name",
                "newsarchive (soup cleaner)",
                *limit,
            ],
            Path(tmp) / "a.json",
        )
        second = _harness(
            python,
            args.data,
            ["--cmd", f"{ours} --cleaner lxml", "--name", "newsarchive (lxml cleaner)", *limit],
            Path(tmp) / "b.json",
        )
    rows = [_row(r) for r in first + second]
    reference = next(r for r in rows if r["name"] == "trafilatura")
    print(
        f"{'extractor':30} {'shingle F1':>10} {'pages/s':>9} {'x trafil.':>9} "
        f"{'ms/page med':>11} {'wall p/s':>9}"
    )
    for row in rows:
        ratio = (row["extract_pps"] or 0) / (reference["extract_pps"] or 1)
        row["ratio_vs_trafilatura"] = ratio
        print(
            f"{row['name']:30} {row['shingle_f1'] or 0:10.4f} {row['extract_pps'] or 0:9.1f} "
            f"{ratio:9.2f} {row['ms_per_page_median'] or 0:11.1f} {row['wall_pps'] or 0:9.1f}"
        )
    report = {
        "benchmark": "extract",
        "started": started,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "data": str(args.data),
        "rows": rows,
    }
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True))
    print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
