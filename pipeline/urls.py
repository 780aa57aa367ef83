"""Canonical URLs and document ids: pure functions, so every variant of one article maps to one id.

An article reaches us under many URLs: with tracking parameters, as AMP or print variants, through
redirects, with or without a trailing fragment. Elasticsearch must see one document per article, so
the document id is a hash of one canonical form of its URL.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived, never which article it is.
_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ocid|cmpid|"
    r"smid|smtyp|ref|ref_src|taid|at_medium|at_campaign|outputtype|print|amp)$",
    re.IGNORECASE,
)
# Path suffixes that publish an alternative rendering of the same article.
_VARIANT_SUFFIX = re.compile(r"/(amp|print|amp\.html)/?$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def strip_tracking(url: str) -> str:
    """Drop tracking parameters and the fragment; keep every parameter that selects content."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def canonical_url(url: str) -> str:
    """The one spelling of an article URL that its variants (AMP, print, tracking) share."""
    parts = urlsplit(strip_tracking(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    path = _VARIANT_SUFFIX.sub("/", parts.path) or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, netloc, path, query, ""))


def document_id(canonical: str) -> str:
    """A short, stable Elasticsearch ``_id`` for a canonical URL (ids are capped at 512 bytes)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def same_site(url: str, other: str) -> bool:
    """Whether two URLs share a host, ignoring ``www.`` and ports (canonical links vary)."""

    def host(u: str) -> str:
        h = (urlsplit(u).hostname or "").lower()
        return h.removeprefix("www.")

    return bool(host(url)) and host(url) == host(other)
