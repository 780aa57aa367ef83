"""Import rate on real pages: ``newsarchive import`` against a warcio + trafilatura loop.

Every page under ``/work/shared/data/*/pages/`` (read at run time, never copied into the repo)
is written by this script into one WARC under /tmp (a request and a response record per page,
the page's URL from its set's ``truth.jsonl``). Then, in the same run:

1. the reference: one process reading that WARC with warcio and extracting every response
   with trafilatura (``--reference-python``, a venv with trafilatura and warcio);
2. ``newsarchive import`` of the whole file into a fresh alias of the Elasticsearch node at
   ``$ELASTICSEARCH_URL`` (extraction, learned boilerplate, near-duplicates, indexing);
3. the same import with ``--host`` set to the host whose pages are closest to 1% of the
   records, into another fresh alias;
4. a read-only comparison of the two WARC readers (warcio and FastWARC) over the same file.

``--copies N`` writes every page N times, copy k under other host names (``www.dw.com`` ->
``www.dw-c1.com``: the page's own ``rel=canonical`` then points off-site, so every copy is its
own document) -- a file of N x 25.8 MB, nearer a 1 GB CC-NEWS file, where start-up no longer
dominates; the filtered import then takes the chosen host under every copy's name (still ~1%
of the records). The Elasticsearch node's own CPU during each import is read from /proc (the
node listening on the URL's port, when it runs on this machine), since it shares the cores.

Times are wall-clock seconds of each whole command (interpreter start-up included); the
imports' own summaries add their reading time (after the workers' start-up). Prints one JSON
object; ``--out`` also writes it to a file.

    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python benchmarks/import/bench.py \\
        --reference-python /work/anchors/bin/python --out benchmarks/import/results.json
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[2]
DATA = Path("/work/shared/data")

REFERENCE_LOOP = r"""
import sys, time
from warcio.archiveiterator import ArchiveIterator
import trafilatura
started = time.perf_counter()
cpu = time.process_time()
pages = extracted = 0
with open(sys.argv[1], "rb") as fh:
    for record in ArchiveIterator(fh):
        if record.rec_type != "response":
            continue
        body = record.content_stream().read()
        pages += 1
        if trafilatura.extract(body, url=record.rec_headers.get_header("WARC-Target-URI")):
            extracted += 1
print(pages, extracted, time.perf_counter() - started, time.process_time() - cpu)
"""

READERS = r"""
import sys, time
from warcio.archiveiterator import ArchiveIterator as Warcio
from fastwarc.warc import ArchiveIterator as Fast
path = sys.argv[1]
best = {"warcio": 1e9, "fastwarc": 1e9}
for _ in range(3):
    t = time.perf_counter()
    with open(path, "rb") as fh:
        for record in Warcio(fh):
            if record.rec_type == "response":
                record.content_stream().read()
    best["warcio"] = min(best["warcio"], time.perf_counter() - t)
    t = time.perf_counter()
    with open(path, "rb") as fh:
        for record in Fast(fh, parse_http=True):
            if str(record.record_type) == "response":
                record.reader.read()
    best["fastwarc"] = min(best["fastwarc"], time.perf_counter() - t)
