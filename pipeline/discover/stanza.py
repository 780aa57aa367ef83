"""The proposal as YAML a person can read, judge and paste into ``config/sources.yaml``.

Comments say what was found (and how), what was refused, and which parts are guesses; the
values are what ``pipeline.sources.load_sources`` reads, so the printed text is itself a valid
sources file (``newsarchive sources check`` accepts it as it is).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.discover.site import Discovery

__all__ = ["render_stanza"]

_SHOWN = 3  # example URLs per group of left-out URLs
MAX_SECTIONS = 12  # section fronts added to start_urls


def _quote(text: str) -> str:
    """A single-quoted YAML scalar: backslashes stay as written (regexes), quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def render_stanza(found: Discovery, *, now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"# Proposed by `newsarchive sources discover {found.start_url}` on {moment}",
        f"# ({found.requests_made} of {found.max_requests} requests, robots.txt obeyed).",
    ]
    for point in (*found.feeds, *found.sitemaps):
        out.append(f"# Found {point.kind} {point.url}: {point.detail}; via {point.how}.")
    if not found.feeds:
        out.append("# Found no feed.")
    if not found.sitemaps:
        out.append("# Found no sitemap.")
    for refusal in found.refusals:
        out.append(f"# Refused {refusal.url}: {refusal.reason} ({refusal.detail}).")
    for note in found.notes:
        out.append(f"# Not an entry point: {note}.")
    proposal = found.proposal
    out.append(
        f"# Guessed: article_patterns from {len(found.announced)} announced URL(s) and "
        f"{len(found.linked)} link(s) of the page; review them before crawling."
    )
    out += ["sources:", f"  - name: {found.name}"]
    out.append("    description: " + _quote(f"Discovered from {found.start_url}"))
    if len(found.hosts) > 1:
        out.append("    domains:")
        out += [f"      - {_quote(h)}" for h in found.hosts]
    out += ["    start_urls:", f"      - {_quote(found.start_url)}"]
    sections = [u for u in proposal.section_urls if u != found.start_url][:MAX_SECTIONS]
    if sections:
        out.append("      # section fronts linked from the page (their links find articles)")
        out += [f"      - {_quote(u)}" for u in sections]
    if found.feeds:
        out.append("    feeds:")
        out += [f"      - {_quote(p.url)}" for p in found.feeds]
    if found.sitemaps:
        out.append("    sitemaps:")
        out += [f"      - {_quote(p.url)}" for p in found.sitemaps]
    if proposal.article_patterns:
        out.append("    article_patterns:")
        for guess in proposal.article_patterns:
            announced = f", {guess.announced} announced" if guess.announced else ""
            out.append(
                f"      # guessed ({guess.why}): {guess.count} URL(s){announced}, "
                f"e.g. {guess.example}"
            )
            out.append(f"      - {_quote(guess.regex)}")
    else:
        out.append("    # No article shape found: write article_patterns by hand.")
    if proposal.follow_patterns:
        out.append("    follow_patterns:")
        for guess in proposal.follow_patterns:
            out.append(f"      # guessed: {guess.why}, e.g. {guess.example}")
            out.append(f"      - {_quote(guess.regex)}")
    for kind, urls in sorted(proposal.left_out.items()):
        shown = ", ".join(urls[:_SHOWN]) + (", ..." if len(urls) > _SHOWN else "")
        out.append(f"    # Not taken ({kind}, {len(urls)}): {shown}")
    return "\n".join(out) + "\n"
