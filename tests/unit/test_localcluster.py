"""Unit tests of pipeline.local.cluster and of the writer's view of a cluster of several hosts.

Everything here holds without Java: roles, ports and layout are computed, configs are rendered
into a fake distribution and parsed back as YAML. The real two-node cluster is exercised by
tests/integration/test_cluster_node_loss.py.
"""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline import cli
from pipeline.exceptions import ConfigError, ElasticsearchNodeError
from pipeline.index import ClusterSettings
from pipeline.index.schema import replicas_from_env, template_body
from pipeline.index.secrets import split_userinfo
from pipeline.local import cluster as localcluster
from pipeline.local import node as localnode
from pipeline.local.cluster import ClusterSpec, render_node_yml
from pipeline.local.node import NodeSettings


def base_settings(tmp_path: Path) -> NodeSettings:
    return NodeSettings(home=tmp_path / "es-home", java_home=None, user=None)


def spec_of(tmp_path: Path, nodes: int = 2, **changes: Any) -> ClusterSpec:
    return replace(ClusterSpec(base=base_settings(tmp_path), name="c", nodes=nodes), **changes)


def fake_distribution(base: NodeSettings) -> None:
    """The files of an unpacked distribution that a cluster node's config is made from."""
    config = base.config_dir
    (config / "jvm.options.d").mkdir(parents=True)
    for name in ("jvm.options", "log4j2.properties", "roles.yml"):
        (config / name).write_text(f"# {name}\n")
    (config / "elasticsearch.yml").write_text("discovery.type: single-node\n")
    (base.dist_dir / "modules" / "x-pack-security").mkdir(parents=True)
    (base.dist_dir / "bin").mkdir()
    (base.dist_dir / "bin" / "elasticsearch").write_text("#!/bin/sh\n")


@pytest.fixture
def hunspell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = tmp_path / "dicts"
    source.mkdir()
    (source / "en_US.aff").write_text("SET UTF-8\n")
    (source / "en_US.dic").write_text("1\nharbour\n")
    monkeypatch.setenv("NEWSARCHIVE_HUNSPELL_DIR", str(source))
    return source


# --------------------------------------------------------------------------- roles and layout


def test_two_nodes_have_one_master_so_the_data_node_may_leave(tmp_path: Path) -> None:
    first, second = spec_of(tmp_path, 2).members()
    assert first.roles == ("master", "data", "ingest")
    assert second.roles == ("data", "ingest")
    assert localcluster.master_count(1) == 1


@pytest.mark.parametrize("nodes", [3, 5])
def test_three_or_more_nodes_have_three_masters_so_any_one_may_leave(
    tmp_path: Path, nodes: int
) -> None:
    masters = [m.name for m in spec_of(tmp_path, nodes).members() if m.master_eligible]
    assert masters == ["c-1", "c-2", "c-3"]


def test_ports_follow_the_first_http_port_and_transport_is_a_hundred_above(
    tmp_path: Path,
) -> None:
    spec = spec_of(tmp_path, 3, http_port=9260)
    assert [(m.http_port, m.transport_port) for m in spec.members()] == [
        (9260, 9360),
        (9261, 9361),
        (9262, 9362),
    ]
    assert spec.url == "http://127.0.0.1:9260,http://127.0.0.1:9261,http://127.0.0.1:9262"


def test_nodes_are_found_by_name_or_number(tmp_path: Path) -> None:
    spec = spec_of(tmp_path)
    assert spec.node("c-2") == spec.node("2") == spec.members()[1]
    with pytest.raises(ElasticsearchNodeError, match="no node 'c-7'"):
        spec.node("c-7")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nodes": 0}, "1 to 9 nodes"),
        ({"http_port": 80}, "out of range"),
        ({"name": "../etc"}, "cluster name"),
    ],
)
def test_a_bad_spec_is_refused(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ElasticsearchNodeError, match=message):
        spec_of(tmp_path, **changes)


def test_node_files_stay_out_of_the_single_nodes_run_dir(tmp_path: Path) -> None:
    """The single node refuses to start while another pid file of its home's ``run/`` is live."""
    spec = spec_of(tmp_path)
    for member in spec.members():
        assert member.settings.pid_file.is_relative_to(spec.root)
        assert member.settings.data_dir.is_relative_to(member.directory)
        assert member.settings.pid_file.parent != spec.base.pid_file.parent
    assert spec.root == spec.base.home / "clusters" / "c"


