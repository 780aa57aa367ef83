"""Where a crawled page's time goes: one full crawl under cProfile, summed per stage.

Starts the crawl benchmark's generated site (``site.py``), crawls it once with the full pipeline
and extraction inline (``NEWSARCHIVE_EXTRACT_WORKERS=0``, so every stage runs in the profiled
process), then prints milliseconds per article page for each stage's entry point (cumulative
time of the function; for coroutines, only while they run, not while they await the node).
cProfile inflates small calls, so read the shares, not the absolute figures.

    .venv/bin/python benchmarks/crawl/profile_crawl.py --articles 1500
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import FAST, PY, SOURCE, Site, drop  # noqa: E402

# (label, file suffix, function name): each stage's entry point.
STAGES = [
    ("extract (parse, score, clean, metadata, language)", "pipeline/extract/api.py", "extract"),
    ("link following in the spider", "pipeline/crawl/spiders/source_spider.py", "_follow_links"),
    ("learned-boilerplate observation", "pipeline/boilerplate/__init__.py", "observe"),
    ("WARC record writing", "pipeline/archive/writer.py", "write"),
    ("near-duplicate fingerprint (MinHash)", "pipeline/index/neardup.py", "fingerprint"),
    ("near-duplicate assignment incl. msearch", "pipeline/index/neardup.py", "assign"),
    ("bulk writer (write_batch)", "pipeline/index/bulk.py", "write_batch"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--out", type=Path, help="write the stage table as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        site = Site(args.articles, tmp)
        index = "bench-crawl-prof"
        try:
            sources = tmp / "sources.yaml"
            sources.write_text(SOURCE.format(base=site.base))
            env = {
                **os.environ,
                "BENCH_RUSAGE": str(tmp / "rusage.json"),
                "NEWSARCHIVE_ALLOWED_NETWORKS": site.base.split("//")[1],
            }
            prof = tmp / "crawl.prof"
            cmd = [PY, "-m", "cProfile", "-o", str(prof), str(HERE / "runner.py"), "crawl"]
            cmd += ["--sources-file", str(sources), "--source", "benchcrawl", "--json"]
            cmd += ["--index", index, "--data-dir", str(tmp / "data")]
            for setting in [*FAST, "NEWSARCHIVE_EXTRACT_WORKERS=0"]:
                cmd += ["-s", setting]
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            pages = site.served()["articles"]
            usage = json.loads((tmp / "rusage.json").read_text())
            stats = pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
        finally:
            site.close()
            drop(index)
    total_s = usage["cpu_s"]
    rows = []
    for label, suffix, func in STAGES:
        # The first definition of that name in the file (the WARC writer's file-like gzip
        # member also has a ``write``, called from inside the record writer's).
        found = sorted(
            (line, value[3])
            for (filename, line, name), value in stats.items()
            if filename.endswith(suffix) and name == func
        )
        seconds = found[0][1] if found else 0.0
        rows.append({"stage": label, "ms_per_page": 1000 * seconds / pages})
    print(f"{pages} article pages, {total_s:.1f} s crawl-process CPU under cProfile")
    print(f"{'stage':50} {'ms/page':>8} {'share':>6}")
    for row in rows:
        share = row["ms_per_page"] / (1000 * total_s / pages)
        print(f"{row['stage']:50} {row['ms_per_page']:8.2f} {share:6.0%}")
    print(f"{'all crawl-process CPU':50} {1000 * total_s / pages:8.2f}")
    if args.out:
        report = {"articles": pages, "cpu_s": total_s, "stages": rows}
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
