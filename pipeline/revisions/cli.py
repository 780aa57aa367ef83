"""``newsarchive revisions ID``: an article's versions and what changed between two of them.

Imports stay light (stdlib and the shared flags): the command tree is built on every start.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pipeline.cli import flags


def register(commands: Any) -> None:
    """Add ``revisions`` to the ``newsarchive`` tree (``commands``: an ``add_subparsers()``)."""
    p = commands.add_parser(
        "revisions",
        help="an article's versions and a word-level diff between two of them",
        description="List the kept versions of an article (capture time, WARC location) and "
        "the trivial changes set aside (whitespace, date lines, share counts), then show the "
        "words removed [-like this-] and inserted {+like this+} between two revisions (by "
        "default the last two).",
    )
    p.add_argument("doc_id", metavar="ID", help="the article's id (as in search results)")
    p.add_argument(
        "--diff",
        nargs=2,
        type=int,
        metavar=("OLD", "NEW"),
        help="compare these two revision numbers (default: the last two)",
    )
    flags.add_alias(p, "read")
    flags.add_json(p, "the versions and the diff")
    p.set_defaults(handler=_revisions)


def _revisions(args: argparse.Namespace) -> int:
    from pipeline.index import ClusterSettings, make_client
    from pipeline.revisions.history import compare, history

    with make_client(ClusterSettings.for_search()) as client:
        story = history(client, flags.alias(args), args.doc_id)
    if story is None:
        print(f"newsarchive: no article {args.doc_id!r} in {flags.alias(args)!r}", file=sys.stderr)
        return 1
    pair = tuple(args.diff) if args.diff else story.default_pair()
    try:
        comparison = compare(story, pair[0], pair[1]) if pair else None
    except ValueError as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 2
    if args.json:
        out = story.to_dict()
        out["diff"] = comparison.to_dict() if comparison else None
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"article {story.doc_id}: {len(story.versions)} version(s)")
    for v in story.versions:
        where = f"  {v.warc['file']}@{v.warc['offset']}" if v.warc else ""
        print(f"  revision {v.revision}  captured {v.captured_at:%Y-%m-%d %H:%M:%S}{where}")
    for t in story.trivial:
        print(
            f"  trivial change of revision {t.revision}  captured "
            f"{t.captured_at:%Y-%m-%d %H:%M:%S}: {', '.join(t.trivia)}"
        )
    if comparison is None:
        print("no earlier version to compare with")
        return 0
    print(f"\nrevision {comparison.old.revision} -> {comparison.new.revision}:\n")
    print(comparison.text())
    return 0