# --------------------------------------------------------------------------- configuration


def test_node_config_has_discovery_roles_and_the_single_nodes_safety_settings(
    tmp_path: Path,
) -> None:
    spec = spec_of(tmp_path, 2, http_port=9250)
    node = spec.members()[1]
    parsed = yaml.safe_load(
        render_node_yml(
            spec, node, allow_mmap=False, modules=frozenset({"x-pack-security"}), bootstrap=True
        )
    )
    assert parsed == {
        "cluster.name": "c",
        "node.name": "c-2",
        "node.roles": ["data", "ingest"],
        "network.host": "127.0.0.1",
        "http.port": 9251,
        "transport.port": 9351,
        "discovery.seed_hosts": ["127.0.0.1:9350", "127.0.0.1:9351"],
        "cluster.initial_master_nodes": ["c-1"],
        "path.data": str(node.settings.data_dir),
        "path.logs": str(node.settings.logs_dir),
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "node.store.allow_mmap": False,
        "xpack.security.enabled": False,
    }


def test_initial_master_nodes_is_dropped_once_the_cluster_has_formed(tmp_path: Path) -> None:
    spec = spec_of(tmp_path)
    assert not localcluster.bootstrapped(spec)
    (spec.members()[0].settings.data_dir / "_state").mkdir(parents=True)
    assert localcluster.bootstrapped(spec)
    text = render_node_yml(
        spec, spec.members()[0], allow_mmap=True, modules=frozenset(), bootstrap=False
    )
    assert "cluster.initial_master_nodes" not in yaml.safe_load(text)


def test_prepare_gives_every_node_its_own_config_heap_and_hunspell_dictionary(
    tmp_path: Path, hunspell: Path
) -> None:
    spec = spec_of(tmp_path)
    fake_distribution(spec.base)
    localcluster._prepare(spec)
    for member in spec.members():
        config = member.config_dir
        assert (config / "jvm.options").read_text() == "# jvm.options\n"
        assert yaml.safe_load((config / "elasticsearch.yml").read_text())["node.name"] == (
            member.name
        )
        heap = (config / "jvm.options.d" / "newsarchive.options").read_text()
        assert heap == "-Xms512m\n-Xmx512m\n"
        dic = config / "hunspell" / "en_US" / "en_US.dic"
        assert dic.read_text() == (hunspell / "en_US.dic").read_text()
        assert member.settings.logs_dir.is_dir() and member.settings.data_dir.is_dir()
    # The single node's own config is left as it was.
    assert (spec.base.config_dir / "elasticsearch.yml").read_text() == (
        "discovery.type: single-node\n"
    )


def test_stop_and_status_find_the_ports_start_chose(tmp_path: Path, hunspell: Path) -> None:
    spec = spec_of(tmp_path, 3, http_port=9270)
    fake_distribution(spec.base)
    localcluster._prepare(spec)
    saved = json.loads((spec.root / "cluster.json").read_text())
    assert saved == {"name": "c", "nodes": 3, "http_port": 9270}
    assert localcluster.load_spec("c", base=spec.base) == spec
    fresh = localcluster.load_spec("other", base=spec.base)
    assert (fresh.nodes, fresh.http_port) == (2, 9250)


def test_prepare_without_a_dictionary_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(localnode, "find_hunspell", lambda: None)  # no dictionary on this machine
    spec = spec_of(tmp_path)
    fake_distribution(spec.base)
    with pytest.raises(ElasticsearchNodeError, match="hunspell-en-us"):
        localcluster._prepare(spec)


# --------------------------------------------------------------------------- status and CLI


def test_status_of_a_cluster_that_does_not_run(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, http_port=free_range(tmp_path))
    report = localcluster.status(spec)
    assert not report.running and report.health is None and report.joined == 0
    assert [n.running for n in report.nodes] == [False, False]
    assert json.loads(report.to_json())["nodes"][1]["roles"] == ["data", "ingest"]
    assert "c-2" in report.describe()


def test_stopping_a_node_that_does_not_run_touches_nothing(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, http_port=free_range(tmp_path))
    assert localcluster.stop_node(spec, "2", kill=True) is False
    assert localcluster.stop(spec) == []


