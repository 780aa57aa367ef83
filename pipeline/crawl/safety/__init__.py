"""Crawl safety: what the crawler will connect to, fetch and follow, and why it refused.

Public surface: ``AddressPolicy`` (pure address and URL rules), ``GuardedResolver`` (the dial-time
check, installed as ``TWISTED_DNS_RESOLVER``), ``SafetyMiddleware`` and ``Rfc9309RobotsMiddleware``
(downloader middlewares), ``Refused`` and ``refusal_reason`` (stable ledger reasons).
"""

from pipeline.crawl.safety.middleware import RedirectGuardMiddleware, SafetyMiddleware
from pipeline.crawl.safety.netpolicy import (
    AddressPolicy,
    host_literal,
    internal_kind,
    parse_allowlist,
)
from pipeline.crawl.safety.reasons import refusal_reason
from pipeline.crawl.safety.refusal import Refused
from pipeline.crawl.safety.resolver import GuardedResolver, refused_host
from pipeline.crawl.safety.robots import Rfc9309RobotsMiddleware
from pipeline.exceptions import UnguardedResolverError

__all__ = [
    "AddressPolicy",
    "GuardedResolver",
    "RedirectGuardMiddleware",
    "Refused",
    "Rfc9309RobotsMiddleware",
    "SafetyMiddleware",
    "UnguardedResolverError",
    "host_literal",
    "internal_kind",
    "parse_allowlist",
    "refusal_reason",
    "refused_host",
]
