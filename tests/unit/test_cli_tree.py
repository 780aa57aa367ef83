"""The ``newsarchive`` command is one argparse tree, documented everywhere, cheap to build.

What issue 13 asked of it: one ``ArgumentParser`` in the whole package, each command registered
once by its owner, shared flags declared once (``pipeline/cli/flags.py``), help text on every
command and option, no third-party import before a handler runs, and the old ``python -m``
entry points still reaching the same commands.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli import OWNERS, build_parser, main

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, str | None]]:
    """Every (command path, its parser, the help its parent lists it with), root first."""
    if not path:
        yield path, parser, parser.description
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), sub, listed.get(name)
                yield from _walk(sub, (*path, name))


TREE = list(_walk(build_parser()))
IDS = [" ".join(path) or "newsarchive" for path, _, _ in TREE]


def test_the_tree_has_every_command() -> None:
    names = {" ".join(path) for path, _, _ in TREE}
    assert {
        "crawl",
        "replay",
        "schedule",
        "runs",
        "reprocess",
        "index",
        "boilerplate show",
        "boilerplate accept",
        "boilerplate reject",
        "search",
        "serve",
        "sources list",
        "sources check",
        "extract",
        "es install",
        "es start",
        "es stop",
        "es status",
        "es cluster start",
        "es cluster stop",
        "es cluster stop-node",
        "es cluster status",
        "fixture-site",
        "redis",
        "demo",
    } <= names


@pytest.mark.parametrize(("path", "parser", "listed"), TREE, ids=IDS)
def test_every_command_and_option_has_help(
    path: tuple[str, ...], parser: argparse.ArgumentParser, listed: str | None
) -> None:
    assert listed and listed.strip(), f"{' '.join(path)}: no help in its parent's list"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help != argparse.SUPPRESS, f"{' '.join(path)} {name}"
        assert action.help.strip(), f"{' '.join(path)} {name}"


def test_argument_parser_is_constructed_in_one_place() -> None:
    found = [
        (path.relative_to(PACKAGE.parent), line)
        for path in SOURCES
        for line in path.read_text(encoding="utf-8").splitlines()
        if "ArgumentParser(" in line
    ]
    assert [str(where) for where, _ in found] == ["pipeline/cli/__init__.py"], found


def test_shared_flags_are_declared_only_in_flags_py() -> None:
    declared = re.compile(r"add_argument\(\s*\"(--data-dir|--index|--json|--sources-file)\"")
    found = [
        str(path.relative_to(PACKAGE.parent))
        for path in SOURCES
        if declared.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["pipeline/cli/flags.py"]


def test_cli_modules_write_no_data_dir_or_alias_default_of_their_own() -> None:
    """The defaults come from ``pipeline.settings`` through ``flags``; a help text may name them."""
    cli_modules = [*(PACKAGE / "cli").glob("*.py")] + [
        PACKAGE.joinpath(*owner.split(".")[1:]).with_suffix(".py") for owner in OWNERS
    ]
    for path in cli_modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        literals = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in {"var", "news"}
        ]
        assert literals == [], path


def test_each_top_level_command_is_registered_by_exactly_one_owner() -> None:
    owners: dict[str, str] = {}
    for owner in OWNERS:
        commands = argparse.ArgumentParser(prog="probe").add_subparsers()
        importlib.import_module(owner).register(commands)
        for name in commands.choices:
            assert name not in owners, f"{name}: {owners.get(name)} and {owner}"
            owners[name] = owner
    top = [path[0] for path, _, _ in TREE if len(path) == 1]
    assert sorted(owners) == sorted(top)
    assert owners["crawl"] == owners["replay"] == "pipeline.crawl.cli"
    assert owners["es"] == owners["demo"] == "pipeline.local.cli"


def test_building_the_tree_imports_no_third_party_module() -> None:
    code = (
        "import json, sys\n"
        "from pipeline.cli import build_parser\n"
        "build_parser()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules}"
        " - set(sys.stdlib_module_names) - {'pipeline'})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert [m for m in json.loads(proc.stdout) if not m.startswith("_")] == []


@pytest.mark.parametrize(
    ("module", "usage"),
    [
        ("pipeline.local.node", "usage: newsarchive es "),
        ("pipeline.local.cluster", "usage: newsarchive es cluster "),
        ("pipeline.extract", "usage: newsarchive extract "),
        ("pipeline.local.fixture_site", "usage: newsarchive fixture-site "),
        ("pipeline.local.redis_server", "usage: newsarchive redis "),
    ],
)
def test_the_old_module_entry_points_reach_the_same_commands(module: str, usage: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(usage)


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["es", "cluster", "--name", "a", "status"], "a"),
        (["es", "cluster", "status", "--name", "b"], "b"),
        (["es", "cluster", "--name", "a", "stop-node", "2", "--name", "b"], "b"),
        (["es", "cluster", "start"], None),
        (["es", "cluster"], None),
    ],
)
def test_the_cluster_name_may_come_before_or_after_the_action(
    argv: list[str], name: str | None
) -> None:
    assert build_parser().parse_args(argv).name == name


def test_es_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["es"])
    assert exit_info.value.code == 2
    assert "ACTION" in capsys.readouterr().err


def _help(argv: list[str], option: str) -> str:
    parser = build_parser()
    for word in argv:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[word]
    (action,) = [a for a in parser._actions if option in a.option_strings]
    assert action.help is not None
    return action.help


def test_the_local_commands_state_the_defaults_of_the_functions_they_call() -> None:
    """``es`` passes no timeout, size or name it was not given; its help must say what the
    library then uses."""
    from pipeline.local import cluster, node

    def default(function: object, name: str) -> object:
        return inspect.signature(function).parameters[name].default  # type: ignore[arg-type]

    assert f"(default {default(node.start, 'timeout'):g})" in _help(["es", "start"], "--timeout")
    assert f"(default {default(node.stop, 'timeout'):g})" in _help(["es", "stop"], "--timeout")
    start = ["es", "cluster", "start"]
    assert f"(default {default(cluster.start, 'timeout'):g})" in _help(start, "--timeout")
    stop = ["es", "cluster", "stop"]
    assert f"(default {default(cluster.stop, 'timeout'):g})" in _help(stop, "--timeout")
    assert f"(default {cluster.DEFAULT_NODES})" in _help(start, "--nodes")
    assert f"(default {cluster.DEFAULT_HTTP_PORT})" in _help(start, "--http-port")
    assert f"(default {cluster.DEFAULT_NAME})" in _help(["es", "cluster"], "--name")
