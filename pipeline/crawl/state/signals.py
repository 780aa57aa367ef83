"""The signal by which the index stage tells the URL store which pages are now safely kept.

A URL's validators may only be stored once its document can no longer be lost: otherwise the
next run sends a conditional GET, gets a 304 and never indexes the page. Only the index stage
knows when that is (the bulk request was acknowledged, or the document was written to the spool
file for ``newsarchive replay``), so it announces it with this signal after every flush, and the
incremental middleware commits the matching records in one transaction while the crawl runs.
A crawl killed with SIGKILL then loses at most the pages whose documents were still in flight.

Sent with ``crawler.signals.send_catch_log(signal=documents_settled, kept=..., parked=...)``:

* ``kept``: the fetched URLs (``Article.url``) whose documents are in the index or in the spool;
* ``parked``: the fetched URLs whose documents Elasticsearch refused (dead-letter file): they
  are not in the index, so their validators must not be stored.
"""

from __future__ import annotations

documents_settled = object()
