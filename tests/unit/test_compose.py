"""docker-compose.yml is checked without a Docker engine: it parses, and its services, volumes,
health checks and environment are wired the way the README and the code expect.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.cli import build_parser
from pipeline.index import ClusterSettings
from pipeline.index.access import credentials_from_env
from pipeline.index.schema import replicas_from_env

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_SERVICES = ("scheduler", "search", "crawler")
ES_NODES = ("es01", "es02", "es03")
WORKERS = ("worker-1", "worker-2")
CLUSTER_PROFILE = {"redis", *ES_NODES, *WORKERS}
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


def environment(service: str) -> dict[str, str]:
    """A service's environment as compose sees it with no variable set."""
    return {k: defaults(str(v)) for k, v in SERVICES[service]["environment"].items()}


def test_the_file_defines_the_documented_services_and_volumes() -> None:
    single = {"elasticsearch", "kibana", "scheduler", "search", "crawler"}
    assert set(SERVICES) == single | CLUSTER_PROFILE
    assert set(COMPOSE["volumes"]) == {
        "esdata",
        "crawldata",
        "warcs",
        "redisdata",
        "es01data",
        "es02data",
        "es03data",
    }


def test_the_cluster_profile_holds_redis_three_nodes_and_two_workers_and_nothing_else() -> None:
    profiled = {name for name, spec in SERVICES.items() if "cluster" in spec.get("profiles", [])}
    assert profiled == CLUSTER_PROFILE
    # `docker compose up` without the profile starts the single-node setup only.
    for name in ("elasticsearch", "kibana", "scheduler", "search"):
        assert "profiles" not in SERVICES[name]


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


@pytest.mark.parametrize(
    "service", ["elasticsearch", "kibana", "scheduler", "search", "redis", *ES_NODES]
)
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


# --------------------------------------------------------------------------- profile `cluster`


def test_the_cluster_nodes_are_the_official_image_of_the_single_nodes_release() -> None:
    for node in ES_NODES:
        assert SERVICES[node]["image"] == SERVICES["elasticsearch"]["image"]
    assert SERVICES["redis"]["image"].startswith("redis:")  # the official Redis image


@pytest.mark.parametrize("node", ES_NODES)
def test_each_cluster_node_discovers_the_other_two_and_all_three_may_bootstrap(node: str) -> None:
    env = environment(node)
    others = [n for n in ES_NODES if n != node]
    assert env["node.name"] == node
    assert env["cluster.name"] == environment("es01")["cluster.name"]
    assert sorted(env["discovery.seed_hosts"].split(",")) == others
    # Three master-eligible nodes: a quorum survives any one of them leaving.
    assert env["cluster.initial_master_nodes"].split(",") == list(ES_NODES)
    assert "discovery.type" not in env
    assert env["cluster.routing.allocation.disk.threshold_enabled"] == "false"


@pytest.mark.parametrize("node", ES_NODES)
def test_each_cluster_node_has_its_own_data_volume_and_the_hunspell_dictionary(node: str) -> None:
    node_mounts = mounts(node)
    assert node_mounts["/usr/share/elasticsearch/data"] == f"{node}data"
    for name in ("en_US.aff", "en_US.dic"):
        assert f"/usr/share/elasticsearch/config/hunspell/en_US/{name}" in node_mounts


def test_only_the_first_cluster_node_is_published_on_loopback_beside_the_single_node() -> None:
    assert [defaults(p) for p in SERVICES["es01"]["ports"]] == ["127.0.0.1:9250:9200"]
    assert SERVICES["es02"]["ports"] == [] and SERVICES["es03"]["ports"] == []


@pytest.mark.parametrize("worker", WORKERS)
def test_workers_run_a_distributed_crawl_against_redis_and_every_cluster_node(worker: str) -> None:
    spec, env = SERVICES[worker], environment(worker)
    args = build_parser().parse_args([defaults(str(a)) for a in spec["command"]])
    assert spec["command"][0] == "crawl" and args.distributed is True
    assert env["NEWSARCHIVE_REDIS_URL"] == "redis://redis:6379/0"
    hosts = ClusterSettings(url=env["ELASTICSEARCH_URL"]).hosts()
    assert hosts == [f"http://{node}:9200" for node in ES_NODES]
    assert env["NEWSARCHIVE_INDEX_REPLICAS"] == "1"
    assert replicas_from_env(env) == 1
    waits_for = {name: dep["condition"] for name, dep in spec["depends_on"].items()}
    assert waits_for == dict.fromkeys(["redis", *ES_NODES], "service_healthy")


def test_the_workers_share_the_volumes_but_not_their_data_dirs() -> None:
    data_dirs = {environment(w)["NEWSARCHIVE_DATA_DIR"] for w in WORKERS}
    assert len(data_dirs) == len(WORKERS)
    for worker in WORKERS:
        assert mounts(worker)["/data"] == "crawldata"
        assert environment(worker)["NEWSARCHIVE_DATA_DIR"].startswith("/data/")


# --------------------------------------------------------------------------- credentials


class Recorder(Mapping[str, str]):
    """An environment that remembers every variable the code asks for."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values, self.asked = values, set[str]()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def variables_the_code_reads() -> set[str]:
    """Every variable the writer's and the searcher's cluster settings read, files included."""
    writer = Recorder({})
    credentials_from_env(writer)
    replicas_from_env(writer)
    # Any read-only credential switches `search` to the ELASTICSEARCH_SEARCH_* set: read them all.
    searcher = Recorder({"ELASTICSEARCH_SEARCH_USERNAME": "reader"})
    credentials_from_env(searcher, role="search")
    return writer.asked | searcher.asked


def test_the_recorded_variables_include_the_secret_files_and_the_search_credentials() -> None:
    names = variables_the_code_reads()
    assert {"ELASTICSEARCH_API_KEY_FILE", "ELASTICSEARCH_PASSWORD_FILE"} <= names
    assert {"ELASTICSEARCH_SEARCH_API_KEY_FILE", "ELASTICSEARCH_SEARCH_USERNAME"} <= names


@pytest.mark.parametrize("service", [*APP_SERVICES, *WORKERS])
def test_app_services_pass_through_every_cluster_variable_the_code_reads(service: str) -> None:
    env = SERVICES[service]["environment"]
    missing = sorted(variables_the_code_reads() - set(env))
    assert not missing, f"{service} does not pass {missing}"
    for name in env:
        if name.endswith(("API_KEY", "PASSWORD", "_FILE", "USERNAME")):
            # Passed through from the host, never baked in: empty unless the operator sets it.
            assert str(env[name]) == f"${{{name}:-}}", f"{service}: {name}={env[name]!r}"
