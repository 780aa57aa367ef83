"""The second opinion on a page's publication date: htmldate, for pages the own reading misses.

The own reading (``dates.py``) trusts what the page states in markup and stamps; it knows
nothing of scripts' JSON, unlabelled date lines or the dozens of CMS-specific attributes that
htmldate's heuristics cover. Measured on metadata-dev (docs/extraction.md), htmldate finds the
day of most pages the own code leaves undated, but it also picks wrong days (image captions,
"related" teasers) where the own code is right -- so it is asked only when the own reading
found no publication date at all, and its answer is recorded as ``date_source = "htmldate"``.
"""

from __future__ import annotations

import logging
import warnings
from datetime import datetime

from htmldate import find_date

from pipeline.extract.dates import Candidate
from pipeline.extract.parse import parse_document
from pipeline.extract.purpose import names_other_content

HTMLDATE = "htmldate"
# The original publication date, day precision: htmldate's times are often the page's
# render time, and a day with no time is stored as midnight UTC (its calendar day kept).
_FORMAT = "%Y-%m-%d"

# htmldate logs every page it cannot date at WARNING; that is an expected outcome here.
logging.getLogger("htmldate").setLevel(logging.ERROR)


def htmldate_candidate(html: str, url: str, *, updated: datetime | None) -> Candidate | None:
    """htmldate's publication day for the page, or None when it finds none (or breaks).

    htmldate reads the page parsed afresh (extraction cleans its own tree in place), without
    the parts that list other stories, comments and menus (their dates belong to other
    pages), and only in markup-based mode:
    its free-text search turns a lone "Copyright 2019" into 1 January 2019. A page that
    states only when it was revised ("Last Updated: 07/27/2016") has no known publication
    date; htmldate then returns the revision day, which is not an answer either.
    """
    tree = parse_document(html)
    for element in [e for e in tree.iter() if isinstance(e.tag, str) and names_other_content(e)]:
        element.drop_tree()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = find_date(
                tree,
                url=url if url.startswith("http") else None,
                original_date=True,
                extensive_search=False,
                outputformat=_FORMAT,
            )
        except Exception:  # a second opinion that fails is no opinion, not a failed page
            return None
    if not found or (updated is not None and found == updated.date().isoformat()):
        return None
    return Candidate("published", found, HTMLDATE)
