"""Which records of a WARC can become documents, decided from their heads, before extraction.

A month of CC-NEWS is millions of records; an import for a few hosts must cost their reading
only. So every check here looks at what a record says about itself (type, URL, capture date,
HTTP status and Content-Type) and names a countable reason for what it leaves out:

* ``warc/<type>``: not a response (``warc/request``, ``warc/metadata``, ``warc/warcinfo``,
  ``warc/revisit``: a revisit says "same as before" and carries no page);
* ``filter/host``, ``filter/date``, ``filter/source``: outside ``--host``, ``--from``/``--to``,
  or the URL patterns and domains of ``--source``;
* ``warc/no_date``: a response without ``WARC-Date``, the fetch time that versions documents;
* ``fetch/http_<status>`` and ``validate/not_html``: the crawl's own reasons for the same cases.

A response without a Content-Type goes on to extraction, which tells HTML from the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from pipeline.backfill.records import Head
from pipeline.sources import Source

__all__ = ["HTML_TYPES", "Selection", "host_of"]

# As the crawl's ValidatePipeline: the media types of HTML pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@dataclass(frozen=True)
class Selection:
    """The filters of one import: hosts, a capture-day range, and a source's URL rules."""

    hosts: tuple[str, ...] = ()
    captured_from: date | None = None
    captured_to: date | None = None  # inclusive
    source: Source | None = None  # --source: only URLs its domains and patterns accept

    @classmethod
    def of(
        cls,
        hosts: Sequence[str],
        captured_from: date | None,
        captured_to: date | None,
        source: Source | None,
    ) -> Selection:
        cleaned = tuple(h.lower().strip().strip(".").removeprefix("www.") for h in hosts)
        return cls(tuple(h for h in cleaned if h), captured_from, captured_to, source)

    def __call__(self, head: Head) -> str | None:
        """The reason to skip the record of ``head``, or ``None`` to extract it."""
        if head.kind != "response":
            return f"warc/{head.kind}"
        if not head.url or head.status is None:
            return "warc/not_http"
        if self.hosts and not self._host_matches(host_of(head.url)):
            return "filter/host"
        if head.captured_at is None:
            return "warc/no_date"  # no fetch time: nothing to version the document by
        if not self._date_matches(head.captured_at):
            return "filter/date"
        if self.source is not None and not _source_accepts(self.source, head.url):
            return "filter/source"
        if head.status != 200:
            return f"fetch/http_{head.status}"
        ctype = head.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype and ctype not in HTML_TYPES:
            return "validate/not_html"
        return None

    def _host_matches(self, host: str) -> bool:
        """``--host example.com`` takes example.com, www.example.com and any subdomain."""
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def _date_matches(self, captured: datetime | None) -> bool:
        if self.captured_from is None and self.captured_to is None:
            return True
        if captured is None:
            return False
        if self.captured_from is not None and captured < _midnight(self.captured_from):
            return False
        return not (
            self.captured_to is not None
            and captured >= _midnight(self.captured_to + timedelta(days=1))
        )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _source_accepts(source: Source, url: str) -> bool:
    """On the source's domains, not denied, and an article URL when it has article patterns."""
    if not source.allows(url) or source.is_denied(url):
        return False
    return not source.article_patterns or source.is_article(url)
