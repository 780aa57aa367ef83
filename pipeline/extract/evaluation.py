"""Entry points for the evaluation harness (``evaluate_extraction.py --callable``).

Both cleaners are measured in one run so that the choice between them rests on numbers taken
under the same machine load (see README, "Extraction quality").
"""

from __future__ import annotations

from pipeline.extract.api import ExtractOptions, extract


def body_with_soup(html: str, url: str) -> str:
    """The body as the hybrid cleaner (BeautifulSoup inside the container) extracts it."""
    return extract(html, url, ExtractOptions(cleaner="soup")).body


def body_with_lxml(html: str, url: str) -> str:
    """The body as the all-lxml cleaner extracts it."""
    return extract(html, url, ExtractOptions(cleaner="lxml")).body
