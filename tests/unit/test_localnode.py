"""Unit tests of pipeline.local.node: the logic that must hold without a real node.

JDK detection runs on fake ``/usr/lib/jvm`` trees, config rendering is parsed back as YAML, and
port probing talks to tiny in-process HTTP servers, so the suite needs neither Java nor
Elasticsearch and never touches the real node on port 9200.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from pipeline.cli import main as newsarchive
from pipeline.exceptions import ElasticsearchNodeError
from pipeline.local import node as localnode
from pipeline.local.node import (
    DEFAULT_USER,
    DEFAULT_VERSION,
    FALLBACK_VERSION,
    NodeSettings,
    compatibility_problem,
    detect_java,
    find_hunspell,
    mmap_is_safe,
    parse_java_version,
    probe_java_home,
    render_elasticsearch_yml,
    render_jvm_options,
)

# --------------------------------------------------------------------------- helpers


def make_jdk(root: Path, name: str, version: str | None, *, java_script: str | None = None) -> Path:
    """A fake JDK dir: ``release`` with JAVA_VERSION, and an executable ``bin/java``."""
    home = root / name
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(java_script or "#!/bin/sh\nexit 0\n")
    java.chmod(0o755)
    if version is not None:
        (home / "release").write_text(f'IMPLEMENTOR="Test"\nJAVA_VERSION="{version}"\n')
    return home


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def settings_for(tmp_path: Path, port: int, **changes: object) -> NodeSettings:
    base = NodeSettings(
        port=port,
        transport_port=free_port(),
        home=tmp_path / "es-home",
        java_home=None,
        user=None,
        maven_repo=tmp_path / "m2",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


class FakeServer:
    """An in-process HTTP server answering GET with canned (status, headers, body) per path."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        outer = self
        self.routes = routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                code, headers, body = outer.routes.get(path, (404, {}, b"not found"))
                self.send_response(code)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


ES_HEADERS = {"X-Elastic-Product": "Elasticsearch", "Content-Type": "application/json"}


def fake_es_routes(version: str) -> dict[str, tuple[int, dict[str, str], bytes]]:
    nodes = {"nodes": {"abc": {"version": version, "process": {"id": 4242}}}}
    health = {"cluster_name": "x", "status": "green"}
    return {
        "/_nodes/_local": (200, ES_HEADERS, json.dumps(nodes).encode()),
        "/_cluster/health": (200, ES_HEADERS, json.dumps(health).encode()),
        "/": (405, ES_HEADERS, b'{"error":"Incorrect HTTP method","status":405}'),
    }


@pytest.fixture
def fake_es() -> Iterator[FakeServer]:
    server = FakeServer(fake_es_routes(DEFAULT_VERSION))
    yield server
    server.close()


@pytest.fixture
def not_es() -> Iterator[FakeServer]:
    server = FakeServer({"/_nodes/_local": (200, {"Content-Type": "text/html"}, b"<html>hi")})
    yield server
    server.close()


# --------------------------------------------------------------------------- java versions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('JAVA_VERSION="25.0.3"\n', (25, "25.0.3")),
        ('IMPLEMENTOR="x"\nJAVA_VERSION="21"\n', (21, "21")),
        ('JAVA_VERSION="1.8.0_392"', (8, "1.8.0_392")),
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime', (17, "17.0.15")),
        ('openjdk version "22-ea" 2024-03-19', (22, "22-ea")),
        ("no version here", None),
        ('JAVA_VERSION="abc"', None),
    ],
)
def test_parse_java_version(text: str, expected: tuple[int, str] | None) -> None:
    assert parse_java_version(text) == expected


def test_probe_java_home_reads_release_file(tmp_path: Path) -> None:
    home = make_jdk(tmp_path, "jdk-25", "25.0.3")
    found = probe_java_home(home)
    assert found is not None
    assert (found.major, found.version, found.path) == (25, "25.0.3", home)


