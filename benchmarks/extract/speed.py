"""Extractor speed without a stopwatch: instructions per page, and an output dump to diff.

    .venv/bin/python benchmarks/extract/speed.py instructions            # callgrind, sample
    .venv/bin/python benchmarks/extract/speed.py dump /tmp/out.jsonl     # all 532 pages
    .venv/bin/python benchmarks/extract/speed.py cpu                     # CPU-time pages/s
    /work/anchors/bin/python benchmarks/extract/speed.py cpu --tool trafilatura

Why: the shared 2-core machine runs other work, so pages/s move by a factor of two between
runs. ``valgrind --tool=callgrind`` counts the instructions the extractor executes, which do
not depend on load: the sample (every tenth page of each data set, ten per set) is extracted
once under callgrind, an otherwise identical run that extracts nothing is subtracted (imports,
the language model, the warm-up page), and the difference is divided by the pages. Two runs of
one commit agreed to within about 1%.

``cpu`` gives pages/s from CPU time (``time.process_time``) summed over the snippet pages,
each extracted once in one process, imports and warm-up excluded; for trafilatura with the
settings of the shared harness. Less sensitive to other work than wall time, not immune.

``dump`` writes the JSON record of every page of the three data sets, with both cleaners, in
a fixed order: a speed change must leave the file byte for byte the same (``cmp``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

DATA = Path("/work/shared/data")
SETS = ("extraction-dev", "extraction-dev-snippets", "metadata-dev")
PER_SET = 10


def sample(per_set: int) -> list[Path]:
    """Every tenth page of each data set (sorted by name), ``per_set`` of them."""
    pages: list[Path] = []
    for name in SETS:
        files = sorted((DATA / name / "pages").glob("*.html"))
        pages += files[:: max(1, len(files) // 10)][:per_set]
    return pages


def all_pages() -> list[Path]:
    """Every page of the three data sets, sorted."""
    return sorted(p for name in SETS for p in (DATA / name / "pages").glob("*.html"))


def extract_pages(paths: list[Path]) -> None:
    """Extract each page once, after the warm-up every timed run does (the measured part)."""
    from pipeline.exceptions import ExtractionError
    from pipeline.extract.api import ExtractOptions, extract
    from pipeline.extract.files import _WARM_UP_HTML

    pages = [(p.read_bytes(), p.resolve().as_uri()) for p in paths]
    options = ExtractOptions()
    extract(_WARM_UP_HTML, "https://example.invalid/warm-up", options)
    import htmldate  # noqa: F401  (imported lazily by the date fallback: not per-page work)

    for data, url in pages:
        with contextlib.suppress(ExtractionError):
            extract(data, url, options)


def cpu_pages_per_second(tool: str) -> float:
    """Snippet pages per CPU second of ``extract()`` (or of trafilatura's ``extract``)."""
    import time
    from collections.abc import Callable

    paths = sorted((DATA / "extraction-dev-snippets" / "pages").glob("*.html"))
    pages = [(p.read_bytes(), p.resolve().as_uri()) for p in paths]
    run: Callable[[bytes, str], object]
    if tool == "trafilatura":
        import trafilatura

        def run(data: bytes, url: str) -> object:
            return trafilatura.extract(
                data,
                fast=False,
                include_comments=False,
                include_tables=True,
                include_formatting=False,
            )
    else:
        from pipeline.exceptions import ExtractionError
        from pipeline.extract.api import ExtractOptions, extract
        from pipeline.extract.files import _WARM_UP_HTML

        options = ExtractOptions()
        extract(_WARM_UP_HTML, "https://example.invalid/warm-up", options)
        import htmldate  # noqa: F401

        def run(data: bytes, url: str) -> object:
            with contextlib.suppress(ExtractionError):
                return extract(data, url, options)
            return None

    run(*pages[0])  # warm-up of the tool's lazy set-up, not timed
    spent = 0.0
    for data, url in pages:
        started = time.process_time()
        run(data, url)
        spent += time.process_time() - started
    return len(pages) / spent


def _callgrind(per_set: int) -> int:
    """Instructions of one process that extracts ``per_set`` pages of each set."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable]
        cmd += [__file__, "run", str(per_set)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        match = re.search(r"^totals:\s*(\d+)", out.read_text(), re.MULTILINE)
        if match is None:
            raise SystemExit(f"no totals in {out}")
        return int(match.group(1))


def dump(out: Path) -> None:
    """The JSON record of every page, both cleaners, one line each, in a fixed order."""
    from pipeline.extract.api import ExtractOptions
    from pipeline.extract.files import extract_file

    with out.open("w", encoding="utf-8") as f:
        for cleaner in ("soup", "lxml"):
            options = ExtractOptions(cleaner=cleaner)
            for path in all_pages():
                record = extract_file(path, None, options=options)
                f.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    instructions = commands.add_parser("instructions", help="instructions/page under callgrind")
    instructions.add_argument("--per-set", type=int, default=PER_SET)
    run = commands.add_parser("run", help="(internal) extract the sample once")
    run.add_argument("per_set", type=int)
    dumping = commands.add_parser("dump", help="JSON of every page, to compare byte for byte")
    dumping.add_argument("out", type=Path)
    timing = commands.add_parser("cpu", help="snippet pages per CPU second")
    timing.add_argument("--tool", choices=("newsarchive", "trafilatura"), default="newsarchive")
    args = parser.parse_args()
    if args.command == "cpu":
        print(f"{args.tool}: {cpu_pages_per_second(args.tool):.1f} pages/s (CPU time)")
    elif args.command == "run":
        extract_pages(sample(args.per_set) if args.per_set else [])
    elif args.command == "dump":
        dump(args.out)
    else:
        pages = len(sample(args.per_set))
        baseline, total = _callgrind(0), _callgrind(args.per_set)
        print(f"{pages} pages, {(total - baseline) / pages / 1e6:.1f} M instructions/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
