"""``python -m pipeline.local.fixture_site``: serve the fixture news site in the foreground."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from pipeline.local.fixture_site.server import serve_forever


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.local.fixture_site",
        description=(
            "Serve the fixture news site (The Harbor City Ledger) over HTTP until Ctrl+C. "
            "It is the site the integration tests crawl and the README demo uses."
        ),
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(message)s",
    )
    serve_forever(args.host, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
