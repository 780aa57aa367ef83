"""Numbered, ordinary articles for the bulk-load fault tests (node killed, node lost)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from pipeline.items import Article
from pipeline.urls import canonical_url, document_id


def load_article(n: int, *, host: str, source: str, day: datetime, slug: str, body: str) -> Article:
    """Article ``n`` of a load: its URL (and so its id) under ``host`` on ``day``, ``body``
    followed by nothing but the number, so every document differs and is easy to recognise."""
    url = canonical_url(f"https://{host}/news/{day:%Y/%m/%d}/{slug}-{n}/")
    text = body.format(n=n)
    return Article(
        id=document_id(url),
        url=url,
        canonical_url=url,
        source=source,
        title=f"{slug.capitalize()} {n}",
        body=text,
        authors=[],
        published_at=day,
        updated_at=None,
        section="news",
        language="en",
        fetched_at=day,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
