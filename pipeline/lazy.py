"""Package namespaces that import their modules on first use, not on ``import``.

Why: ``newsarchive`` registers each command from the package that owns it
(``pipeline/index/cli.py``, ``pipeline/search/cli.py``, ...), and importing any submodule runs
its package's ``__init__`` first. Were those eager, building the command tree would load the
Elasticsearch client, lxml and APScheduler before argparse sees a flag: every start-up would
pay for them and ``newsarchive es install`` could not run before they are installed. A package
keeps its public names (``from pipeline.index import make_client`` still works, and mypy still
sees the real types through an ``if TYPE_CHECKING:`` import); the module behind a name is
imported the first time the name is asked for.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, modules: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package`` exporting each submodule's listed names.

    ``modules`` maps a submodule's name (relative to ``package``) to the names taken from it.
    """
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # later look-ups skip __getattr__
        return value

    return __getattr__
