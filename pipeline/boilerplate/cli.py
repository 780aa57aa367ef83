"""``newsarchive boilerplate show|accept|reject SOURCE``: review learned site boilerplate.

Registered by ``pipeline.cli.build_parser``. The store it reviews is standard-library only
(SQLite), so importing it here costs the command tree nothing.
"""

from __future__ import annotations

import argparse
import json

from pipeline.boilerplate.store import ACCEPTED, REJECTED, BoilerplateStore, Candidate
from pipeline.cli import flags

__all__ = ["register"]


def register(commands: flags.Commands) -> None:
    """Add ``boilerplate show|accept|reject`` to the ``newsarchive`` commands."""
    p = commands.add_parser(
        "boilerplate",
        help="review boilerplate lines learned per source",
        description="Show, accept or reject lines the crawl learned as a source's boilerplate. "
        "Accepted lines are always stripped, rejected ones never; pending ones only once they "
        "recur on at least half of the source's pages (the 'applied' column).",
    )
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    for name, help_text in (
        ("show", "list learned lines of SOURCE with their page counts and status"),
        ("accept", "accept learned lines (by ID; all pending ones without IDs)"),
        ("reject", "reject learned lines (by ID; all pending ones without IDs)"),
    ):
        q = actions.add_parser(name, help=help_text, description=help_text)
        q.add_argument("source", metavar="SOURCE", help="source name")
        if name != "show":
            q.add_argument("ids", nargs="*", type=int, metavar="ID", help="IDs from 'show'")
        else:
            flags.add_json(q, "the lines, one object per line,")
        flags.add_data_dir(q, "the learned lines (<data dir>/boilerplate.sqlite)")
        q.set_defaults(handler=_run, action=name)


def _run(args: argparse.Namespace) -> int:
    store = BoilerplateStore(flags.data_dir(args))
    try:
        found = store.candidates(args.source)
        if args.action == "show":
            _show(found, json_lines=args.json)
            return 0
        status = ACCEPTED if args.action == "accept" else REJECTED
        chosen = _chosen(found, args.ids)
        if chosen is None:
            return 2
        store.review(args.source, [c.key for c in chosen], status)
        print(f"{args.source}: {len(chosen)} line(s) {status}")
        return 0
    finally:
        store.close()


def _chosen(found: list[Candidate], ids: list[int]) -> list[Candidate] | None:
    """The candidates named by ID, or every pending one; None (and a message) for bad IDs."""
    if not ids:
        return [c for c in found if c.status == "pending"]
    by_id = {c.id: c for c in found}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        print(f"newsarchive: error: unknown ID(s): {', '.join(map(str, unknown))}")
        return None
    return [by_id[i] for i in ids]


def _show(found: list[Candidate], *, json_lines: bool) -> None:
    if json_lines:
        for c in found:
            print(
                json.dumps(
                    {
                        "id": c.id,
                        "status": c.status,
                        "applied": c.applied,
                        "pages": c.pages,
                        "source_pages": c.source_pages,
                        "text": c.example,
                    },
                    ensure_ascii=False,
                )
            )
        return
    if not found:
        print("no learned boilerplate yet")
        return
    print(f"{'ID':>3}  {'status':8}  {'applied':7}  {'pages':>9}  text")
    for c in found:
        pages = f"{c.pages}/{c.source_pages}"
        print(f"{c.id:>3}  {c.status:8}  {'yes' if c.applied else 'no':7}  {pages:>9}  {c.example}")