def test_probe_java_home_falls_back_to_java_version(tmp_path: Path) -> None:
    script = "#!/bin/sh\necho 'openjdk version \"21.0.4\" 2024-07-16' >&2\n"
    home = make_jdk(tmp_path, "jdk-norelease", None, java_script=script)
    found = probe_java_home(home)
    assert found is not None
    assert found.major == 21


def test_probe_java_home_rejects_dir_without_java(tmp_path: Path) -> None:
    (tmp_path / "openjdk-17").mkdir()
    (tmp_path / "openjdk-17" / "release").write_text('JAVA_VERSION="17.0.1"')
    assert probe_java_home(tmp_path / "openjdk-17") is None


def test_detect_java_picks_newest_that_is_new_enough(tmp_path: Path) -> None:
    make_jdk(tmp_path, "java-17-openjdk-amd64", "17.0.15")
    make_jdk(tmp_path, "temurin-25-jdk-amd64", "25.0.3")
    make_jdk(tmp_path, "temurin-21-jdk-amd64", "21.0.5")
    (tmp_path / "java-1.17.0-openjdk-amd64").symlink_to(tmp_path / "java-17-openjdk-amd64")
    found = detect_java(21, env={}, jvm_root=tmp_path)
    assert found is not None
    assert found.path == tmp_path / "temurin-25-jdk-amd64"
    assert detect_java(26, env={}, jvm_root=tmp_path) is None
    only17 = detect_java(17, env={}, jvm_root=tmp_path)
    assert only17 is not None and only17.major == 25


def test_detect_java_prefers_explicit_env_when_new_enough(tmp_path: Path) -> None:
    jvm = tmp_path / "jvm"
    make_jdk(jvm, "temurin-25", "25.0.3")
    custom21 = make_jdk(tmp_path, "custom-21", "21.0.1")
    custom17 = make_jdk(tmp_path, "custom-17", "17.0.1")
    chosen = detect_java(21, env={"ES_JAVA_HOME": str(custom21)}, jvm_root=jvm)
    assert chosen is not None and chosen.path == custom21
    # Too old an explicit JDK is skipped, not used.
    chosen = detect_java(21, env={"JAVA_HOME": str(custom17)}, jvm_root=jvm)
    assert chosen is not None and chosen.path == jvm / "temurin-25"


def test_detect_java_missing_root(tmp_path: Path) -> None:
    assert detect_java(17, env={}, jvm_root=tmp_path / "nope") is None


# --------------------------------------------------------------------------- settings


def test_settings_from_env_defaults_as_root(tmp_path: Path) -> None:
    make_jdk(tmp_path, "temurin-25", "25.0.3")
    settings = NodeSettings.from_env({}, jvm_root=tmp_path, root=True)
    assert settings.version == DEFAULT_VERSION
    assert settings.port == 9200 and settings.transport_port == 9300
    assert settings.url == "http://127.0.0.1:9200"
    assert settings.home == Path("/var/lib/newsarchive/elasticsearch")
    assert settings.user == DEFAULT_USER
    assert settings.java_home == tmp_path / "temurin-25"
    assert settings.fallback_reason is None
    assert settings.data_dir == settings.home / "data-es9"
    assert settings.dist_dir == settings.home / f"elasticsearch-{DEFAULT_VERSION}"
    assert settings.zip_path == (
        Path.home()
        / ".m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch"
        / DEFAULT_VERSION
        / f"elasticsearch-{DEFAULT_VERSION}.zip"
    )


def test_settings_non_root_uses_cache_and_no_user(tmp_path: Path) -> None:
    make_jdk(tmp_path / "jvm", "temurin-25", "25.0.3")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    settings = NodeSettings.from_env(env, jvm_root=tmp_path / "jvm", root=False)
    assert settings.home == tmp_path / "cache" / "newsarchive" / "elasticsearch"
    assert settings.user is None


