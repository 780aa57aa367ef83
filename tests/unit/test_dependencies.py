"""Every third-party package the code imports is declared, pinned, in ``pyproject.toml``.

A package that only arrives as someone else's dependency (Twisted through Scrapy, numpy through
datasketch) can change or vanish with that package's next release; importing it directly makes it
ours to pin. The package's own modules, pytest's rootdir helpers and the benchmark scripts' local
modules are not distributions.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
# Modules of this repository imported top-level: tests' helpers (pytest puts each test folder on
# sys.path, so a test may import a sibling's helpers) and benchmarks' own scripts.
LOCAL = {p.stem for p in (REPO / "tests").rglob("*.py")} | {
    p.stem for p in (REPO / "benchmarks").rglob("*.py")
}


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared(*groups: str) -> dict[str, str]:
    requirements = list(PROJECT["dependencies"])
    for group in groups:
        requirements += PROJECT["optional-dependencies"][group]
    return {_name(r): r for r in requirements}


def imported_modules(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (REPO / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"pipeline", "__future__"} - LOCAL


def distributions_of(modules: set[str]) -> dict[str, set[str]]:
    owners = packages_distributions()
    return {m: {d.lower().replace("_", "-") for d in owners.get(m, [])} for m in modules}


@pytest.mark.parametrize(("folder", "groups"), [("pipeline", ()), ("tests", ("dev",))])
def test_every_imported_package_is_declared(folder: str, groups: tuple[str, ...]) -> None:
    known = declared(*groups)
    missing = {
        module: sorted(dists) or ["(not installed)"]
        for module, dists in distributions_of(imported_modules(folder)).items()
        if not dists & set(known)
    }
    assert missing == {}, f"declare these in pyproject.toml ({folder}/)"


def test_every_declared_package_is_pinned() -> None:
    for name, requirement in declared("dev").items():
        assert "==" in requirement, f"{name} is not pinned: {requirement!r}"
