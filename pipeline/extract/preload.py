"""Loads, once, what every extraction worker needs before its first page.

Only the workers' fork server imports this module (``pipeline.extract.pool``): workers forked
from it then share one copy of py3langid's model instead of each decompressing its own at its
first page, which took 0.4-1.9 s per worker on a two-core machine and so delayed a crawl's first
searchable document and made a one-page crawl pay for it twice.
"""

from __future__ import annotations

from pipeline.extract import language

language.load_model()
