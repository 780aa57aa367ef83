"""One exception tree: every error class of the project lives in ``pipeline/exceptions.py``.

The module docstring draws the tree (as httpx's ``_exceptions.py`` does); these tests keep the
drawing, the classes and the rest of the package in step.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from pipeline import exceptions
from pipeline.exceptions import NewsArchiveError

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"

# Scrapy control-flow signals ("leave this out"), not failures: they stay outside the tree.
SIGNALS = {"Skip", "Refused", "UnchangedSinceLastSeen"}


def tree_classes() -> dict[str, type[BaseException]]:
    return {
        name: value
        for name, value in vars(exceptions).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
    }


def test_every_class_of_the_module_is_in_the_tree_and_drawn() -> None:
    doc = exceptions.__doc__ or ""
    for name, cls in tree_classes().items():
        assert issubclass(cls, NewsArchiveError), name
        assert re.search(rf"(── |^    ){name} ", doc, re.M), f"{name} is not drawn in the tree"


def test_no_exception_class_is_defined_elsewhere_in_the_package() -> None:
    """A new error class belongs in the tree; only Scrapy's skip signals live beside their users."""
    exception_bases = {"Exception", "ValueError", "RuntimeError", "NewsArchiveError"}
    exception_bases |= set(tree_classes())
    elsewhere = {}
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "exceptions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef) or node.name in SIGNALS:
                continue
            bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
            if bases & exception_bases or node.name.endswith("Error"):
                elsewhere[node.name] = str(path.relative_to(PACKAGE.parent))
    assert elsewhere == {}


@pytest.mark.parametrize(
    ("name", "extra_base"),
    [
        ("DecompressionLimitError", ValueError),
        ("UnsafeXmlError", ValueError),
        ("MissingIdError", ValueError),
        ("BadParameter", ValueError),
        ("UnguardedResolverError", RuntimeError),
    ],
)
def test_builtin_bases_that_callers_catch_are_kept(name: str, extra_base: type[Exception]) -> None:
    assert issubclass(tree_classes()[name], extra_base)


def test_the_old_import_paths_still_work() -> None:
    from pipeline.crawl.safety import UnguardedResolverError
    from pipeline.local.redis_server import RedisUnavailable
    from pipeline.schedule import SourceBusy
    from pipeline.search import QuerySyntaxError

    assert UnguardedResolverError is exceptions.UnguardedResolverError
    assert RedisUnavailable is exceptions.RedisUnavailable
    assert SourceBusy is exceptions.SourceBusy
    assert QuerySyntaxError is exceptions.QuerySyntaxError


def test_a_query_syntax_error_still_ends_with_the_help() -> None:
    from pipeline.search.syntax import HELP

    error = exceptions.QuerySyntaxError("this quote is never closed", 3)
    assert str(error) == f"this quote is never closed (at character 4). {HELP}"
    assert error.position == 3
