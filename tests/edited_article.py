"""A fixture article edited twice between three crawls: a sentence changed, then a date line.

Shared by the revision tests of the index, the command line and the browser: one real crawl
process per capture, against a fixture site of the scenario's own (the session's site stays
unchanged for other tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.local.fixture_site import FixtureSite, new_article
from pipeline.urls import canonical_url, document_id

DATE_LINE = "Wednesday, March 4, 2026 · 9:15 a.m. ET"
LATER_DATE_LINE = "Wednesday, March 4, 2026 · 11:40 a.m. ET"
SENTENCE = "The harbour ferry will leave ten minutes earlier on weekdays from Monday."
EDITED_SENTENCE = "The harbour ferry will leave a quarter of an hour earlier on weekdays from June."

FERRY = new_article(
    "ferry-timetable-changes-for-commuters",
    "Ferry timetable changes for commuters",
    (
        SENTENCE + " The transit office announced the change after a month of consultation.",
        "Commuters on the north shore had asked for an earlier crossing after the winter "
        "schedule left many of them waiting in the rain outside the terminal.",
        DATE_LINE,
        "The weekend timetable stays as it is, and the last evening crossing still leaves the "
        "pier at a quarter to midnight.",
    ),
)


@dataclass
class EditedArticle:
    index: str
    doc_id: str
    url: str
    summaries: list[dict[str, Any]] = field(default_factory=list)


def build_edited_article(
    crawl: Callable[..., Any], es_url: str, index: str, data_dir: Path
) -> EditedArticle:
    """Crawl, edit a sentence, crawl, change the date line, crawl: three captures of FERRY."""
    with FixtureSite() as site:
        site.publish(FERRY)
        url = canonical_url(site.url(FERRY.path))
        story = EditedArticle(index=index, doc_id=document_id(url), url=url)

        def capture() -> None:
            run = crawl(site_url=site.base_url, es_url=es_url, alias=index, data_dir=data_dir)
            assert run.exit_code == 0, run.stderr[-3000:]
            story.summaries.append(run.summary)

        capture()
        site.edit(FERRY.path, SENTENCE, EDITED_SENTENCE)
        capture()
        site.edit(FERRY.path, DATE_LINE, LATER_DATE_LINE)
        capture()
    return story
