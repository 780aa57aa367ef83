"""The flags that several ``newsarchive`` commands share, defined once with their help text.

A command module adds the ones it takes (``add_data_dir(parser)``) and reads them back through
the resolvers here (``data_dir(args)``), so that every command agrees on a flag's name, its
help and its default; the defaults themselves live in ``pipeline.settings`` (environment first).
``Commands`` is the type of what each owner's ``register(commands)`` receives.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TypeAlias

from pipeline import settings

__all__ = [
    "Commands",
    "add_alias",
    "add_data_dir",
    "add_json",
    "add_scrapy_settings",
    "add_source_names",
    "add_sources_file",
    "alias",
    "data_dir",
    "sources_file",
]

#: The ``add_subparsers()`` action of a parser: ``commands.add_parser(NAME, help=...)``.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_data_dir(
    parser: argparse.ArgumentParser, what: str = "run folders, stores and WARCs"
) -> None:
    """``--data-dir``: where a command keeps or finds its state."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where {what} live (default: $NEWSARCHIVE_DATA_DIR or ./var)",
    )


def add_alias(parser: argparse.ArgumentParser, verb: str = "use") -> None:
    """``--index``: the alias a command writes to or searches (never a versioned index)."""
    parser.add_argument(
        "--index",
        metavar="ALIAS",
        help=f"alias to {verb} (default: $NEWSARCHIVE_INDEX or 'news')",
    )


def add_json(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    """``--json``: machine-readable output for scripts."""
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def add_sources_file(parser: argparse.ArgumentParser) -> None:
    """``--sources-file``: another sources YAML than the configured one."""
    parser.add_argument(
        "--sources-file",
        type=Path,
        metavar="PATH",
        help="sources YAML (default: $NEWSARCHIVE_SOURCES or config/sources.yaml)",
    )


def add_source_names(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--source/-S NAME`` (repeatable): the sources a crawl-running command takes."""
    parser.add_argument(
        "--source",
        "-S",
        action="append",
        default=[],
        metavar="NAME",
        help=f"{verb} (repeatable); default: every enabled source",
    )


def add_scrapy_settings(parser: argparse.ArgumentParser, what: str) -> None:
    """``-s/--set NAME=VALUE`` (repeatable): Scrapy settings for the crawl(s) a command runs."""
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"{what}, e.g. -s DOWNLOAD_DELAY=2",
    )


def data_dir(args: argparse.Namespace) -> Path:
    """The data dir a command was given, else the configured default."""
    given: Path | None = getattr(args, "data_dir", None)
    return given if given is not None else Path(settings.NEWSARCHIVE_DATA_DIR)


def alias(args: argparse.Namespace) -> str:
    """The alias a command was given, else the configured default."""
    given: str | None = getattr(args, "index", None)
    return given or settings.NEWSARCHIVE_INDEX


def sources_file(args: argparse.Namespace) -> Path | None:
    """The sources file a command was given, else ``None`` (the loader's own default)."""
    given: Path | None = getattr(args, "sources_file", None)
    return given