print(best["warcio"], best["fastwarc"])
"""


def pages() -> list[tuple[str, bytes]]:
    """(url, html) of every page of every data set, in a fixed order."""
    found: list[tuple[str, bytes]] = []
    for folder in sorted(p for p in DATA.iterdir() if (p / "pages").is_dir()):
        urls: dict[str, str] = {}
        truth = folder / "truth.jsonl"
        if truth.exists():
            for line in truth.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    urls[str(row["id"])] = str(row.get("url") or "")
        for page in sorted((folder / "pages").glob("*.html")):
            url = urls.get(page.stem) or f"https://{folder.name}.invalid/{page.stem}"
            found.append((url, page.read_bytes()))
    return found


def copy_host(host: str, copy: int) -> str:
    """``www.dw.com`` -> ``www.dw-c1.com`` (the first label after ``www.`` gets the suffix)."""
    if not copy or not host:
        return host
    www = "www." if host.startswith("www.") else ""
    first, dot, rest = host.removeprefix("www.").partition(".")
    return f"{www}{first}-c{copy}{dot}{rest}"


def copied(corpus: list[tuple[str, bytes]], copies: int) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for copy in range(copies):
        for url, body in corpus:
            parts = urlsplit(url)
            host = copy_host(parts.hostname or "", copy)
            out.append((parts._replace(netloc=host).geturl(), body))
    return out


def es_cpu_seconds() -> float | None:
    """utime + stime of the Elasticsearch node on this machine (None if not found)."""
    port = urlsplit(os.environ.get("ELASTICSEARCH_URL", "")).port or 9200
    try:
        out = subprocess.run(
            ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=False
        ).stdout
        pid = int(out.split("pid=")[1].split(",")[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (IndexError, ValueError, OSError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_warc(path: Path, corpus: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in corpus:
            request = StatusAndHeaders(
                f"GET {urlsplit(url).path or '/'} HTTP/1.1",
                [("Host", urlsplit(url).netloc)],
                is_http_request=True,
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b""), http_headers=request
                )
            )
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )


def one_percent_host(corpus: list[tuple[str, bytes]]) -> tuple[str, int]:
    counts = collections.Counter(
        (urlsplit(u).hostname or "").removeprefix("www.") for u, _ in corpus
    )
    target = len(corpus) / 100
    host, count = min(counts.items(), key=lambda kv: (abs(kv[1] - target), kv[0]))
    return host, count


def run_import(
    warc: Path, alias: str, data_dir: Path, workers: int, extra: list[str]
) -> tuple[float, dict[str, Any]]:
    cmd = [
        sys.executable, "-m", "pipeline.cli", "import", str(warc), "--index", alias,
        "--data-dir", str(data_dir), "--workers", str(workers), "--json",
        "--progress-every", "0", *extra,
    ]  # fmt: skip
    es_before = es_cpu_seconds()
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    seconds = time.perf_counter() - started
    es_after = es_cpu_seconds()
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise SystemExit(f"import failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout)
    if es_before is not None and es_after is not None:
        summary["es_node_cpu_seconds"] = round(es_after - es_before, 2)
    return seconds, summary


def reference(python: str, warc: Path) -> dict[str, Any]:
    started = time.perf_counter()
    ref = subprocess.run(
        [python, "-c", REFERENCE_LOOP, str(warc)], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    pages, extracted, loop, cpu = ref.stdout.split()
    return {
        "seconds": round(seconds, 2),
        "loop_seconds": round(float(loop), 2),
        "cpu_seconds": round(float(cpu), 2),
        "pages": int(pages),
        "extracted": int(extracted),
    }


def drop(alias: str) -> None:
    from pipeline.index import ClusterSettings, drop_index, make_client

    with make_client(ClusterSettings.from_env()) as client:
        drop_index(client, alias)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-python", default="/work/anchors/bin/python")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="reference/import rounds")
    parser.add_argument("--copies", type=int, default=1, help="pages written N times (hosts)")
    parser.add_argument("--keep", action="store_true", help="keep the WARC (for cpu.py)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not os.environ.get("ELASTICSEARCH_URL"):
        raise SystemExit("set ELASTICSEARCH_URL to the Elasticsearch node to write to")

    original = pages()
    corpus = copied(original, args.copies)
    work = Path(tempfile.mkdtemp(prefix="newsarchive-import-bench-"))
    warc = work / "pages.warc.gz"
    write_warc(warc, corpus)
    host, host_pages = one_percent_host(original)
    host_flags = [f for k in range(args.copies) for f in ("--host", copy_host(host, k))]
    result: dict[str, Any] = {
        "warc": str(warc) if args.keep else None,
        "copies": args.copies,
        "pages": len(corpus),
        "records": 2 * len(corpus),
        "warc_bytes": warc.stat().st_size,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "reference": "one process: warcio ArchiveIterator + trafilatura.extract per response",
    }

    suffix = uuid.uuid4().hex[:8]
    rounds: list[dict[str, Any]] = []
    for n in range(args.rounds):
        # Reference, then imports, interleaved round after round: the machine is shared, and
        # its load moves within minutes; each round's ratio compares neighbours in time.
        one: dict[str, Any] = {"load": round(os.getloadavg()[0], 2)}
        one["reference"] = reference(args.reference_python, warc)
        full_alias, filtered_alias = f"bench-import-{suffix}-{n}", f"bench-import-h-{suffix}-{n}"
        try:
            seconds, summary = run_import(warc, full_alias, work / f"full{n}", args.workers, [])
            one["import"] = _figures(seconds, summary)
            seconds, summary = run_import(
                warc, filtered_alias, work / f"host{n}", args.workers, host_flags
            )
            one["import_filtered"] = _figures(seconds, summary)
        finally:
            drop(full_alias)
            drop(filtered_alias)
        imp, flt = one["import"], one["import_filtered"]
        one["speedup_vs_reference"] = round(one["reference"]["seconds"] / imp["seconds"], 2)
        one["filtered_speedup_wall"] = round(imp["seconds"] / flt["seconds"], 2)
        one["filtered_speedup_reading"] = round(
            imp["reading_seconds"] / max(flt["reading_seconds"], 1e-9), 2
        )
        one["load_after"] = round(os.getloadavg()[0], 2)
        rounds.append(one)
        print(json.dumps(one), file=sys.stderr, flush=True)
    result["filtered_host"] = {"host": host, "pages": host_pages * args.copies}
    result["rounds"] = rounds
    for key in ("speedup_vs_reference", "filtered_speedup_wall", "filtered_speedup_reading"):
        result[f"median_{key}"] = statistics.median(r[key] for r in rounds)

    readers = subprocess.run(
        [sys.executable, "-c", READERS, str(warc)], capture_output=True, text=True, check=True
    )
    warcio_s, fast_s = (float(x) for x in readers.stdout.split())
    result["readers"] = {
        "warcio_seconds": round(warcio_s, 3),
        "fastwarc_seconds": round(fast_s, 3),
        "fastwarc_speedup": round(warcio_s / fast_s, 2),
    }
    if not args.keep:
        warc.unlink()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


def _figures(seconds: float, summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 2),
        "reading_seconds": round(summary["seconds"] - summary["startup_seconds"], 2),
        "startup_seconds": summary["startup_seconds"],
        "records": summary["records"],
        "indexed": summary["indexed"],
        "skipped_by_reason": summary["skipped_by_reason"],
        "balanced": summary["balanced"],
        "records_per_second_wall": round(summary["records"] / seconds, 1),
        "es_node_cpu_seconds": summary.get("es_node_cpu_seconds"),
    }


if __name__ == "__main__":
    sys.exit(main())
