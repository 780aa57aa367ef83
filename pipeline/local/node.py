"""The project-managed local Elasticsearch node: fetch, configure, start, stop, report.

Why this exists: the pipeline, its integration tests and CI all need a real Elasticsearch, but
the machines have no Docker and Debian ships no Elasticsearch. Maven Central does serve a real
node, the ``integ-test-zip`` distribution (server core plus x-pack core/security, no bundled JDK
and no analysis-common plugin), so this module:

* downloads it with ``mvn dependency:get`` (the zip stays in Maven's own per-user cache, so a
  fresh clone -- as in CI -- does not download again) and unpacks it once into a node home
  outside the checkout (``/var/lib/newsarchive/elasticsearch`` as root, else
  ``$XDG_CACHE_HOME/newsarchive/elasticsearch``; ``NEWSARCHIVE_ES_HOME`` overrides);
* picks a JDK itself, because the default ``java`` may be too old for the 9.x server; with no
  JDK >= 21 it falls back, loudly, to the newest 8.x server, which runs on Java 17;
* runs the node as an unprivileged system user when called as root, because Elasticsearch
  refuses to run as root and our sessions and CI run as root;
* installs the hunspell ``en_US`` dictionary into the node's config dir, because the index
  template relies on the core ``hunspell`` token filter for stemming.

Only the standard library is used (HTTP through :mod:`urllib`), so this module works before the
Elasticsearch client is installed and never depends on the client's version. Its commands are
``newsarchive es install|start|stop|status`` (``pipeline/local/cli.py``), also reachable as
``python -m pipeline.local.node install|start|stop|status``.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import json
import logging
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pipeline.exceptions import ElasticsearchNodeError

__all__ = [
    "DEFAULT_VERSION",
    "FALLBACK_VERSION",
    "JavaHome",
    "NodeSettings",
    "NodeStatus",
    "detect_java",
    "ensure_running",
    "install",
    "render_elasticsearch_yml",
    "render_jvm_options",
    "start",
    "status",
    "stop",
]

log = logging.getLogger("pipeline.local.node")

#: The server we run; its major must match the ``elasticsearch`` Python client's major.
DEFAULT_VERSION = "9.2.8"
#: Used only when no JDK >= 21 exists: the newest 8.x runs on Java 17 but needs an 8.x client.
FALLBACK_VERSION = "8.19.21"
DEFAULT_PORT = 9200
DEFAULT_USER = "newsarchive-es"
CLUSTER_NAME = "newsarchive"
HUNSPELL_LOCALE = "en_US"
MAVEN_GROUP = "org.elasticsearch.distribution.integ-test-zip"
MAVEN_ARTIFACT = "elasticsearch"
#: Below this ``vm.max_map_count`` mmap-based stores run out of map areas, so we turn mmap off.
MIN_MAX_MAP_COUNT = 262144

JVM_ROOT = Path("/usr/lib/jvm")
MAX_MAP_COUNT_FILE = Path("/proc/sys/vm/max_map_count")
#: Where distributions put hunspell dictionaries; Debian's ``hunspell-en-us`` uses the first.
HUNSPELL_SOURCE_DIRS = (
    Path("/usr/share/hunspell"),
    Path("/usr/share/myspell/dicts"),
    Path("/usr/share/myspell"),
    Path("/usr/local/share/hunspell"),
    Path("/opt/homebrew/share/hunspell"),
)
_STARTUP_LOG_NAME = "newsarchive-start.log"
# urllib honours http_proxy by default; a loopback node must never be reached through a proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# --------------------------------------------------------------------------- versions and JDKs


def es_major(version: str) -> int:
    """Major of an Elasticsearch version string such as ``9.2.8``."""
    try:
        return int(version.split(".", 1)[0])
    except ValueError as exc:
        raise ElasticsearchNodeError(f"not an Elasticsearch version: {version!r}") from exc


def min_java_major(version: str) -> int:
    """Oldest JDK a server version runs on: 9.x needs 21, 8.x needs 17 (without bundled JDK)."""
    return 21 if es_major(version) >= 9 else 17


@dataclass(frozen=True)
class JavaHome:
    """A JDK found on disk; ``major`` decides which server version it can run."""

    path: Path
    major: int
    version: str


def parse_java_version(text: str) -> tuple[int, str] | None:
    """Read a JDK version from a ``release`` file or from ``java -version`` output.

    Both spell it in double quotes (``JAVA_VERSION="25.0.3"``, ``openjdk version "17.0.15"``);
    pre-9 JDKs use ``1.8.0_392`` where the major is the second field.
    """
    match = re.search(r'JAVA_VERSION="([^"]+)"', text) or re.search(r'version "([^"]+)"', text)
    if match is None:
        return None
    version = match.group(1)
    parts = re.split(r"[.+_-]", version)
    try:
        major = int(parts[1]) if parts[0] == "1" and len(parts) > 1 else int(parts[0])
    except ValueError:
        return None
    return major, version


def probe_java_home(path: Path) -> JavaHome | None:
    """Tell whether ``path`` is a usable JDK and which version; None if it is not one.

    The ``release`` file is read first because it is instant; ``bin/java -version`` is the
    fallback for JDKs that ship without one.
    """
    java = path / "bin" / "java"
    if not (java.is_file() and os.access(java, os.X_OK)):
        return None
    release = path / "release"
    parsed: tuple[int, str] | None = None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        parsed = parse_java_version(release.read_text(encoding="utf-8"))
    if parsed is None:
        try:
            done = subprocess.run(
                [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        parsed = parse_java_version(done.stderr + done.stdout)
    if parsed is None:
        return None
    return JavaHome(path=path, major=parsed[0], version=parsed[1])


def detect_java(
    min_major: int, *, env: Mapping[str, str] | None = None, jvm_root: Path = JVM_ROOT
) -> JavaHome | None:
    """Pick a JDK of at least ``min_major``.

    An explicit ``ES_JAVA_HOME``/``JAVA_HOME`` that is new enough wins, because the user chose
    it; otherwise the newest JDK under ``jvm_root`` (symlinked duplicates counted once).
    """
    env = os.environ if env is None else env
    seen: set[Path] = set()
    explicit: list[JavaHome] = []
    scanned: list[JavaHome] = []
    for var in ("ES_JAVA_HOME", "JAVA_HOME"):
        value = env.get(var, "").strip()
        if value:
            found = probe_java_home(Path(value))
            if found is not None and found.major >= min_major:
                explicit.append(found)
    if explicit:
        return explicit[0]
    if jvm_root.is_dir():
        for path in sorted(p for p in jvm_root.iterdir() if p.is_dir()):
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            found = probe_java_home(path)
            if found is not None and found.major >= min_major:
                scanned.append(found)
    if not scanned:
        return None
    return max(scanned, key=lambda j: j.major)


# --------------------------------------------------------------------------- settings


def _is_root() -> bool:
    return os.geteuid() == 0


def default_home(env: Mapping[str, str] | None = None, *, root: bool | None = None) -> Path:
    """Where the node lives when ``NEWSARCHIVE_ES_HOME`` is unset.

    As root it cannot be under root's home (mode 700, unreadable for the node's own user), so
    it goes to ``/var/lib``; otherwise to the per-user cache. Never inside the checkout, so a
    fresh clone (CI) reuses the unpacked node.
    """
    env = os.environ if env is None else env
    root = _is_root() if root is None else root
    override = env.get("NEWSARCHIVE_ES_HOME", "").strip()
    if override:
        return Path(override).expanduser().absolute()
    if root:
        return Path("/var/lib/newsarchive/elasticsearch")
    cache = env.get("XDG_CACHE_HOME", "").strip()
    base = Path(cache) if cache else Path.home() / ".cache"
    return base / "newsarchive" / "elasticsearch"


def _env_port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise ElasticsearchNodeError(f"{name}={raw!r} is not a TCP port (1-65535)")
    return port


def _heap_bytes(size: str) -> int:
    """``512m`` -> bytes, to compare the JVM heap bounds before the JVM refuses them."""
    return int(size[:-1]) * {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[size[-1]]


@dataclass(frozen=True)
class NodeSettings:
    """Everything that decides how the local node is installed and run.

    Build it with :meth:`from_env` unless a test needs exact values. ``fallback_reason`` is set
    when the 8.x server was chosen because no JDK >= 21 exists; callers surface it because the
    Python client of major 9 cannot talk to an 8.x server.
    """

    version: str = DEFAULT_VERSION
    port: int = DEFAULT_PORT
    home: Path = field(default_factory=default_home)
    transport_port: int = DEFAULT_PORT + 100
    host: str = "127.0.0.1"
    java_home: Path | None = None
    java_version: str | None = None
    user: str | None = None
    heap_min: str = "512m"
    heap_max: str = "1g"
    maven_repo: Path = field(default_factory=lambda: Path.home() / ".m2" / "repository")
    maven_repo_overridden: bool = False
    fallback_reason: str | None = None

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        jvm_root: Path = JVM_ROOT,
        root: bool | None = None,
    ) -> NodeSettings:
        """Settings from the environment.

        ``NEWSARCHIVE_ES_HOME``, ``NEWSARCHIVE_ES_PORT``, ``NEWSARCHIVE_ES_TRANSPORT_PORT``
        (default: HTTP port + 100), ``NEWSARCHIVE_ES_VERSION`` (default: 9.2.8, or 8.19.21
        when no JDK >= 21 is found), ``NEWSARCHIVE_ES_USER`` (run-as user when root),
        ``NEWSARCHIVE_ES_HEAP`` (``MIN:MAX``, e.g. ``512m:1g``), ``NEWSARCHIVE_MAVEN_REPO``
        (Maven local repository) and ``ES_JAVA_HOME``/``JAVA_HOME`` (preferred JDK).
        """
        env = os.environ if env is None else env
        root = _is_root() if root is None else root
        port = _env_port(env, "NEWSARCHIVE_ES_PORT", DEFAULT_PORT)
        default_transport = port + 100 if port <= 65435 else port - 100
        transport = _env_port(env, "NEWSARCHIVE_ES_TRANSPORT_PORT", default_transport)
        if transport == port:
            raise ElasticsearchNodeError(
                f"NEWSARCHIVE_ES_TRANSPORT_PORT must differ from the HTTP port {port}"
            )
        heap_min, heap_max = "512m", "1g"
        heap = env.get("NEWSARCHIVE_ES_HEAP", "").strip()
        if heap:
            match = re.fullmatch(r"(\d+[kmg])(?::(\d+[kmg]))?", heap.lower())
            if match is None:
                raise ElasticsearchNodeError(
                    f"NEWSARCHIVE_ES_HEAP={heap!r}: expected MIN:MAX such as 512m:1g"
                )
            heap_min = match.group(1)
            heap_max = match.group(2) or heap_min
            if _heap_bytes(heap_min) > _heap_bytes(heap_max):
                raise ElasticsearchNodeError(
                    f"NEWSARCHIVE_ES_HEAP={heap!r}: the minimum exceeds the maximum"
                )

        fallback: str | None = None
        pinned = env.get("NEWSARCHIVE_ES_VERSION", "").strip()
        if pinned:
            version = pinned
            java = detect_java(min_java_major(version), env=env, jvm_root=jvm_root)
        else:
            version = DEFAULT_VERSION
            java = detect_java(min_java_major(DEFAULT_VERSION), env=env, jvm_root=jvm_root)
            if java is None:
                older = detect_java(min_java_major(FALLBACK_VERSION), env=env, jvm_root=jvm_root)
                if older is not None:
                    java = older
                    version = FALLBACK_VERSION
                    fallback = (
                        f"no JDK >= {min_java_major(DEFAULT_VERSION)} found (ES_JAVA_HOME, "
                        f"JAVA_HOME, {jvm_root}/*), so Elasticsearch {FALLBACK_VERSION} runs "
                        f"on Java {older.major} instead of {DEFAULT_VERSION}; it needs the "
                        f"8.x Python client (pip install 'elasticsearch[async]>=8.19,<9'), "
                        f"or install a JDK >= 21 and set ES_JAVA_HOME"
                    )

        user = (env.get("NEWSARCHIVE_ES_USER", "").strip() or DEFAULT_USER) if root else None
        maven = env.get("NEWSARCHIVE_MAVEN_REPO", "").strip()
        return cls(
            version=version,
            port=port,
            home=default_home(env, root=root),
            transport_port=transport,
            java_home=java.path if java else None,
            java_version=java.version if java else None,
            user=user,
            heap_min=heap_min,
            heap_max=heap_max,
            maven_repo=Path(maven) if maven else Path.home() / ".m2" / "repository",
            maven_repo_overridden=bool(maven),
            fallback_reason=fallback,
        )

    @property
    def major(self) -> int:
        return es_major(self.version)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def dist_dir(self) -> Path:
        """The unpacked distribution; its ``config/`` is rewritten by every start."""
        return self.home / f"elasticsearch-{self.version}"

    @property
    def config_dir(self) -> Path:
        return self.dist_dir / "config"

    @property
    def data_dir(self) -> Path:
        """Per server major: an 8.x node cannot open a 9.x data dir and vice versa."""
        return self.home / f"data-es{self.major}"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        """Named by port, so a node on another port from the same home is told apart."""
        return self.home / "run" / f"elasticsearch-{self.port}.pid"

    @property
    def zip_path(self) -> Path:
        """Where ``mvn dependency:get`` leaves the distribution zip."""
        group = MAVEN_GROUP.replace(".", "/")
        return (
            self.maven_repo
            / group
            / MAVEN_ARTIFACT
            / self.version
            / f"{MAVEN_ARTIFACT}-{self.version}.zip"
        )


# --------------------------------------------------------------------------- config rendering


def mmap_is_safe(path: Path = MAX_MAP_COUNT_FILE) -> bool:
    """True when ``vm.max_map_count`` is high enough for Elasticsearch's mmap store."""
    try:
        return int(path.read_text().strip()) >= MIN_MAX_MAP_COUNT
    except (OSError, ValueError):
        return False


