"""``newsarchive health``: each source's extraction health over its recent runs, and its alerts.

Imports stay light (stdlib and the shared flags): the command tree is built on every start.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from pipeline.cli import flags

CHECK_FAILED = 2  # exit code of --check when a source is alerting


def register(commands: Any) -> None:
    """Add ``health`` to the ``newsarchive`` tree (``commands``: an ``add_subparsers()``)."""
    p = commands.add_parser(
        "health",
        help="per-source extraction health over recent runs, with alerts",
        description="Per source and run: documents, volume, the shares with no date in the "
        "page, undated, no author, short body (< 50 words), extraction failures and fetch "
        "errors, median words and learned boilerplate lines removed; then the alerts of the "
        "rule in docs/health.md (a share or the volume outside its band over earlier runs, or "
        "no documents at all).",
    )
    p.add_argument("--source", metavar="NAME", help="only this source")
    p.add_argument("--runs", type=int, default=10, metavar="N", help="runs shown (default 10)")
    p.add_argument(
        "--check",
        action="store_true",
        help=f"exit {CHECK_FAILED} when any source is alerting (for cron and monitoring)",
    )
    flags.add_data_dir(p, "the run history")
    flags.add_json(p, "runs and alerts")
    p.set_defaults(handler=_health)


def _health(args: argparse.Namespace) -> int:
    from pipeline.health.watch import check

    states = check(flags.data_dir(args), args.source)
    alerting = any(s.alerts for s in states)
    if args.json:
        print(
            json.dumps(
                {
                    "sources": [
                        {
                            "source": s.source,
                            "runs": [r.to_dict() for r in s.runs[-args.runs :]],
                            "alerts": [a.to_dict() for a in s.alerts],
                        }
                        for s in states
                    ],
                    "alerting": alerting,
                },
                indent=2,
            )
        )
    else:
        print(_text(states, args.runs))
    return CHECK_FAILED if args.check and alerting else 0


def _text(states: Any, runs: int) -> str:
    if not states:
        return "no run has recorded its health yet"
    lines: list[str] = []
    head = (
        f"  {'run':>5} {'kind':<9} {'finished':<16} {'docs':>5} {'volume':>6} {'no date':>7} "
        f"{'undated':>7} {'no auth':>7} {'short':>6} {'failed':>6} {'fetch':>6} {'words':>6} "
        f"{'bplate':>6}"
    )
    for state in states:
        status = f"ALERT ({len(state.alerts)})" if state.alerts else "ok"
        lines += [f"source {state.source}: {status}", head]
        for r in state.runs[-runs:]:
            s = r.shares()
            words = "-" if r.median_words is None else f"{r.median_words:.0f}"
            lines.append(
                f"  {r.id or 0:>5} {r.kind:<9} {r.finished_at:%Y-%m-%d %H:%M} {r.documents:>5} "
                f"{r.volume:>6} {_pct(s['no_date']):>7} {_pct(s['undated']):>7} "
                f"{_pct(s['no_author']):>7} {_pct(s['short_body']):>6} "
                f"{_pct(s['extraction_failed']):>6} {_pct(s['fetch_error']):>6} {words:>6} "
                f"{r.boilerplate_lines:>6}"
            )
        lines += [f"  ALERT {a.message()}" for a in state.alerts]
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