def test_settings_env_overrides(tmp_path: Path) -> None:
    make_jdk(tmp_path / "jvm", "temurin-25", "25.0.3")
    env = {
        "NEWSARCHIVE_ES_HOME": str(tmp_path / "node"),
        "NEWSARCHIVE_ES_PORT": "9250",
        "NEWSARCHIVE_ES_USER": "someone",
        "NEWSARCHIVE_ES_HEAP": "256m:768m",
        "NEWSARCHIVE_MAVEN_REPO": str(tmp_path / "m2"),
    }
    settings = NodeSettings.from_env(env, jvm_root=tmp_path / "jvm", root=True)
    assert settings.home == tmp_path / "node"
    assert (settings.port, settings.transport_port) == (9250, 9350)
    assert settings.user == "someone"
    assert (settings.heap_min, settings.heap_max) == ("256m", "768m")
    assert settings.maven_repo == tmp_path / "m2" and settings.maven_repo_overridden
    explicit = NodeSettings.from_env(
        {**env, "NEWSARCHIVE_ES_TRANSPORT_PORT": "9999"}, jvm_root=tmp_path / "jvm", root=True
    )
    assert explicit.transport_port == 9999


def test_settings_fall_back_to_8x_without_jdk21(tmp_path: Path) -> None:
    make_jdk(tmp_path, "java-17-openjdk-amd64", "17.0.15")
    settings = NodeSettings.from_env({}, jvm_root=tmp_path, root=True)
    assert settings.version == FALLBACK_VERSION
    assert settings.java_home == tmp_path / "java-17-openjdk-amd64"
    assert settings.fallback_reason is not None
    assert "elasticsearch[async]>=8.19,<9" in settings.fallback_reason
    assert settings.data_dir.name == "data-es8"


def test_settings_without_any_jdk(tmp_path: Path) -> None:
    settings = NodeSettings.from_env({}, jvm_root=tmp_path, root=False)
    assert settings.version == DEFAULT_VERSION and settings.java_home is None
    with pytest.raises(ElasticsearchNodeError, match="no JDK >= 21"):
        localnode._require_java(settings)


def test_settings_pinned_version_needs_matching_jdk(tmp_path: Path) -> None:
    make_jdk(tmp_path, "java-17", "17.0.15")
    pinned = NodeSettings.from_env(
        {"NEWSARCHIVE_ES_VERSION": "9.2.4"}, jvm_root=tmp_path, root=False
    )
    assert pinned.version == "9.2.4" and pinned.java_home is None
    assert pinned.fallback_reason is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSARCHIVE_ES_PORT": "http"}, "NEWSARCHIVE_ES_PORT"),
        ({"NEWSARCHIVE_ES_PORT": "70000"}, "NEWSARCHIVE_ES_PORT"),
        ({"NEWSARCHIVE_ES_PORT": "9300", "NEWSARCHIVE_ES_TRANSPORT_PORT": "9300"}, "differ"),
        ({"NEWSARCHIVE_ES_HEAP": "lots"}, "NEWSARCHIVE_ES_HEAP"),
        ({"NEWSARCHIVE_ES_HEAP": "2g:1g"}, "minimum exceeds"),
    ],
)
def test_settings_reject_bad_env(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ElasticsearchNodeError, match=message):
        NodeSettings.from_env(env, jvm_root=tmp_path, root=False)


# --------------------------------------------------------------------------- rendering


def test_render_yml_full(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, 9200, transport_port=9300)
    text = render_elasticsearch_yml(
        settings, allow_mmap=False, modules=frozenset({"x-pack-security", "ingest-geoip"})
    )
    parsed = yaml.safe_load(text)
    assert parsed == {
        "cluster.name": "newsarchive",
        "node.name": "newsarchive-local",
        "network.host": "127.0.0.1",
        "http.port": 9200,
        "transport.port": 9300,
        "discovery.type": "single-node",
        "path.data": str(settings.data_dir),
        "path.logs": str(settings.logs_dir),
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "node.store.allow_mmap": False,
        "xpack.security.enabled": False,
        "ingest.geoip.downloader.enabled": False,
    }