def dist_modules(dist_dir: Path) -> frozenset[str]:
    """Module names shipped in a distribution, to set only settings that the node knows."""
    modules = dist_dir / "modules"
    if not modules.is_dir():
        return frozenset()
    return frozenset(p.name for p in modules.iterdir() if p.is_dir())


def render_elasticsearch_yml(
    settings: NodeSettings, *, allow_mmap: bool, modules: frozenset[str]
) -> str:
    """The node's ``elasticsearch.yml``.

    Settings owned by a module are emitted only if the module exists, because an unknown
    setting stops the node at boot (the integ-test-zip has x-pack security but no ingest-geoip).
    Strings are written as JSON, which YAML reads verbatim.
    """
    lines: list[tuple[str, object]] = [
        ("cluster.name", CLUSTER_NAME),
        ("node.name", f"{CLUSTER_NAME}-local"),
        ("network.host", settings.host),
        ("http.port", settings.port),
        ("transport.port", settings.transport_port),
        ("discovery.type", "single-node"),
        ("path.data", str(settings.data_dir)),
        ("path.logs", str(settings.logs_dir)),
        *local_machine_settings(allow_mmap=allow_mmap, modules=modules),
    ]
    return yml_text(lines, writer="pipeline.local.node")


def local_machine_settings(
    *, allow_mmap: bool, modules: frozenset[str]
) -> list[tuple[str, object]]:
    """What every project-run node needs on these machines, single or in a local cluster."""
    # Dev machines and CI often have nearly full disks; don't go read-only on them.
    lines: list[tuple[str, object]] = [("cluster.routing.allocation.disk.threshold_enabled", False)]
    if not allow_mmap:
        lines.append(("node.store.allow_mmap", False))
    if "x-pack-security" in modules:
        # Loopback-only dev node: no TLS or passwords, so plain urllib and the client work.
        lines.append(("xpack.security.enabled", False))
    if "ingest-geoip" in modules:
        # The downloader would try to reach the internet, which these machines cannot.
        lines.append(("ingest.geoip.downloader.enabled", False))
    return lines


