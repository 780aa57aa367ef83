"""Why the crawler refused to fetch something: one exception type with a stable reason code.

``Refused`` is an ``IgnoreRequest`` so that Scrapy hands it to the request's errback like any other
ignored request; the spider turns it into a ``FetchFailure`` and the ledger records the reason as
``fetch/<reason>`` (``fetch/ssrf_blocked``, ``fetch/url_too_long``), so a refusal is never silent.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

SSRF_BLOCKED = "ssrf_blocked"
SCHEME_BLOCKED = "scheme_blocked"
URL_TOO_LONG = "url_too_long"
TOO_LARGE = "too_large"
TOO_MANY_REDIRECTS = "too_many_redirects"
ROBOTS_UNAVAILABLE = "robots_unavailable"
OFFSITE_REDIRECT = "offsite_redirect"


class Refused(IgnoreRequest):
    """A request the safety layer will not perform; ``reason`` is the ledger's code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