def test_cli_status_reads_the_saved_layout_and_exits_3_when_no_node_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_ES_HOME", str(tmp_path / "home"))
    port = free_range(tmp_path)
    root = tmp_path / "home" / "clusters" / "cli"
    root.mkdir(parents=True)
    (root / "cluster.json").write_text(json.dumps({"nodes": 3, "http_port": port}))
    assert cli.main(["es", "cluster", "--name", "cli", "status", "--json"]) == 3
    report = json.loads(capsys.readouterr().out)
    assert report["url"] == ",".join(f"http://127.0.0.1:{port + i}" for i in range(3))
    assert report["health"] is None


def test_newsarchive_es_cluster_reaches_the_same_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_ES_HOME", str(tmp_path / "home"))
    port = free_range(tmp_path)
    root = tmp_path / "home" / "clusters" / "cli"
    root.mkdir(parents=True)
    (root / "cluster.json").write_text(json.dumps({"nodes": 2, "http_port": port}))
    assert cli.main(["es", "cluster", "status", "--name", "cli", "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["nodes"][0]["name"] == "cli-1"
    assert cli.main(["es", "cluster", "stop-node", "2", "--name", "cli", "--kill"]) == 0
    assert capsys.readouterr().out.strip() == "that node was not running"


def free_range(tmp_path: Path) -> int:
    """A first HTTP port whose range nobody listens on (nothing is started there)."""
    return localcluster.allocate(
        base_settings(tmp_path / "probe"), "probe", 3, first=9500
    ).http_port


def test_allocation_skips_ports_in_use_and_ports_claimed_by_another_cluster(
    tmp_path: Path,
) -> None:
    base = base_settings(tmp_path)
    first = localcluster.allocate(base, "one", 2, first=9600)
    assert json.loads((first.root / "cluster.json").read_text())["http_port"] == first.http_port
    second = localcluster.allocate(base, "two", 2, first=9600)
    assert second.http_port > first.http_port  # the first claim holds although nothing runs yet
    assert localcluster.allocate(base, "one", 2, first=9600) == first  # its own claim is no bar
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", second.http_port + 10))
        busy.listen()
        third = localcluster.allocate(base, "three", 2, first=second.http_port + 10)
    assert third.http_port > second.http_port + 10


# --------------------------------------------------------------------------- the writer's view


def test_a_comma_separated_url_gives_the_client_every_host(tmp_path: Path) -> None:
    settings = ClusterSettings(url="http://10.0.0.1:9200, http://10.0.0.2:9200,")
    assert settings.hosts() == ["http://10.0.0.1:9200", "http://10.0.0.2:9200"]
    options = settings.client_options()
    assert options["hosts"] == settings.hosts()
    # A node that is gone costs a retry on the next one, not an error.
    assert options["retry_on_timeout"] is True
    assert options["max_retries"] == 3


def test_every_host_is_retried_at_least_once_in_a_large_cluster() -> None:
    url = ",".join(f"http://node{i}:9200" for i in range(5))
    assert ClusterSettings(url=url).client_options()["max_retries"] == 5


def test_credentials_in_a_host_list_are_taken_out_of_every_url() -> None:
    clean, user, password = split_userinfo("https://w:s3cret-pass@a:9200,https://b:9200")
    assert (clean, user, password) == ("https://a:9200,https://b:9200", "w", "s3cret-pass")


def test_the_tls_policy_applies_to_every_host() -> None:
    settings = ClusterSettings(url="https://127.0.0.1:9200,https://remote:9200", verify_certs=False)
    with pytest.raises(ConfigError, match="remote"):
        settings.client_options()


def test_replicas_come_from_the_environment_and_default_to_none_on_one_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert replicas_from_env({}) is None
    assert replicas_from_env({"NEWSARCHIVE_INDEX_REPLICAS": "1"}) == 1
    with pytest.raises(ConfigError, match="NEWSARCHIVE_INDEX_REPLICAS"):
        replicas_from_env({"NEWSARCHIVE_INDEX_REPLICAS": "two"})
    monkeypatch.delenv("NEWSARCHIVE_INDEX_REPLICAS", raising=False)
    assert template_body("news")["template"]["settings"]["number_of_replicas"] == 0
    monkeypatch.setenv("NEWSARCHIVE_INDEX_REPLICAS", "1")
    assert template_body("news")["template"]["settings"]["number_of_replicas"] == 1
    assert template_body("news", replicas=2)["template"]["settings"]["number_of_replicas"] == 2
