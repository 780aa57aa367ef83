"""Crawl benchmark: the full pipeline versus a fetch-only crawl of the same generated site.

    .venv/bin/python benchmarks/crawl/bench.py --articles 5000 --out benchmarks/crawl/results.json
    .venv/bin/python benchmarks/crawl/bench.py --articles 1250 --scale 1,4,16   # scaling
    .venv/bin/python benchmarks/crawl/bench.py --articles 5000 --workers 0,2    # extraction workers
    .venv/bin/python benchmarks/crawl/bench.py --articles 5000 --rounds 3 \
        --variant default: --variant nice0:NEWSARCHIVE_EXTRACT_NICENESS=0   # A/B of settings
    .venv/bin/python benchmarks/crawl/bench.py --real --copies 4 --rounds 3   # real pages
    .venv/bin/python benchmarks/crawl/bench.py --real --copies 1 --scale 1,10 --no-fetch-only

Real pages (``--real``): the site serves every saved page of the shared evaluation sets
(``REAL_DIRS``: ~530 real outlets' article pages), each under ``--copies`` URLs, read from disk at
run time. Each round then also runs the single-process extractor (``python -m pipeline.extract
--timings``, what ``newsarchive extract`` runs) over the same files: twice its rate is the
two-core extraction ceiling a crawl's rate is compared with.

Why this shape: the target (full pipeline >= 0.5x fetch-only) compares two crawls of one site by
one crawler with one set of settings, so the only difference is the item pipelines.

- ``fetch-only``: ``newsarchive crawl`` of the source with ``ITEM_PIPELINES={}``: the project's
  spider, discovery (robots.txt, sitemap index, feed, section pages) and middlewares, and
  nothing done with the responses.
- ``full``: the same command with the pipelines: validate -> extract -> dedupe -> index into the
  local node (an alias of its own, ``bench-crawl-*``, dropped afterwards).
- ``scrapy bench``: Scrapy's own figure (its link-following spider against its own local
  server, 10 s), run from a directory outside the project so it uses stock settings.

Both crawls run as their own processes (``runner.py``), politeness off (DOWNLOAD_DELAY=0, no
AutoThrottle, 16 concurrent requests to the one host), and report pages/s (article pages the
site served / wall time of the process, start-up included), pages/s of spider time (Scrapy's
open-to-close ``elapsed_time_seconds``), CPU seconds per page (the crawl process and its
children; the Elasticsearch node's CPU is not included), cores busy (the tree's CPU seconds /
wall seconds), start-up (process start to the site's first request), the time until the first
document is searchable (the index's ``_count`` polled every 0.1 s from the process start) and
peak RSS/PSS. The site (``site.py``) runs in a third process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PY = sys.executable
REAL_DIRS = [
    Path("/work/shared/data/extraction-dev"),
    Path("/work/shared/data/extraction-dev-snippets"),
    Path("/work/shared/data/metadata-dev"),
]
ES_URL = os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")

SOURCE = """sources:
  - name: benchcrawl
    sitemaps: ["{base}/sitemap.xml"]
    feeds: ["{base}/feed.xml"]
    start_urls: ["{base}/world/", "{base}/politics/", "{base}/business/"]
    article_patterns: ['^https?://[^/]+/[a-z]+/\\d{{4}}/\\d{{2}}/\\d{{2}}/story-\\d+$']
    follow_patterns: ['^https?://[^/]+/[a-z]+/(\\?page=\\d+)?$']
