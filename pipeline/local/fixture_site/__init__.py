"""A fictional newspaper, "The Harbor City Ledger", served over real HTTP for tests and demos.

``FixtureSite`` runs it on loopback in a background thread; ``pipeline.local.fixture_site.manifest``
says exactly which documents a correct crawl of it must produce. Run it by hand with
``python -m pipeline.local.fixture_site --port 8765``.
"""

from pipeline.local.fixture_site.mutations import new_article
from pipeline.local.fixture_site.server import FixtureSite, RequestRecord, serve_forever

__all__ = ["FixtureSite", "RequestRecord", "new_article", "serve_forever"]
