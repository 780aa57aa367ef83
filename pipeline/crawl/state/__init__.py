"""Durable crawl state: what each URL looked like when it was last fetched (``UrlStore``).

The downloader middleware in ``pipeline.crawl.state.middleware``
reads it to send conditional requests
and to skip feed and sitemap entries that have not changed since they were last seen, and writes
it while the crawl runs, as the index stage reports documents kept (``signals``). ``jobdir``
decides whether Scrapy's JOBDIR of an interrupted run can be resumed or was left by a killed one.
"""

from pipeline.crawl.state.urlstore import UrlRecord, UrlStore, url_store_path

__all__ = ["UrlRecord", "UrlStore", "url_store_path"]