def yml_text(lines: list[tuple[str, object]], *, writer: str) -> str:
    """``elasticsearch.yml`` text; strings as JSON, which YAML reads verbatim."""
    body = "".join(f"{key}: {json.dumps(value)}\n" for key, value in lines)
    return f"# Written by {writer} on every start; edits here are overwritten.\n" + body


def render_jvm_options(settings: NodeSettings) -> str:
    """``jvm.options.d`` file: a small heap so the node fits next to tests on a 2-core box."""
    return f"-Xms{settings.heap_min}\n-Xmx{settings.heap_max}\n"


# --------------------------------------------------------------------------- HTTP probing


def _http_json(url: str, timeout: float) -> tuple[int, Any, bool]:
    """GET ``url``; return status, decoded JSON body and whether it came from Elasticsearch.

    HTTP errors still return their body. Every Elasticsearch response since 7.14 carries
    ``X-Elastic-Product: Elasticsearch``, which tells a node from any other JSON service.
    """
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            code, body, headers = int(response.status), response.read(), response.headers
    except urllib.error.HTTPError as exc:
        code, body, headers = exc.code, exc.read(), exc.headers
    is_es = (headers.get("X-Elastic-Product") or "") == "Elasticsearch"
    return code, json.loads(body.decode("utf-8")), is_es


