"""The ``newsarchive`` command: every command documents itself, and bad input gets a clear error."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser, main

REPO = Path(__file__).resolve().parents[2]


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*prefix, name))
                found.extend(_commands(sub, (*prefix, name)))
    return found


COMMANDS = _commands(build_parser())


def test_the_expected_commands_exist() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"crawl", "search", "sources list", "sources check", "es", "extract", "demo"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: newsarchive " + " ".join(command))
    assert len(out.splitlines()) > 3


def test_a_bad_sources_file_names_file_source_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: ledger\n    feeds: ['ftp://ledger.example/rss']\n")

    code = main(["sources", "check", "--sources-file", str(bad)])

    err = capsys.readouterr().err
    assert code == 2
    assert str(bad) in err and "ledger" in err and "feeds" in err


def test_the_shipped_sources_file_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "check", "--sources-file", str(REPO / "config/sources.yaml")]) == 0
    assert "valid" in capsys.readouterr().out


def test_scrapy_list_shows_one_spider_per_enabled_source() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["demo"]
