"""The packages that own commands import their modules on first use (``pipeline/lazy.py``).

Their public names must still resolve to the real objects, and importing the package alone must
load no third-party module, so that ``newsarchive`` can build its command tree cheaply.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

LAZY = [
    "pipeline.archive",
    "pipeline.extract",
    "pipeline.index",
    "pipeline.schedule",
    "pipeline.search",
]


@pytest.mark.parametrize("package", LAZY)
def test_every_exported_name_is_the_object_of_its_module(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        home = importlib.import_module(value.__module__)
        assert getattr(home, name) is value, name
        # A package's names live in its own modules, except its errors: the one exception
        # tree is pipeline/exceptions.py.
        assert home.__name__.startswith(package + ".") or home.__name__ == "pipeline.exceptions"


@pytest.mark.parametrize("package", LAZY)
def test_an_unknown_name_is_an_attribute_error(package: str) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = importlib.import_module(package).no_such_name


@pytest.mark.parametrize("package", LAZY)
def test_importing_the_package_loads_no_third_party_module(package: str) -> None:
    code = (
        f"import json, sys, {package}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules}"
        " - set(sys.stdlib_module_names) - {'pipeline'})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = [m for m in json.loads(proc.stdout) if not m.startswith("_")]
    assert loaded == []
