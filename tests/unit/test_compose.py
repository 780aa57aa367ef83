"""docker-compose.yml is checked without a Docker engine: it parses, and its services, volumes,
health checks and environment are wired the way the README and the code expect.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_SERVICES = ("scheduler", "search", "crawler")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def defaults(value: str) -> str:
    """What compose substitutes when no variable is set: ``${X:-d}`` -> ``d``."""
    return _VAR.sub(lambda m: m.group(2) or "", value)


def mounts(service: str) -> dict[str, str]:
    """Container path -> named volume (or host path) of a service's volumes."""
    found = {}
    for spec in SERVICES[service].get("volumes", []):
        source, target = defaults(spec).split(":")[:2]
        found[target] = source
    return found


def test_the_file_defines_the_documented_services_and_volumes() -> None:
    assert set(SERVICES) == {"elasticsearch", "kibana", "scheduler", "search", "crawler"}
    assert set(COMPOSE["volumes"]) == {"esdata", "crawldata", "warcs"}


def test_elasticsearch_and_kibana_are_the_official_images_of_one_pinned_9x_release() -> None:
    es_image = SERVICES["elasticsearch"]["image"]
    match = re.fullmatch(r"docker\.elastic\.co/elasticsearch/elasticsearch:(9\.\d+\.\d+)", es_image)
    assert match, es_image
    assert SERVICES["kibana"]["image"] == f"docker.elastic.co/kibana/kibana:{match.group(1)}"
    # The Python client's major version must match the server's.
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    client = next(d for d in project["dependencies"] if d.startswith("elasticsearch"))
    assert re.search(r"==9\.", client), client


def test_elasticsearch_keeps_its_data_in_a_volume_and_gets_the_hunspell_dictionary() -> None:
    es_mounts = mounts("elasticsearch")
    assert es_mounts["/usr/share/elasticsearch/data"] == "esdata"
    for name in ("en_US.aff", "en_US.dic"):
        assert f"/usr/share/elasticsearch/config/hunspell/en_US/{name}" in es_mounts


@pytest.mark.parametrize("service", ["elasticsearch", "kibana", "scheduler", "search"])
def test_every_long_running_service_has_a_health_check_and_restarts(service: str) -> None:
    spec = SERVICES[service]
    assert spec["healthcheck"]["test"]
    assert spec["restart"] == "unless-stopped"


@pytest.mark.parametrize("service", ["kibana", *APP_SERVICES])
def test_services_wait_for_a_healthy_elasticsearch(service: str) -> None:
    assert SERVICES[service]["depends_on"]["elasticsearch"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_share_data_and_warc_volumes_named_in_their_environment(
    service: str,
) -> None:
    env = {k: defaults(str(v)) for k, v in SERVICES[service]["environment"].items()}
    volumes = mounts(service)
    assert volumes[env["NEWSARCHIVE_DATA_DIR"]] == "crawldata"
    assert volumes[env["NEWSARCHIVE_WARC_DIR"]] == "warcs"
    assert env["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
    assert env["NEWSARCHIVE_SOURCES"].startswith("/app/")
    assert volumes["/app"] == "./"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_commands_are_valid_newsarchive_command_lines(service: str) -> None:
    argv = [defaults(str(a)) for a in SERVICES[service]["command"]]
    args = build_parser().parse_args(argv)
    assert callable(args.handler)
    assert SERVICES[service]["entrypoint"][-1] == "newsarchive"


def test_the_scheduler_gets_time_to_checkpoint_running_crawls_on_stop() -> None:
    spec = SERVICES["scheduler"]
    argv = [defaults(str(a)) for a in spec["command"]]
    args = build_parser().parse_args(argv)
    assert argv[0] == "schedule"
    grace = re.fullmatch(r"(\d+)m", spec["stop_grace_period"])
    assert grace and int(grace.group(1)) * 60 > args.stop_timeout
    assert spec["init"] is True  # signals reach the scheduler, zombies are reaped


def test_the_search_service_is_published_on_loopback_and_probed_on_its_health_endpoint() -> None:
    spec = SERVICES["search"]
    assert [defaults(p) for p in spec["ports"]] == ["127.0.0.1:8000:8000"]
    assert any("/healthz" in part for part in spec["healthcheck"]["test"])
