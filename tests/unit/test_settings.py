"""Every ``NEWSARCHIVE_*`` setting is declared once, with its default, in ``pipeline/settings.py``.

Components read their settings without fallbacks (``settings.getint("NEWSARCHIVE_X")``), as
Scrapy's own components read its ``default_settings``: a default written at the read would
disagree with the module sooner or later (four did, before issue 13). These tests scan the package
source, so a new setting read anywhere in ``pipeline/`` fails here until it is declared.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from pathlib import Path

import pytest

from pipeline import settings
from pipeline.archive.writer import DEFAULT_MAX_BYTES
from pipeline.crawl.runner import crawl_settings, own_settings
from pipeline.crawl.safety.netpolicy import DEFAULT_MAX_URL_LENGTH
from pipeline.extract.limits import ExtractLimits
from pipeline.index.neardup import THRESHOLD

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
NAME = re.compile(r"NEWSARCHIVE_[A-Z0-9_]*")

# Read from the process environment, never from Scrapy settings, each for a reason.
ENVIRONMENT_ONLY = {
    # pipeline/settings.py turns these into Scrapy's own USER_AGENT and LOG_LEVEL; the CLI's
    # non-crawl commands read the log level directly.
    "NEWSARCHIVE_USER_AGENT": "becomes USER_AGENT in pipeline/settings.py",
    "NEWSARCHIVE_LOG_LEVEL": "becomes LOG_LEVEL; also the log level of non-crawl commands",
    # The project-managed Elasticsearch node (pipeline/local/node.py) is started by `newsarchive
    # es` and the tests before any crawl exists; it has no Scrapy settings to read.
    "NEWSARCHIVE_ES_HOME": "the local node's home directory",
    "NEWSARCHIVE_ES_PORT": "the local node's HTTP port",
    "NEWSARCHIVE_ES_TRANSPORT_PORT": "the local node's transport port",
    "NEWSARCHIVE_ES_VERSION": "the local node's Elasticsearch version",
    "NEWSARCHIVE_ES_USER": "the user the local node runs as when started by root",
    "NEWSARCHIVE_ES_HEAP": "the local node's JVM heap",
    "NEWSARCHIVE_MAVEN_REPO": "where the local node's plugins are downloaded from",
    "NEWSARCHIVE_HUNSPELL_DIR": "the node's hunspell dictionaries (local node and test cluster)",
    # Index setup (`newsarchive es setup`, reprocess) outside any crawl.
    "NEWSARCHIVE_INDEX_REPLICAS": "replicas of the index template (pipeline/index/schema.py)",
    # Extraction bounds: read in the extraction workers and by reprocess, neither of which has
    # the crawl's settings (pipeline/extract/limits.py, ExtractLimits.from_env).
    "NEWSARCHIVE_EXTRACT_MAX_DOCUMENT": "extraction bound",
    "NEWSARCHIVE_EXTRACT_MAX_TEXT_NODE": "extraction bound",
    "NEWSARCHIVE_EXTRACT_MAX_DEPTH": "extraction bound",
    "NEWSARCHIVE_EXTRACT_MAX_ELEMENTS": "extraction bound",
    "NEWSARCHIVE_EXTRACT_TIME_LIMIT": "extraction bound",
    # `newsarchive demo` hands the fixture site's URL to its sources YAML.
    "NEWSARCHIVE_DEMO_URL": "the demo's fixture-site URL, substituted into its sources YAML",
}

_SETTINGS_GETTERS = {"get", "getint", "getbool", "getfloat", "getlist", "getdict", "getdictorlist"}


def declared() -> set[str]:
    return {name for name in dir(settings) if NAME.fullmatch(name)}


def names_in_strings(path: Path) -> set[str]:
    """``NEWSARCHIVE_*`` names in the string literals of a file (comments do not count)."""
    found: set[str] = set()
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type == tokenize.STRING:
            found.update(NAME.findall(token.string))
    return found


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "settings.py")


def test_every_name_the_package_uses_is_a_declared_setting_or_an_environment_variable() -> None:
    known = declared() | set(ENVIRONMENT_ONLY)
    unknown = {}
    for path in package_files():
        for name in names_in_strings(path):
            # A prefix ("NEWSARCHIVE_EXTRACT_{name}" in an f-string) must name a known family.
            if name.endswith("_"):
                missing = not any(k.startswith(name) for k in known)
            else:
                missing = name not in known
            if missing:
                unknown[name] = str(path.relative_to(PACKAGE.parent))
    assert unknown == {}, "declare these in pipeline/settings.py (or list them as environment-only)"


def test_environment_variables_are_not_also_settings() -> None:
    assert declared() & set(ENVIRONMENT_ONLY) == set()


def test_settings_are_read_without_a_fallback_of_their_own() -> None:
    """``settings.getint("NEWSARCHIVE_X", 0)`` would shadow the declared default."""
    offenders = []
    for path in package_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _SETTINGS_GETTERS
                and ast.unparse(node.func.value).endswith("settings")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and NAME.fullmatch(node.args[0].value)
            ):
                continue
            if len(node.args) > 1 or node.keywords:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert offenders == []


def test_own_settings_carries_every_declared_default() -> None:
    own = own_settings({"NEWSARCHIVE_BULK_BATCH_SIZE": 7})
    assert set(own) == declared()
    assert own["NEWSARCHIVE_BULK_BATCH_SIZE"] == 7
    assert own["NEWSARCHIVE_MAX_URL_LENGTH"] == settings.NEWSARCHIVE_MAX_URL_LENGTH


def test_a_crawl_reads_the_declared_defaults() -> None:
    crawl = crawl_settings()
    for name in declared():
        assert crawl[name] == getattr(settings, name), name


@pytest.mark.parametrize(
    ("setting", "library_default"),
    [
        ("NEWSARCHIVE_NEARDUP_THRESHOLD", THRESHOLD),
        ("NEWSARCHIVE_WARC_MAX_BYTES", DEFAULT_MAX_BYTES),
        ("NEWSARCHIVE_MAX_URL_LENGTH", DEFAULT_MAX_URL_LENGTH),
    ],
)
def test_a_crawl_and_the_library_called_directly_agree(
    setting: str, library_default: object
) -> None:
    """Reprocess and direct callers use the library's default; a crawl uses the setting."""
    assert getattr(settings, setting) == library_default


