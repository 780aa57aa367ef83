"""CPU per page, stage by stage: the import's path against the warcio + trafilatura reference.

One process each, over the same WARC (``bench.py --keep`` leaves one, or any WARC): every
``response`` record is read, then put through each stage in turn, and ``time.process_time`` is
summed per stage. Ours (this venv): FastWARC reading (head, filters, body), ``extract``,
``make_article`` (learned lines, canonical URL, ids), the MinHash fingerprint and the bulk
action (``to_actions`` + orjson, what the writer sends). The reference (``--reference-python``):
warcio reading and ``trafilatura.extract``, as in bench.py's loop. What the Elasticsearch node
spends per page is measured by bench.py (the node's own CPU during the import).

    .venv/bin/python benchmarks/import/cpu.py /tmp/.../pages.warc.gz \\
        --reference-python /work/anchors/bin/python
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REFERENCE = r"""
import json, sys, time
from warcio.archiveiterator import ArchiveIterator
import trafilatura
cpu = {"read": 0.0, "extract": 0.0}
pages = 0
started = time.process_time()
with open(sys.argv[1], "rb") as fh:
    t = time.process_time()
    for record in ArchiveIterator(fh):
        if record.rec_type != "response":
            continue
        body = record.content_stream().read()
        url = record.rec_headers.get_header("WARC-Target-URI")
        now = time.process_time(); cpu["read"] += now - t; t = now
        trafilatura.extract(body, url=url)
        now = time.process_time(); cpu["extract"] += now - t; t = now
        pages += 1
print(json.dumps({"pages": pages, "cpu": cpu, "total": time.process_time() - started}))
"""


def ours(warc: Path) -> dict[str, Any]:
    started = time.process_time()
    import orjson

    from pipeline.backfill.records import Record, iter_records
    from pipeline.backfill.select import Selection
    from pipeline.boilerplate import BoilerplateStore, SourceLearners
    from pipeline.documents import extract_options, make_article
    from pipeline.extract import extract
    from pipeline.index.bulk import to_actions
    from pipeline.index.neardup import fingerprint
    from pipeline.items import RawArticle

    imports = time.process_time() - started
    learners = SourceLearners(BoilerplateStore(Path(tempfile.mkdtemp())))
    stages = ("read", "extract", "make_article", "minhash", "bulk_action")
    cpu = dict.fromkeys(stages, 0.0)
    pages = failed = 0
    first = time.process_time()
    t = time.process_time()
    for item in iter_records(str(warc), 0, None, Selection()):
        if not isinstance(item, Record) or item.skip is not None:
            t = time.process_time()
            continue
        head = item.head
        assert head.captured_at is not None and head.status is not None
        raw = RawArticle(
            url=head.url,
            source=head.url.split("/")[2],
            body=item.body or b"",
            status=head.status,
            headers=head.headers,
            fetched_at=head.captured_at,
            discovered_via="warc-import",
            warc={"file": str(warc), "offset": head.offset},
        )
        now = time.process_time()
        cpu["read"] += now - t
        t = now
        pages += 1
        try:
            page = extract(raw.body, raw.url, extract_options(None, raw))
        except Exception:
            failed += 1
            t = time.process_time()
            cpu["extract"] += t - now
            continue
        now = time.process_time()
        cpu["extract"] += now - t
        t = now
        article = make_article(raw, page, learners.get(raw.source), observe=False)
        now = time.process_time()
        cpu["make_article"] += now - t
        t = now
        fp = fingerprint(article.body)
        article.neardup = {"group": article.id, "bands": fp.bands, "signature": fp.signature}
        now = time.process_time()
        cpu["minhash"] += now - t
        t = now
        for action in to_actions([article], "bench"):
            orjson.dumps(action, default=str)
        now = time.process_time()
        cpu["bulk_action"] += now - t
        t = now
    return {
        "pages": pages,
        "failed": failed,
        "imports": imports,
        "cpu": cpu,
        "total": time.process_time() - first,
        "first_page_note": "includes one-off loads (py3langid model, datasketch) on first use",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warc", type=Path)
    parser.add_argument("--reference-python", default="/work/anchors/bin/python")
    args = parser.parse_args()
    ref = subprocess.run(
        [args.reference_python, "-c", REFERENCE, str(args.warc)],
        capture_output=True,
        text=True,
        check=True,
    )
    reference = json.loads(ref.stdout)
    mine = ours(args.warc)

    def per_page(d: dict[str, Any]) -> dict[str, float]:
        out = {k: round(1000 * v / d["pages"], 2) for k, v in d["cpu"].items()}
        out["total"] = round(1000 * sum(d["cpu"].values()) / d["pages"], 2)
        return out

    result = {
        "warc": str(args.warc),
        "pages": mine["pages"],
        "ours_ms_per_page": per_page(mine),
        "ours_imports_s": round(mine["imports"], 2),
        "ours_failed": mine["failed"],
        "reference_ms_per_page": per_page(reference),
    }
    result["ratio_total"] = round(
        result["ours_ms_per_page"]["total"] / result["reference_ms_per_page"]["total"], 2
    )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