def test_render_yml_omits_settings_of_missing_modules(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, 9250, home=tmp_path / "we ird: home#")
    parsed = yaml.safe_load(
        render_elasticsearch_yml(settings, allow_mmap=True, modules=frozenset())
    )
    assert "xpack.security.enabled" not in parsed
    assert "ingest.geoip.downloader.enabled" not in parsed
    assert "node.store.allow_mmap" not in parsed
    assert parsed["http.port"] == 9250
    assert parsed["path.data"] == str(settings.data_dir)  # quoting survives odd characters


def test_render_jvm_options(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, 9200, heap_min="256m", heap_max="2g")
    assert render_jvm_options(settings) == "-Xms256m\n-Xmx2g\n"


def test_mmap_is_safe(tmp_path: Path) -> None:
    proc = tmp_path / "max_map_count"
    proc.write_text("65530\n")
    assert not mmap_is_safe(proc)
    proc.write_text("262144\n")
    assert mmap_is_safe(proc)
    assert not mmap_is_safe(tmp_path / "missing")


def test_dist_modules(tmp_path: Path) -> None:
    for name in ("x-pack-core", "x-pack-security"):
        (tmp_path / "modules" / name).mkdir(parents=True)
    assert localnode.dist_modules(tmp_path) == {"x-pack-core", "x-pack-security"}
    assert localnode.dist_modules(tmp_path / "nothing") == frozenset()


def test_compatibility_problem() -> None:
    assert compatibility_problem("9.2.8", "9.2.1") is None
    assert compatibility_problem("9.2.8", None) is None
    problem = compatibility_problem("8.19.21", "9.2.1")
    assert problem is not None and "elasticsearch[async]>=8.0,<9" in problem


# --------------------------------------------------------------------------- install pieces


def test_find_hunspell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSARCHIVE_HUNSPELL_DIR", raising=False)
    empty, full = tmp_path / "empty", tmp_path / "full"
    empty.mkdir()
    full.mkdir()
    (full / "en_US.aff").write_text("SET UTF-8\n")
    (full / "en_US.dic").write_text("1\nword\n")
    assert find_hunspell("en_US", [empty]) is None
    assert find_hunspell("en_US", [empty, full]) == (full / "en_US.aff", full / "en_US.dic")


def test_install_hunspell_copies_into_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "dicts"
    source.mkdir()
    (source / "en_US.aff").write_text("SET UTF-8\n")
    (source / "en_US.dic").write_text("1\nword\n")
    monkeypatch.setenv("NEWSARCHIVE_HUNSPELL_DIR", str(source))
    settings = settings_for(tmp_path, 9200)
    localnode._install_hunspell(settings)
    target = settings.config_dir / "hunspell" / "en_US"
    assert (target / "en_US.dic").read_text() == "1\nword\n"
    assert (target / "en_US.aff").is_file()


def test_unpack_restores_modes_and_is_atomic(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, 9200, version="9.9.9")
    archive = tmp_path / "es.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        script = zipfile.ZipInfo("elasticsearch-9.9.9/bin/elasticsearch")
        script.external_attr = (stat.S_IFREG | 0o755) << 16
        zf.writestr(script, "#!/bin/sh\n")
        conf = zipfile.ZipInfo("elasticsearch-9.9.9/config/jvm.options")
        conf.external_attr = (stat.S_IFREG | 0o644) << 16
        zf.writestr(conf, "-Xss1m\n")
    settings.home.mkdir(parents=True)
    localnode._unpack(archive, settings)
    binary = settings.dist_dir / "bin" / "elasticsearch"
    assert binary.stat().st_mode & 0o777 == 0o755
    assert (settings.config_dir / "jvm.options").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in settings.home.iterdir()] == ["elasticsearch-9.9.9"]


def test_unpack_rejects_foreign_entries(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, 9200, version="9.9.9")
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("elasticsearch-9.9.9/../../escape", "x")
    settings.home.mkdir(parents=True)
    with pytest.raises(ElasticsearchNodeError, match="unexpected entry"):
        localnode._unpack(archive, settings)
    assert not settings.dist_dir.exists()


def test_fetch_zip_uses_cached_archive(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, 9200)
    settings.zip_path.parent.mkdir(parents=True)
    with zipfile.ZipFile(settings.zip_path, "w") as zf:
        zf.writestr("elasticsearch-x/README", "hi")
    assert localnode._fetch_zip(settings) == settings.zip_path