@pytest.mark.parametrize(
    ("variable", "field", "value"),
    [
        ("NEWSARCHIVE_EXTRACT_MAX_DOCUMENT", "max_document", 1234),
        ("NEWSARCHIVE_EXTRACT_MAX_TEXT_NODE", "max_text_node", 1234),
        ("NEWSARCHIVE_EXTRACT_MAX_DEPTH", "max_depth", 12),
        ("NEWSARCHIVE_EXTRACT_MAX_ELEMENTS", "max_elements", 1234),
        ("NEWSARCHIVE_EXTRACT_TIME_LIMIT", "time_limit", 2.5),
    ],
)
def test_the_listed_extraction_variables_are_the_ones_read(
    variable: str, field: str, value: float
) -> None:
    assert variable in ENVIRONMENT_ONLY
    assert getattr(ExtractLimits.from_env({variable: str(value)}), field) == value


def test_search_and_serve_default_to_the_alias_a_crawl_writes() -> None:
    """ClusterSettings reads NEWSARCHIVE_INDEX from the environment, the crawl from settings."""
    from pipeline.index.client import DEFAULT_ALIAS, ClusterSettings

    assert ClusterSettings.from_env({}).alias == DEFAULT_ALIAS
    assert ClusterSettings.for_search({}).alias == DEFAULT_ALIAS
    if "NEWSARCHIVE_INDEX" not in os.environ:  # the module reads it at import
        assert settings.NEWSARCHIVE_INDEX == DEFAULT_ALIAS