def _port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class _Probe:
    kind: Literal["none", "es", "other"]
    version: str | None = None
    pid: int | None = None
    detail: str = ""


_NODE_INFO_PATH = "/_nodes/_local?filter_path=nodes.*.version,nodes.*.process.id"


def _probe(settings: NodeSettings, timeout: float = 5.0) -> _Probe:
    """What listens on the node's HTTP port: nothing, an Elasticsearch, or something else.

    Asks ``/_nodes/_local`` rather than ``/``: the integ-test-zip lacks the ``rest-root``
    module, so ``GET /`` (and the client's ``info()``/``ping()``) answer 405 there.
    """
    if not _port_open(settings.host, settings.port):
        return _Probe("none")
    try:
        code, body, is_es = _http_json(settings.url + _NODE_INFO_PATH, timeout)
    except (OSError, ValueError) as exc:
        return _Probe("other", detail=f"{type(exc).__name__}: {exc}")
    nodes = body.get("nodes") if isinstance(body, dict) else None
    if code == 200 and isinstance(nodes, dict) and nodes:
        node = next(iter(nodes.values()))
        if isinstance(node, dict) and isinstance(node.get("version"), str):
            process = node.get("process")
            pid = process.get("id") if isinstance(process, dict) else None
            return _Probe("es", version=node["version"], pid=pid if isinstance(pid, int) else None)
    if is_es or (isinstance(body, dict) and "error" in body and "status" in body):
        return _Probe("es", detail=f"Elasticsearch answered HTTP {code} to {_NODE_INFO_PATH}")
    return _Probe("other", detail="answers HTTP but not as Elasticsearch")


def _cluster_health(settings: NodeSettings, *, wait: bool = True) -> str | None:
    """Cluster status; with ``wait``, only once it is at least yellow (None until then)."""
    query = "?wait_for_status=yellow&timeout=2s" if wait else ""
    try:
        code, body, _is_es = _http_json(settings.url + "/_cluster/health" + query, timeout=10)
    except (OSError, ValueError):
        return None
    health = body.get("status") if isinstance(body, dict) else None
    if not isinstance(health, str) or (wait and (code != 200 or health not in ("yellow", "green"))):
        return None
    return health


# --------------------------------------------------------------------------- processes


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    with contextlib.suppress(OSError):
        stat_line = Path(f"/proc/{pid}/stat").read_text()
        if stat_line.rsplit(")", 1)[-1].split()[0] == "Z":
            return False
    return True


