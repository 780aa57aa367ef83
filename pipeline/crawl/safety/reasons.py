"""Name the safety reason behind a failed request, whichever Scrapy component raised it.

Refusals come from several places: this package's middleware (``Refused``), the guarded resolver
(which makes the connector fail name resolution), Scrapy's size caps on the wire and during
decompression, and its redirect limit. The spider's errback asks ``refusal_reason`` first so that
each ends in the ledger under one stable code instead of a class name.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pipeline.crawl.safety.refusal import (
    SSRF_BLOCKED,
    TOO_LARGE,
    TOO_MANY_REDIRECTS,
    Refused,
)
from pipeline.crawl.safety.resolver import refused_host

_DNS_ERRORS = {"DNSLookupError", "CannotResolveHostError"}


def refusal_reason(error: BaseException, url: str) -> tuple[str, str] | None:
    """``(reason, detail)`` when ``error`` is a safety refusal of ``url``, else None."""
    if isinstance(error, Refused):
        return error.reason, error.detail
    names = {cls.__name__ for cls in type(error).__mro__}
    if names & _DNS_ERRORS:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        why = refused_host(host)
        if why is not None:
            return SSRF_BLOCKED, why
    text = str(error)
    if not text and "DownloadCancelledError" in names:
        # Scrapy's HTTP/1.1 handler cancels a body without a message only when it passes
        # DOWNLOAD_MAXSIZE mid-stream (no Content-Length); timeouts have their own error.
        return TOO_LARGE, "body passed DOWNLOAD_MAXSIZE while streaming"
    if "max size" in text or "DOWNLOAD_MAXSIZE" in text:
        return TOO_LARGE, text[:300]
    if "max redirections reached" in text:
        return TOO_MANY_REDIRECTS, text
    return None
