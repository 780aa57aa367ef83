"""Distributed crawling: N workers share one frontier and one seen-set in Redis (scrapy-redis).

Modules, one concept each: ``switch`` (settings that turn it on), ``keys`` (Redis key names),
``queue`` (leased priority queue), ``leases`` (this worker's open work), ``tracking`` and
``indexing`` (when leased work is durable), ``scheduler`` (seeding, lease upkeep, ending),
``bloom`` and ``dupefilter`` (the bounded seen-set). Fleet-wide politeness lives in
``politeness``. See docs/distributed.md.
"""

from pipeline.crawl.distributed.switch import configure, default_run_name, is_distributed

__all__ = ["configure", "default_run_name", "is_distributed"]
