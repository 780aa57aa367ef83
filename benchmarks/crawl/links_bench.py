"""Micro-benchmark: the spider's link following (``SourceSpider._follow_links``) per page.

Renders article pages of the crawl benchmark's generated site (``site.py``: ~140 links a page,
most of them the site's chrome) as responses at depth 1 and times the spider turning each
into requests, as the crawl does, one spider for the whole run. Run it against another
checkout with ``PYTHONPATH=<checkout>`` to compare before/after.

    .venv/bin/python benchmarks/crawl/links_bench.py --pages 2000
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import SOURCE  # noqa: E402

from pipeline.crawl.runner import own_settings  # noqa: E402
from pipeline.crawl.spiders.source_spider import spider_class_for  # noqa: E402
from pipeline.sources import load_sources  # noqa: E402

BASE = "http://127.0.0.1:8099"
# "site" is also the name of a stdlib module that is always imported: load ours by path.
_spec = importlib.util.spec_from_file_location("bench_site", HERE / "site.py")
assert _spec is not None and _spec.loader is not None
bench_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as fh:
        fh.write(SOURCE.format(base=BASE))
        fh.flush()
        [source] = load_sources(Path(fh.name))
    spider_cls = spider_class_for(source)
    crawler = get_crawler(spider_cls, own_settings())
    spider = spider_cls.from_crawler(crawler)
    rows = bench_site.build(args.pages)
    responses = []
    for i in range(args.pages):
        url = BASE + rows[i][0]
        request = Request(url, meta={"depth": 1})
        body = bench_site.article_page(rows, i, BASE)
        responses.append(HtmlResponse(url, body=body, encoding="utf-8", request=request))
    started = time.perf_counter()
    requests = 0
    for response in responses:
        requests += sum(1 for _ in spider._follow_links(response))
    seconds = time.perf_counter() - started
    print(
        f"{args.pages} pages: {seconds / args.pages * 1000:.2f} ms/page "
        f"(incl. the HTML parse), {requests / args.pages:.1f} requests/page"
    )


if __name__ == "__main__":
    main()