def test_fetch_zip_without_maven_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(ElasticsearchNodeError, match="apt-get install maven"):
        localnode._fetch_zip(settings_for(tmp_path, 9200))


# --------------------------------------------------------------------------- probing and control


def test_probe_nothing_listening(tmp_path: Path) -> None:
    assert localnode._probe(settings_for(tmp_path, free_port())).kind == "none"


def test_probe_recognises_elasticsearch(tmp_path: Path, fake_es: FakeServer) -> None:
    found = localnode._probe(settings_for(tmp_path, fake_es.port))
    assert (found.kind, found.version, found.pid) == ("es", DEFAULT_VERSION, 4242)


def test_probe_recognises_es_even_without_node_info(tmp_path: Path) -> None:
    server = FakeServer({"/_nodes/_local": (401, ES_HEADERS, b'{"error":"auth","status":401}')})
    try:
        found = localnode._probe(settings_for(tmp_path, server.port))
    finally:
        server.close()
    assert found.kind == "es" and found.version is None


def test_start_reuses_a_running_node(tmp_path: Path, fake_es: FakeServer) -> None:
    settings = settings_for(tmp_path, fake_es.port)
    assert localnode.start(settings, timeout=10) == settings.url
    assert not settings.dist_dir.exists()  # nothing was installed or launched


def test_start_refuses_port_held_by_something_else(tmp_path: Path, not_es: FakeServer) -> None:
    settings = settings_for(tmp_path, not_es.port)
    with pytest.raises(ElasticsearchNodeError, match="not Elasticsearch"):
        localnode.start(settings, timeout=5)
    assert localnode._probe(settings).kind == "other"


def test_ensure_running_rejects_client_major_mismatch(tmp_path: Path) -> None:
    server = FakeServer(fake_es_routes(FALLBACK_VERSION))
    try:
        settings = settings_for(tmp_path, server.port)
        with pytest.raises(ElasticsearchNodeError, match=r"client of major 8"):
            localnode.ensure_running(settings, timeout=10)
    finally:
        server.close()


def test_status_and_stop_when_nothing_runs(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, free_port())
    report = localnode.status(settings)
    assert not report.running and report.version is None and not report.installed
    assert "not running" in report.describe()
    assert json.loads(report.to_json())["running"] is False
    assert localnode.stop(settings) is False


def test_status_of_unmanaged_node(tmp_path: Path, fake_es: FakeServer) -> None:
    report = localnode.status(settings_for(tmp_path, fake_es.port))
    assert report.running and not report.managed
    assert (report.version, report.pid, report.cluster_status) == (DEFAULT_VERSION, 4242, "green")
    assert "not started by newsarchive" in report.describe()


def test_stale_pidfile_is_ignored_and_removed(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, free_port())
    settings.pid_file.parent.mkdir(parents=True)
    settings.pid_file.write_text("999999999\n")
    assert localnode._our_pid(settings) is None
    assert not settings.pid_file.exists()


def test_start_refuses_second_node_of_same_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path, free_port())
    other = replace(settings, port=free_port())
    other.pid_file.parent.mkdir(parents=True)
    other.pid_file.write_text(f"{os.getpid()}\n")  # a live pid, taken for a node below
    monkeypatch.setattr(localnode, "_is_elasticsearch_process", lambda _pid: True)
    with pytest.raises(ElasticsearchNodeError, match=f"already runs on port {other.port}"):
        localnode.start(settings, timeout=5)


def test_main_status_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_ES_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWSARCHIVE_ES_PORT", str(free_port()))
    assert newsarchive(["es", "status", "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["running"] is False


def test_main_reports_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_ES_PORT", "not-a-port")
    assert newsarchive(["es", "status"]) == 1
    assert "NEWSARCHIVE_ES_PORT" in capsys.readouterr().err


def test_main_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        newsarchive(["es", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("install", "start", "stop", "status"):
        assert command in out
