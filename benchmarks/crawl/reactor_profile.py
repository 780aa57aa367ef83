"""Where the reactor thread's time goes, per page: fetch-only and full crawl side by side.

Why this profile and not only ``profile_crawl.py``: with extraction in worker processes, the
crawl's pace is set by one thread, the crawl process's reactor thread (downloads, spider
callbacks, the item pipelines' own work, WARC writing). Whatever it spends per page bounds pages/s,
and the fetch-only crawl is bound the same way, so the full crawl's extra reactor time per page
is what separates the two. cProfile cannot show that (it slows the thread it measures and sees
no other process); py-spy samples the running process from outside.

Both crawls of the generated site run under ``py-spy record`` (50 samples/s, raw stacks). Each
reactor-thread sample goes to the first stage below whose function appears in its stack (idle =
waiting in ``select``), and a stage's time per page is its share of samples times the crawl's
wall time over its article pages. The rest is Scrapy's and Twisted's own machinery (engine,
scraper, middlewares, signals), which also runs slower when the machine is busier.

    .venv/bin/python benchmarks/crawl/reactor_profile.py --articles 5000 --out /tmp/reactor.json
    .venv/bin/python benchmarks/crawl/reactor_profile.py --real --copies 1 --keep-raw /tmp/spy
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import FAST, PY, SOURCE, Site, drop  # noqa: E402

# (stage, function-name prefixes): the first stage with a match in a sample's stack takes it.
STAGES = [
    ("idle (waiting in select)", ()),  # matched on the innermost frame, see _stage
    ("WARC record writing", ("WarcArchive.", "RotatingWarcWriter.")),
    ("extraction hand-off + learned boilerplate", ("ExtractPipeline.", "ExtractPool.")),
    ("near-duplicate + bulk writer", ("IndexPipeline.", "NearDuplicateIndex.", "_write_part")),
    ("spider callbacks (parse, links, sitemaps)", ("SourceSpider.",)),
    ("downloader (HTTP client, slots)", ("Downloader.", "DownloaderMiddlewareManager.")),
    ("scheduler (queue, dupefilter)", ("Scheduler.",)),
]
OTHER = "Scrapy/Twisted machinery (engine, scraper, signals)"
IDLE_FRAMES = ("select (selectors.py", "EpollSelector.select", "_PollLikeSelector.select")


def _stage(frames: list[str]) -> str:
    if frames[-1].startswith(IDLE_FRAMES):
        return STAGES[0][0]
    names = [f.split(" (")[0] for f in frames]
    for stage, prefixes in STAGES[1:]:
        if any(name.startswith(prefixes) for name in names):
            return stage
    return OTHER


def reactor_samples(raw: Path) -> Counter[str]:
    """Samples of the reactor (main) thread by stage, from py-spy's raw (collapsed) output."""
    stages: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any("AsyncioSelectorReactor.run" in f for f in frames):
            continue  # executor, feeder and resolver threads
        stages[_stage(frames)] += int(count)
    return stages


def profiled_crawl(
    py_spy: str, site: Site, tmp: Path, name: str, extra: list[str], keep: Path | None = None
) -> dict[str, object]:
    sources = tmp / "sources.yaml"
    sources.write_text(SOURCE.format(base=site.base))
    rusage = tmp / f"{name}.rusage.json"
    raw = tmp / f"{name}.spy.txt"
    env = {
        **os.environ,
        "BENCH_RUSAGE": str(rusage),
        "NEWSARCHIVE_ALLOWED_NETWORKS": site.base.split("//")[1],
    }
    index = f"bench-crawl-reactor-{name}"
    cmd = [py_spy, "record", "--idle", "--rate", "50", "--format", "raw", "--output", str(raw)]
    cmd += ["--"]
    cmd += [PY, str(HERE / "runner.py"), "crawl", "--sources-file", str(sources)]
    cmd += ["--source", "benchcrawl", "--json", "--index", index]
    cmd += ["--data-dir", str(tmp / f"data-{name}")]
    for setting in FAST + extra:
        cmd += ["-s", setting]
    site.served(reset=True)
    try:
        subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    finally:
        drop(index)
    pages = site.served()["articles"]
    wall = float(json.loads(rusage.read_text())["wall_s"])
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / raw.name).write_text(raw.read_text())
    samples = reactor_samples(raw)
    total = sum(samples.values())
    ms = {stage: 1000 * wall * n / total / pages for stage, n in samples.items()}
    return {"side": name, "pages": pages, "wall_s": wall, "samples": total, "ms_per_page": ms}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--real", action="store_true", help="the real saved pages (bench.py)")
    parser.add_argument("--copies", type=int, default=1, help="with --real: URLs per page")
    parser.add_argument("--keep-raw", type=Path, help="keep py-spy's raw stacks in this folder")
    # The project's venv has it (dev extra); else whatever is on PATH.
    venv_spy = Path(PY).parent / "py-spy"
    parser.add_argument("--py-spy", default=str(venv_spy) if venv_spy.exists() else "py-spy")
    parser.add_argument("--out", type=Path, help="write both sides' stage tables as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        site = Site(args.articles, tmp, args.copies if args.real else 0)
        keep = args.keep_raw
        try:
            sides = [
                profiled_crawl(args.py_spy, site, tmp, "fetch-only", ["ITEM_PIPELINES={}"], keep),
                profiled_crawl(args.py_spy, site, tmp, "full", [], keep),
            ]
        finally:
            site.close()
    fetch, full = (side["ms_per_page"] for side in sides)
    assert isinstance(fetch, dict) and isinstance(full, dict)
    print(f"\nreactor thread, ms per article page ({site.articles} articles)")
    print(f"{'stage':52} {'fetch-only':>10} {'full':>8} {'extra':>8}")
    for stage in [s for s, _ in STAGES] + [OTHER]:
        a, b = fetch.get(stage, 0.0), full.get(stage, 0.0)
        print(f"{stage:52} {a:10.2f} {b:8.2f} {b - a:+8.2f}")
    print(f"{'all (wall time per page)':52} {sum(fetch.values()):10.2f} {sum(full.values()):8.2f}")
    if args.out:
        args.out.write_text(json.dumps({"articles": args.articles, "sides": sides}, indent=2))
        print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