"""

FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "NEWSARCHIVE_PROGRESS_INTERVAL=0",
    "LOG_LEVEL=WARNING",
]


TICK = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _tree(root: int) -> dict[int, tuple[float, float]]:
    """CPU seconds and RSS (MB) of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    stats: dict[int, tuple[float, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        stats[pid] = ((int(fields[11]) + int(fields[12])) / TICK, int(fields[21]) * PAGE_MB)
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return {pid: stats[pid] for pid in tree if pid in stats}


def _pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (the fork server's imports) counted once overall."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_measured(
    cmd: list[str], env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run ``cmd``, sampling the whole process tree (crawl + extraction workers) every 0.2 s.

    Why not getrusage: the workers are children of multiprocessing's fork server, which is not
    reaped by the time the crawl reports, so their CPU would be missing; and each worker's RSS
    counts towards what the crawl costs. RSS counts pages the workers share with the fork server
    once per process; PSS (sampled every second) splits them, so the tree's PSS is what the
    crawl holds.
    """
    cpu: dict[int, float] = {}
    peak_rss = peak_pss = 0.0
    ticks = 0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=err, text=True)
        while proc.poll() is None:
            if ticks % 4 == 0:  # the tree every 0.2 s, its PSS every second
                tree = _tree(proc.pid)
                for pid, (seconds, _) in tree.items():
                    cpu[pid] = max(cpu.get(pid, 0.0), seconds)
                peak_rss = max(peak_rss, sum(rss for _, rss in tree.values()))
                if ticks % 20 == 0:
                    peak_pss = max(peak_pss, sum(_pss_mb(pid) for pid in tree))
            ticks += 1
            time.sleep(0.05)  # the exit is seen within 50 ms: the whole process's time
        process_wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())
    return done, {
        "tree_cpu_s": sum(cpu.values()),
        "process_wall_s": process_wall,
        "tree_peak_rss_mb": peak_rss,
        "tree_peak_pss_mb": peak_pss,
    }


class Site:
    """The generated (or real-page) site in its own process."""

    def __init__(self, articles: int, tmp: Path, copies: int = 0) -> None:
        port_file = tmp / "site.url"
        cmd = [PY, str(HERE / "site.py"), str(articles), str(port_file)]
        if copies:
            cmd += ["--real", ",".join(map(str, REAL_DIRS)), "--copies", str(copies)]
        self.real = bool(copies)
        self.proc = subprocess.Popen(cmd)
        for _ in range(600):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.1)
        self.base = port_file.read_text()
        self.articles = int(self.served()["on_site"])

    def served(self, reset: bool = False) -> dict[str, float]:
        url = f"{self.base}/__served" + ("?reset=1" if reset else "")
        with urllib.request.urlopen(url) as r:
            result: dict[str, float] = json.loads(r.read())
            return result

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait()


#: ``--follow-article-links``: appended to the source ("" keeps the source's default).
SOURCE_EXTRA: list[str] = []


def crawl(
    site: Site, tmp: Path, name: str, extra: list[str], index: str, round_: int = 1
) -> dict[str, Any]:
    """One crawl of the site as its own process; pages/s, CPU/page, peak RSS.

    Each crawl gets a fresh data directory: a second crawl with the first one's URL store would
    be an incremental re-crawl (conditional requests, skipped pages), not the same work.
    """
    sources = tmp / "sources.yaml"
    sources.write_text(SOURCE.format(base=site.base) + "".join(SOURCE_EXTRA))
    rusage = tmp / f"{name}.rusage.json"
    host = site.base.split("//")[1]
    env = {
        **os.environ,
        "BENCH_RUSAGE": str(rusage),
        "NEWSARCHIVE_ALLOWED_NETWORKS": host,
    }
    cmd = [
        PY,
        str(HERE / "runner.py"),
        "crawl",
        "--sources-file",
        str(sources),
        "--source",
        "benchcrawl",
        "--json",
        "--index",
        index,
        "--data-dir",
        str(tmp / f"data-{name}-round-{round_}"),
    ]
    for setting in FAST + extra:
        cmd += ["-s", setting]
    site.served(reset=True)
    searchable = FirstSearchable(index) if name != "fetch-only" else None
    started = time.time()
    if searchable:
        searchable.start(started)
    try:
        proc, tree = run_measured(cmd, env)
    finally:
        if searchable:
            searchable.stop()
    if proc.returncode != 0 and not proc.stdout.strip():
        raise RuntimeError(f"{name} crawl failed: {proc.stderr[-2000:]}")
    if proc.returncode != 0:  # it ran to the end but reports a problem (e.g. unbalanced)
        print(f"  {name}: exit status {proc.returncode}; stderr ends: {proc.stderr[-300:]}")
    served = site.served()
    usage = json.loads(rusage.read_text())
    summary = json.loads(proc.stdout)[0]
    pages = int(served["articles"])
    if pages != site.articles:  # a rate over part of the site would not compare with the others
        raise RuntimeError(f"{name}: the site served {pages} of its {site.articles} articles")
    # The crawl process's own CPU is exact (getrusage); the workers' comes from /proc samples.
    cpu = max(usage["cpu_s"] + usage["children_cpu_s"], tree["tree_cpu_s"])
    spider_s = usage.get("spider_s") or usage["wall_s"]
    row = {
        "side": name,
        "article_pages": pages,
        "other_pages": served["other"],
        "wall_s": usage["wall_s"],
        "process_wall_s": tree["process_wall_s"],  # interpreter start and imports included
        "spider_s": spider_s,
        "pages_per_s": pages / usage["wall_s"],
        "pages_per_spider_s": pages / spider_s,
        "cores_busy": cpu / usage["wall_s"],
        "cores_busy_crawl_process": usage["cpu_s"] / usage["wall_s"],
        "startup_to_first_request_s": served["first_request_at"] - started,
        "first_searchable_s": searchable.seen_after if searchable else None,
        "cpu_ms_per_page": 1000 * cpu / max(pages, 1),
        "peak_rss_mb": usage["peak_rss_mb"],
        "children_peak_rss_mb": usage["children_peak_rss_mb"],
        "tree_peak_rss_mb": tree["tree_peak_rss_mb"],
        "tree_peak_pss_mb": tree["tree_peak_pss_mb"],
        "tree_cpu_s": tree["tree_cpu_s"],
        "process_cpu_s": usage["cpu_s"],
        "exit_status": proc.returncode,
        "indexed": summary.get("indexed"),
        "skipped": summary.get("skipped"),
        "rss_samples": usage["rss_samples"],
    }
    first = row["first_searchable_s"]
    print(
        f"  {name:22s} {pages:6d} pages {row['wall_s']:7.1f} s {row['pages_per_s']:7.1f} p/s "
        f"(spider {row['pages_per_spider_s']:6.1f}) {row['cpu_ms_per_page']:6.2f} ms CPU/page "
        f"{row['cores_busy']:.2f} cores  RSS {row['peak_rss_mb']:.0f} MB "
        f"(tree {row['tree_peak_rss_mb']:.0f}, PSS {row['tree_peak_pss_mb']:.0f}) "
        f"process {row['process_wall_s']:.2f} s, first request "
        f"{row['startup_to_first_request_s']:.2f} s"
        + (f", first searchable {first:.2f} s" if first is not None else "")
        + f", indexed {row['indexed']}",
        flush=True,
    )
    return row


class FirstSearchable:
    """Polls the crawl's index until it counts a document: seconds from the process start.

    A thread of the benchmark driver, so the crawl itself does nothing extra; ``_count`` sees
    what a refresh made searchable, the same as a search would.
    """

    def __init__(self, index: str) -> None:
        self.index = index
        self.seen_after: float | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, started: float) -> None:
        def poll() -> None:
            url = f"{ES_URL}/{self.index}/_count"
            while not self._done.wait(0.1):
                try:
                    with urllib.request.urlopen(url, timeout=2) as r:
                        count = json.loads(r.read()).get("count", 0)
                except (OSError, ValueError):
                    continue  # no index yet, or the node is busy: ask again
                if count > 0:
                    self.seen_after = time.time() - started
                    return

        self._thread = threading.Thread(target=poll, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()


def extraction_ceiling(tmp: Path) -> dict[str, Any]:
    """The single-process extractor over the real pages: pages/s, and twice that (two cores).

    ``python -m pipeline.extract --timings`` is what ``newsarchive extract`` runs; the rate is
    pages / summed per-page extraction seconds (start-up and file reading excluded, as in
    benchmarks/extract), so the ceiling is the strictest reading of "both cores extracting".
    """
    files = sorted(str(f) for d in REAL_DIRS for f in (d / "pages").glob("*.html"))
    listing = tmp / "ceiling-paths.txt"
    listing.write_text("\n".join(files))
    started = time.perf_counter()
    proc = subprocess.run(
        [PY, "-m", "pipeline.extract", "--timings", "--paths-from", str(listing)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    seconds = sum(r.get("seconds", 0.0) for r in records)
    rate = len(records) / seconds
    print(
        f"  extract (1 process)    {len(records):6d} pages {seconds:7.1f} s {rate:7.1f} p/s "
        f"(incl. start-up {len(records) / wall:.1f}); two-core ceiling {2 * rate:.1f} p/s",
        flush=True,
    )
    return {
        "side": "extract (1 process)",
        "pages": len(records),
        "failed": sum("error" in r for r in records),
        "extract_s": seconds,
        "wall_s": wall,
        "pages_per_s": rate,
        "ceiling_pages_per_s": 2 * rate,
    }


def scrapy_bench(seconds: int = 10) -> dict[str, Any]:
    """Scrapy's own ceiling on this machine: ``scrapy bench`` outside the project."""
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run(
            [str(Path(PY).parent / "scrapy"), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
    log = proc.stderr
    count = re.search(r"'downloader/response_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if not (count and elapsed):
        return {"error": log[-1000:]}
    pages, secs = int(count.group(1)), float(elapsed.group(1))
    print(
        f"  scrapy bench           {pages:6d} pages {secs:7.1f} s {pages / secs:7.1f} p/s",
        flush=True,
    )
    return {
        "side": "scrapy bench",
        "responses": pages,
        "seconds": secs,
        "pages_per_s": pages / secs,
    }


def drop(index: str) -> None:
    subprocess.run(
        [
            PY,
            "-c",
            f"from pipeline.index import drop_index, make_client\n"
            f"c = make_client(); drop_index(c, {index!r})",
        ],
        cwd=ROOT,
        check=True,
    )


def run_size(
    articles: int,
    variants: list[tuple[str, list[str]]],
    tmp: Path,
    *,
    fetch_only: bool = True,
    rounds: int = 1,
    copies: int = 0,
    ceiling: bool = False,
) -> list[dict[str, Any]]:
    """Every side ``rounds`` times against one site; each full side's ratio is to the fetch-only
    crawl of its own round (the two run back to back), so load that comes and goes between
    rounds cancels out of the ratio; with ``ceiling``, likewise to that round's extraction
    ceiling."""
    site = Site(articles, tmp, copies)
    articles = site.articles
    rows = []
    try:
        for r in range(1, rounds + 1):
            fetch = None
            limit = None
            if ceiling:
                limit = extraction_ceiling(tmp)
                rows.append(limit | {"round": r, "ratio_vs_fetch_only": None})
            if fetch_only:
                try:
                    fetch = crawl(
                        site, tmp, "fetch-only", ["ITEM_PIPELINES={}"], "bench-crawl-fetch", r
                    )
                finally:
                    drop("bench-crawl-fetch")
                rows.append(fetch | {"round": r})
            for name, extra in variants:
                index = f"bench-crawl-{re.sub(r'[^a-z0-9]+', '-', name.lower())}"
                try:
                    row = crawl(site, tmp, name, extra, index, r)
                finally:
                    drop(index)
                ratio = row["pages_per_s"] / fetch["pages_per_s"] if fetch else None
                spider_ratio = (
                    row["pages_per_spider_s"] / fetch["pages_per_spider_s"] if fetch else None
                )
                to_ceiling = (
                    row["pages_per_spider_s"] / limit["ceiling_pages_per_s"] if limit else None
                )
                rows.append(
                    row
                    | {
                        "round": r,
                        "ratio_vs_fetch_only": ratio,
                        "spider_ratio_vs_fetch_only": spider_ratio,
                        "ratio_vs_ceiling": to_ceiling,
                    }
                )
    finally:
        site.close()
    for row in rows:
        row["articles_on_site"] = articles
        if row["side"] == "fetch-only":
            row["ratio_vs_fetch_only"] = 1.0
            row["spider_ratio_vs_fetch_only"] = 1.0
    return rows


def summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per size and side over the rounds: median pages/s and median, lowest, highest ratios."""
    out = []
    crawls = [r for r in rows if "cpu_ms_per_page" in r]
    keys = dict.fromkeys((row["articles_on_site"], row["side"]) for row in crawls)
    for articles, side in keys:
        mine = [r for r in crawls if (r["articles_on_site"], r["side"]) == (articles, side)]

        def spread(key: str, mine: list[dict[str, Any]] = mine) -> dict[str, float | None]:
            values = [r[key] for r in mine if r.get(key) is not None]
            if not values:
                return {"median": None, "min": None, "max": None}
            return {"median": statistics.median(values), "min": min(values), "max": max(values)}

        ratio = spread("ratio_vs_fetch_only")
        out.append(
            {
                "articles_on_site": articles,
                "side": side,
                "rounds": len(mine),
                "median_pages_per_s": statistics.median(r["pages_per_s"] for r in mine),
                "median_pages_per_spider_s": statistics.median(
                    r["pages_per_spider_s"] for r in mine
                ),
                "median_ratio": ratio["median"],
                "min_ratio": ratio["min"],
                "max_ratio": ratio["max"],
                "spider_ratio": spread("spider_ratio_vs_fetch_only"),
                "ceiling_ratio": spread("ratio_vs_ceiling"),
                "cores_busy": spread("cores_busy"),
                "startup_to_first_request_s": spread("startup_to_first_request_s"),
                "process_wall_s": spread("process_wall_s"),
                "first_searchable_s": spread("first_searchable_s"),
                "median_cpu_ms_per_page": statistics.median(r["cpu_ms_per_page"] for r in mine),
                "max_peak_rss_mb": max(r["peak_rss_mb"] for r in mine),
                "max_tree_peak_pss_mb": max(r["tree_peak_pss_mb"] for r in mine),
            }
        )
    return out


def variants_from(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    """The full sides to run: ``--variant NAME:SETTING,...``, ``--workers``, else the defaults."""
    chosen = []
    for spec in args.variant:
        name, _, settings = spec.partition(":")
        chosen.append((f"full ({name})", [x for x in settings.split(",") if x]))
    for w in args.workers.split(",") if args.workers else []:
        chosen.append((f"full (workers={w})", [f"NEWSARCHIVE_EXTRACT_WORKERS={w}"]))
    return chosen or [("full", [])]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument(
        "--real",
        action="store_true",
        help="serve the real saved pages of REAL_DIRS instead of generated articles",
    )
    parser.add_argument(
        "--copies", type=int, default=1, help="with --real: article URLs per saved page"
    )
    parser.add_argument(
        "--scale", default="1", help="multipliers of --articles (--copies with --real), e.g. 1,4"
    )
    parser.add_argument(
        "--workers", default="", help="NEWSARCHIVE_EXTRACT_WORKERS values to compare, e.g. 0,2"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME:SETTING,...",
        help="a full side with extra Scrapy settings, e.g. 'nice0:NEWSARCHIVE_EXTRACT_NICENESS=0'"
        " (repeatable; default: one full side with the project's settings)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat fetch-only + full sides; report medians"
    )
    parser.add_argument(
        "--follow-article-links",
        choices=("default", "true", "false"),
        default="default",
        help="the source's follow_article_links (default: the source's default, off: sitemap)",
    )
    parser.add_argument("--no-scrapy-bench", action="store_true")
    parser.add_argument(
        "--no-ceiling", action="store_true", help="with --real: skip the extraction ceiling"
    )
    parser.add_argument(
        "--no-fetch-only",
        action="store_true",
        help="crawl only with the pipelines (the memory run: its peak RSS, not a ratio)",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-crawl.json"))
    args = parser.parse_args()
    variants = variants_from(args)
    if args.follow_article_links != "default":
        SOURCE_EXTRA.append(f"    follow_article_links: {args.follow_article_links}\n")
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (int(x) for x in args.scale.split(",")):
            copies = args.copies * factor if args.real else 0
            what = f"real pages x {copies}" if copies else f"{args.articles * factor} articles"
            print(f"site of {what}", flush=True)
            sub = Path(tmp) / f"x{factor}"
            sub.mkdir()
            sized = run_size(
                args.articles * factor,
                variants,
                sub,
                fetch_only=not args.no_fetch_only,
                rounds=args.rounds,
                copies=copies,
                ceiling=args.real and not args.no_ceiling,
            )
            for row in sized:
                row["factor"] = factor
                rows.append(row)
    reference = None if args.no_scrapy_bench else scrapy_bench()
    print(
        f"\n{'articles':>8} {'side':22} {'pages/s':>8} {'x fetch':>7} {'CPU ms/page':>11} "
        f"{'peak RSS MB':>11} {'tree RSS MB':>11} {'wall s':>7}"
    )
    for row in rows:
        if "cpu_ms_per_page" not in row:
            continue  # the extraction ceiling's rows: printed as they ran
        print(
            f"{row['articles_on_site']:8d} {row['side']:22} {row['pages_per_s']:8.1f} "
            f"{row['ratio_vs_fetch_only'] or float('nan'):7.2f} {row['cpu_ms_per_page']:11.2f} "
            f"{row['peak_rss_mb']:11.0f} {row['tree_peak_rss_mb']:11.0f} {row['wall_s']:7.1f}"
        )
    if reference and "pages_per_s" in reference:
        print(f"{'':8} {'scrapy bench':22} {reference['pages_per_s']:8.1f}")
    medians = summary(rows)
    if args.rounds > 1:
        print(f"\nover {args.rounds} rounds: median [lowest, highest]")

    def fmt(x: dict[str, float | None]) -> str:
        if x["median"] is None:
            return "-"
        return f"{x['median']:.2f} [{x['min']:.2f}, {x['max']:.2f}]"

    print(
        f"{'articles':>8} {'side':22} {'pages/s':>8} {'spider p/s':>10}  x fetch (wall) | "
        "x fetch (spider) | x ceiling | cores busy | first request s | first searchable s | "
        "process s"
    )
    for m in medians:
        wall = {"median": m["median_ratio"], "min": m["min_ratio"], "max": m["max_ratio"]}
        print(
            f"{m['articles_on_site']:8d} {m['side']:22} {m['median_pages_per_s']:8.1f} "
            f"{m['median_pages_per_spider_s']:10.1f}  {fmt(wall)} | {fmt(m['spider_ratio'])} | "
            f"{fmt(m['ceiling_ratio'])} | {fmt(m['cores_busy'])} | "
            f"{fmt(m['startup_to_first_request_s'])} | {fmt(m['first_searchable_s'])} | "
            f"{fmt(m['process_wall_s'])}"
        )
    report = {
        "benchmark": "crawl",
        "started": started,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "args": vars(args) | {"out": str(args.out)},
        "rows": rows,
        "summary": medians,
        "scrapy_bench": reference,
    }
    args.out.write_text(json.dumps(report, indent=2))
    print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