def _is_elasticsearch_process(pid: int) -> bool:
    """Guard against a recycled pid in a stale pidfile: check it is really a node."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not Path("/proc/self").exists():
        return True  # no procfs: trust the pidfile
    try:
        return b"org.elasticsearch" in cmdline.read_bytes()
    except OSError:
        return False


def _read_pid(settings: NodeSettings) -> int | None:
    try:
        return int(settings.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _our_pid(settings: NodeSettings) -> int | None:
    """Pid of the node this home started, if it is alive; a stale pidfile is removed."""
    pid = _read_pid(settings)
    if pid is None:
        return None
    if _pid_alive(pid) and _is_elasticsearch_process(pid):
        return pid
    with contextlib.suppress(OSError):
        settings.pid_file.unlink()
    return None


def _other_node_of_home(settings: NodeSettings) -> tuple[int, int] | None:
    """(port, pid) of a live node started from this home on another port, if any.

    One home holds one running node: two would share the data dir (Elasticsearch locks it)
    and the log files.
    """
    run_dir = settings.pid_file.parent
    if not run_dir.is_dir():
        return None
    for pid_file in sorted(run_dir.glob("elasticsearch-*.pid")):
        port_text = pid_file.stem.removeprefix("elasticsearch-")
        if pid_file == settings.pid_file or not port_text.isdigit():
            continue
        other = replace(settings, port=int(port_text))
        pid = _our_pid(other)
        if pid is not None:
            return other.port, pid
    return None


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _log_tails(settings: NodeSettings) -> str:
    parts = []
    for path in (settings.logs_dir / _STARTUP_LOG_NAME, settings.logs_dir / f"{CLUSTER_NAME}.log"):
        tail = _tail(path)
        if tail:
            parts.append(f"--- last lines of {path} ---\n{tail}")
    return "\n".join(parts) if parts else f"(no log found in {settings.logs_dir})"


@contextlib.contextmanager
def _locked(settings: NodeSettings) -> Iterator[None]:
    """Serialise install/start/stop across processes (parallel test workers, two shells)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    with (settings.home / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- install


def _ensure_user(user: str, home: Path) -> pwd.struct_passwd:
    """Create the unprivileged system user the node runs as (root only)."""
    try:
        return pwd.getpwnam(user)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    shell = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
    log.info("creating system user %s to run Elasticsearch (it refuses to run as root)", user)
    cmd = [
        useradd,
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        str(home),
        "--shell",
        shell,
        "--comment",
        "newsarchive Elasticsearch node",
        user,
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ElasticsearchNodeError(f"cannot create user {user}: {exc}") from exc
    if done.returncode != 0:
        raise ElasticsearchNodeError(f"useradd {user} failed: {done.stderr.strip()}")
    return pwd.getpwnam(user)


def _check_reachable(path: Path, account: pwd.struct_passwd, what: str) -> None:
    """Fail early if the node's user cannot enter a parent dir (e.g. /root is mode 700)."""
    for parent in [*reversed(path.absolute().parents)]:
        try:
            info = parent.stat()
        except OSError:
            continue
        if info.st_uid == account.pw_uid:
            continue
        can_enter = info.st_mode & stat.S_IXOTH or (
            info.st_gid == account.pw_gid and info.st_mode & stat.S_IXGRP
        )
        if not can_enter:
            raise ElasticsearchNodeError(
                f"{what} {path} is inside {parent}, which user {account.pw_name} cannot enter "
                f"(mode {stat.filemode(info.st_mode)}); choose another place, e.g. "
                f"NEWSARCHIVE_ES_HOME=/var/lib/newsarchive/elasticsearch"
            )


def _fetch_zip(settings: NodeSettings) -> Path:
    """The distribution zip from Maven's local cache, downloading it with ``mvn`` if needed."""
    target = settings.zip_path
    if target.is_file() and zipfile.is_zipfile(target):
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ElasticsearchNodeError(
            f"Elasticsearch {settings.version} is not in {settings.maven_repo} and Maven is not "
            "installed to fetch it: run scripts/setup, or apt-get install maven"
        )
    coordinate = f"{MAVEN_GROUP}:{MAVEN_ARTIFACT}:{settings.version}:zip"
    cmd = [mvn, "-B", "-q", "dependency:get", f"-Dartifact={coordinate}", "-Dtransitive=false"]
    if settings.maven_repo_overridden:
        cmd.append(f"-Dmaven.repo.local={settings.maven_repo}")
    log.info("downloading Elasticsearch %s from Maven Central (about 100 MB)", settings.version)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ElasticsearchNodeError(f"mvn dependency:get {coordinate} failed: {exc}") from exc
    if done.returncode != 0 or not target.is_file():
        output = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise ElasticsearchNodeError(
            f"mvn could not fetch {coordinate} (exit {done.returncode}); expected {target}\n"
            f"{output}"
        )
    return target


def _unpack(archive: Path, settings: NodeSettings) -> None:
    """Unpack next to the final place, then rename: a half-unpacked node is never used.

    :mod:`zipfile` drops Unix modes, so they are restored from each entry's external
    attributes (``bin/elasticsearch`` must stay executable).
    """
    top = f"elasticsearch-{settings.version}"
    staging = settings.home / f".unpack-{settings.version}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    log.info("unpacking %s into %s", archive.name, settings.home)
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = info.filename
                if not name.startswith(top + "/") or ".." in Path(name).parts:
                    raise ElasticsearchNodeError(f"unexpected entry {name!r} in {archive}")
                dest = staging / name
                mode = (info.external_attr >> 16) & 0o7777
                if info.is_dir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                if stat.S_ISLNK(info.external_attr >> 16):
                    dest.symlink_to(zf.read(info).decode("utf-8"))
                    continue
                with zf.open(info) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
                dest.chmod(mode if mode else 0o644)
        (staging / top).rename(settings.dist_dir)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ElasticsearchNodeError(f"cannot unpack {archive}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def find_hunspell(
    locale: str = HUNSPELL_LOCALE, dirs: Sequence[Path] = HUNSPELL_SOURCE_DIRS
) -> tuple[Path, Path] | None:
    """The system's ``.aff``/``.dic`` pair for ``locale``, or None."""
    override = os.environ.get("NEWSARCHIVE_HUNSPELL_DIR", "").strip()
    for base in ([Path(override)] if override else []) + list(dirs):
        aff, dic = base / f"{locale}.aff", base / f"{locale}.dic"
        if aff.is_file() and dic.is_file():
            return aff, dic
    return None


def _install_hunspell(settings: NodeSettings) -> None:
    """Copy the en_US dictionary to ``<config>/hunspell/en_US``, where the node looks for it."""
    dest = settings.config_dir / "hunspell" / HUNSPELL_LOCALE
    wanted = [dest / f"{HUNSPELL_LOCALE}.aff", dest / f"{HUNSPELL_LOCALE}.dic"]
    if all(p.is_file() and p.stat().st_size > 0 for p in wanted):
        return
    source = find_hunspell()
    if source is None:
        raise ElasticsearchNodeError(
            f"hunspell dictionary {HUNSPELL_LOCALE} not found (looked in "
            f"{', '.join(map(str, HUNSPELL_SOURCE_DIRS))}); the index template needs it: "
            "apt-get install hunspell-en-us (scripts/setup does this), or set "
            "NEWSARCHIVE_HUNSPELL_DIR"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for src, dst in zip(source, wanted, strict=True):
        shutil.copyfile(src, dst)  # follows Debian's symlinks
        dst.chmod(0o644)
    log.info("installed hunspell %s dictionary from %s", HUNSPELL_LOCALE, source[0].parent)


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_config(settings: NodeSettings) -> None:
    modules = dist_modules(settings.dist_dir)
    yml = render_elasticsearch_yml(settings, allow_mmap=mmap_is_safe(), modules=modules)
    _write_if_changed(settings.config_dir / "elasticsearch.yml", yml)
    _write_if_changed(
        settings.config_dir / "jvm.options.d" / "newsarchive.options", render_jvm_options(settings)
    )


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    """Hand the node home to its user; only entries with the wrong owner are touched."""
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for path in [base, *(base / name for name in [*dirnames, *filenames])]:
            info = path.lstat()
            if info.st_uid != uid or info.st_gid != gid:
                os.lchown(path, uid, gid)


def _prepare_account(settings: NodeSettings) -> pwd.struct_passwd | None:
    """The run-as account (created if needed) after checking it can reach the home.

    Runs before anything is created on disk, so a bad home leaves no debris behind.
    """
    if not settings.user:
        return None
    account = _ensure_user(settings.user, settings.home)
    _check_reachable(settings.home, account, "node home")
    return account


def _install_locked(settings: NodeSettings) -> Path:
    account = _prepare_account(settings)
    for directory in (
        settings.home,
        settings.logs_dir,
        settings.data_dir,
        settings.pid_file.parent,
    ):
        directory.mkdir(parents=True, exist_ok=True)
    if not (settings.dist_dir / "bin" / "elasticsearch").is_file():
        _unpack(_fetch_zip(settings), settings)
    _install_hunspell(settings)
    _write_config(settings)
    if account is not None:
        _chown_tree(settings.home, account.pw_uid, account.pw_gid)
    return settings.dist_dir


def install(settings: NodeSettings | None = None) -> Path:
    """Download (once), unpack (once) and configure the node; return the distribution dir.

    Idempotent and fast when already done, so ``start`` calls it every time to re-apply the
    configuration (port, heap, mmap) and restore a missing hunspell dictionary.
    """
    settings = settings or NodeSettings.from_env()
    if settings.fallback_reason:
        log.warning("FALLBACK: %s", settings.fallback_reason)
    _prepare_account(settings)
    with _locked(settings):
        return _install_locked(settings)


# --------------------------------------------------------------------------- start / stop


def _require_java(settings: NodeSettings) -> Path:
    if settings.java_home is None:
        need = min_java_major(settings.version)
        raise ElasticsearchNodeError(
            f"no JDK >= {need} found for Elasticsearch {settings.version} (looked at "
            f"ES_JAVA_HOME, JAVA_HOME and {JVM_ROOT}/*): install one (e.g. apt-get install "
            f"openjdk-{need}-jdk-headless) or set ES_JAVA_HOME"
        )
    return settings.java_home


def _launch(
    settings: NodeSettings,
    java_home: Path,
    *,
    dist_dir: Path | None = None,
    conf_dir: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``bin/elasticsearch -d``: it returns once the node runs, or fails with a reason.

    A new session keeps the node alive after the calling shell or test run ends. ``dist_dir``
    and ``conf_dir`` let the nodes of a local cluster (``pipeline.local.cluster``) share one
    unpacked distribution, each with its own config dir (``ES_PATH_CONF``).
    """
    env = dict(os.environ)
    env["ES_JAVA_HOME"] = str(java_home)
    env.pop("ES_PATH_CONF", None)  # the node must read the config we just wrote
    if conf_dir is not None:
        env["ES_PATH_CONF"] = str(conf_dir)
    user = group = None
    if settings.user:
        account = pwd.getpwnam(settings.user)
        _check_reachable(java_home, account, "JDK")
        user, group = account.pw_uid, account.pw_gid
        env.update(HOME=str(settings.home), USER=settings.user, LOGNAME=settings.user)
    settings.pid_file.unlink(missing_ok=True)
    startup_log = settings.logs_dir / _STARTUP_LOG_NAME
    dist = dist_dir or settings.dist_dir
    cmd = [str(dist / "bin" / "elasticsearch"), "-d", "-p", str(settings.pid_file)]
    log.info(
        "starting Elasticsearch %s on %s (java %s%s)",
        settings.version,
        settings.url,
        settings.java_version or java_home,
        f", user {settings.user}" if user else "",
    )
    with startup_log.open("wb") as out:
        if user is not None:
            os.fchown(out.fileno(), user, group if group is not None else -1)
        return subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=settings.logs_dir,
            env=env,
            start_new_session=True,
            user=user,
            group=group,
            extra_groups=[] if user is not None else None,
        )


def _wait_ready(
    settings: NodeSettings,
    deadline: float,
    *,
    launcher: subprocess.Popen[bytes] | None = None,
    pid: int | None = None,
) -> str:
    """Poll cluster health until yellow; fail fast if the launcher or the node dies."""
    while True:
        health = _cluster_health(settings)
        if health is not None:
            return health
        if launcher is not None:
            code = launcher.poll()
            if code not in (None, 0):
                raise ElasticsearchNodeError(
                    f"Elasticsearch {settings.version} failed to start (launcher exit {code})\n"
                    + _log_tails(settings)
                )
            if code == 0 and pid is None:
                pid = _read_pid(settings)
        if pid is not None and not _pid_alive(pid):
            raise ElasticsearchNodeError(
                f"Elasticsearch {settings.version} (pid {pid}) exited during startup\n"
                + _log_tails(settings)
            )
        if time.monotonic() >= deadline:
            raise ElasticsearchNodeError(
                f"Elasticsearch on {settings.url} not ready (yellow) in time\n"
                + _log_tails(settings)
            )
        time.sleep(1.0)


def _start_locked(settings: NodeSettings, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    found = _probe(settings)
    if found.kind == "es":
        mine = _our_pid(settings)
        if mine is None:
            log.info(
                "reusing the Elasticsearch %s already answering on %s (not started by newsarchive)",
                found.version or "?",
                settings.url,
            )
        else:
            log.info(
                "Elasticsearch %s already running on %s (pid %d)",
                found.version or "?",
                settings.url,
                mine,
            )
        _wait_ready(settings, deadline, pid=mine)
        return settings.url
    if found.kind == "other":
        raise ElasticsearchNodeError(
            f"port {settings.port} on {settings.host} is in use by something that is not "
            f"Elasticsearch ({found.detail}); stop it or set NEWSARCHIVE_ES_PORT to a free port"
        )
    starting = _our_pid(settings)
    if starting is not None:
        log.info("Elasticsearch (pid %d) is still starting; waiting", starting)
        _wait_ready(settings, deadline, pid=starting)
        return settings.url
    other = _other_node_of_home(settings)
    if other is not None:
        raise ElasticsearchNodeError(
            f"a node from {settings.home} already runs on port {other[0]} (pid {other[1]}); "
            f"stop it first, or give this one its own NEWSARCHIVE_ES_HOME"
        )
    java_home = _require_java(settings)
    if _port_open(settings.host, settings.transport_port):
        raise ElasticsearchNodeError(
            f"transport port {settings.transport_port} is in use; set "
            "NEWSARCHIVE_ES_TRANSPORT_PORT to a free port"
        )
    if settings.fallback_reason:
        log.warning("FALLBACK: %s", settings.fallback_reason)
    _install_locked(settings)
    launcher = _launch(settings, java_home)
    try:
        health = _wait_ready(settings, deadline, launcher=launcher)
    except ElasticsearchNodeError:
        # A node half-started by us would confuse the next start: take it down.
        _stop_locked(settings, timeout=30)
        raise
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):
            launcher.wait(timeout=30)
    log.info(
        "Elasticsearch %s is up on %s (cluster %s, pid %s)",
        settings.version,
        settings.url,
        health,
        _read_pid(settings),
    )
    return settings.url


def start(settings: NodeSettings | None = None, timeout: float = 120.0) -> str:
    """Make sure a node answers on the configured port and return its base URL.

    Idempotent: a node already answering there is reused, whether ours or any other
    Elasticsearch; a port held by a non-Elasticsearch service is an error. ``timeout`` bounds
    the wait for yellow health, not the one-off download.
    """
    settings = settings or NodeSettings.from_env()
    _prepare_account(settings)
    with _locked(settings):
        return _start_locked(settings, timeout)


def _stop_locked(settings: NodeSettings, timeout: float) -> bool:
    pid = _our_pid(settings)
    if pid is None:
        if _probe(settings).kind == "es":
            log.info(
                "the node on %s was not started from %s; leaving it alone",
                settings.url,
                settings.home,
            )
        return False
    log.info("stopping Elasticsearch (pid %d)", pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    if _pid_alive(pid):
        log.warning("Elasticsearch (pid %d) ignored SIGTERM for %.0f s; killing it", pid, timeout)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        kill_deadline = time.monotonic() + 10
        while _pid_alive(pid) and time.monotonic() < kill_deadline:
            time.sleep(0.2)
    settings.pid_file.unlink(missing_ok=True)
    return True


def stop(settings: NodeSettings | None = None, *, timeout: float = 60.0) -> bool:
    """Stop the node this home started: SIGTERM, then SIGKILL after ``timeout``.

    Returns True if a node was stopped. A node not started from this home is never touched.
    """
    settings = settings or NodeSettings.from_env()
    with _locked(settings):
        return _stop_locked(settings, timeout)


# --------------------------------------------------------------------------- status


def client_version() -> str | None:
    """Installed ``elasticsearch`` Python client version (metadata only, no import)."""
    try:
        return importlib.metadata.version("elasticsearch")
    except importlib.metadata.PackageNotFoundError:
        return None


def compatibility_problem(server_version: str, client: str | None) -> str | None:
    """Why the installed client cannot talk to this server, or None if it can.

    The client sends ``compatible-with=<its major>`` headers that other majors reject.
    """
    if client is None:
        return None
    server_major, client_major = es_major(server_version), es_major(client)
    if server_major == client_major:
        return None
    return (
        f"Elasticsearch server {server_version} needs a Python client of major {server_major}, "
        f"but elasticsearch {client} is installed: pip install "
        f"'elasticsearch[async]>={server_major}.0,<{server_major + 1}'"
    )


@dataclass(frozen=True)
class NodeStatus:
    """What ``status`` reports; ``warnings`` carry the fallback and client-mismatch notes."""

    running: bool
    url: str
    version: str | None
    pid: int | None
    home: Path
    java_home: Path | None
    data_dir: Path
    managed: bool
    installed: bool
    cluster_status: str | None = None
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        """Human-readable lines for the CLI."""
        state = "running" if self.running else "not running"
        if self.running and not self.managed:
            state += " (not started by newsarchive)"
        rows = [
            ("status", state),
            ("url", self.url),
            ("version", self.version or "-"),
            ("cluster", self.cluster_status or "-"),
            ("pid", str(self.pid) if self.pid else "-"),
            ("home", str(self.home) + ("" if self.installed else " (not installed)")),
            ("data", str(self.data_dir)),
            ("java", str(self.java_home) if self.java_home else "none found"),
        ]
        text = "\n".join(f"{key:8} {value}" for key, value in rows)
        return text + "".join(f"\nWARNING: {w}" for w in self.warnings)

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("home", "java_home", "data_dir"):
            data[key] = str(data[key]) if data[key] is not None else None
        data["warnings"] = list(self.warnings)
        return json.dumps(data, indent=2)


def status(settings: NodeSettings | None = None) -> NodeStatus:
    """Report the node on the configured port, whether or not this home started it."""
    settings = settings or NodeSettings.from_env()
    found = _probe(settings)
    pid = _our_pid(settings)
    warnings: list[str] = []
    if settings.fallback_reason:
        warnings.append(settings.fallback_reason)
    if settings.java_home is None:
        warnings.append(f"no JDK >= {min_java_major(settings.version)} found")
    version = found.version if found.kind == "es" else None
    if version is not None:
        problem = compatibility_problem(version, client_version())
        if problem:
            warnings.append(problem)
    if found.kind == "other":
        warnings.append(f"port {settings.port} is held by something else: {found.detail}")
    installed = (settings.dist_dir / "bin" / "elasticsearch").is_file()
    hunspell = settings.config_dir / "hunspell" / HUNSPELL_LOCALE / f"{HUNSPELL_LOCALE}.dic"
    if installed and not hunspell.is_file():
        warnings.append(f"hunspell dictionary missing at {hunspell} (run install)")
    return NodeStatus(
        running=found.kind == "es",
        url=settings.url,
        version=version,
        pid=pid if pid is not None else found.pid,
        home=settings.home,
        java_home=settings.java_home,
        data_dir=settings.data_dir,
        managed=pid is not None,
        installed=installed,
        cluster_status=_cluster_health(settings, wait=False) if found.kind == "es" else None,
        warnings=tuple(warnings),
    )


def ensure_running(settings: NodeSettings | None = None, *, timeout: float = 180) -> str:
    """Install and start the node if needed; return its base URL, ready for the client.

    Unlike :func:`start` this also refuses a server whose major differs from the installed
    Python client's, because every client call would fail later with a less clear error.
    """
    settings = settings or NodeSettings.from_env()
    url = start(settings, timeout)
    found = _probe(settings)
    if found.version is not None:
        problem = compatibility_problem(found.version, client_version())
        if problem:
            reason = f" ({settings.fallback_reason})" if settings.fallback_reason else ""
            raise ElasticsearchNodeError(problem + reason)
    return url


if __name__ == "__main__":  # python -m pipeline.local.node: `newsarchive es` by its old name
    from pipeline.cli import main

    raise SystemExit(main(["es", *sys.argv[1:]]))
