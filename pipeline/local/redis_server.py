"""A throw-away local Redis server for tests, benchmarks and one-machine trials of distributed mode.

Why this exists: distributed mode shares its crawl frontier through Redis, and its tests must
talk to a real server (no fakes). Debian's ``redis-server`` package provides the binary
(``scripts/setup`` installs it); this module starts a private instance on a loopback port with
its own directory, without persistence (a test frontier is disposable) and without touching any
system-wide Redis service. Operators running a real fleet use their own Redis (or the compose
profile's) and only set ``NEWSARCHIVE_REDIS_URL``.

``newsarchive redis --port 6390`` (``pipeline/local/cli.py``; also
``python -m pipeline.local.redis_server --port 6390``) runs one in the foreground.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from pipeline.exceptions import RedisUnavailable

__all__ = ["LocalRedis", "RedisUnavailable", "free_port", "redis_server_binary"]


def redis_server_binary() -> str:
    """Path of ``redis-server``; a clear error naming the package when it is missing."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if found is None:
        raise RedisUnavailable(
            "redis-server not found: install Debian's redis-server package (scripts/setup does)"
        )
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _answers_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class LocalRedis:
    """A ``redis-server`` child process on ``host:port``; use as a context manager."""

    port: int = 0
    host: str = "127.0.0.1"
    directory: Path | None = None
    maxmemory: str = "256mb"
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self, timeout: float = 15.0) -> str:
        """Start the server and wait until it answers PING; returns its URL."""
        if self.port == 0:
            self.port = free_port(self.host)
        if self.directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="newsarchive-redis-")
            self.directory = Path(self._tmp.name)
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [
            redis_server_binary(),
            "--bind",
            self.host,
            "--port",
            str(self.port),
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--maxmemory",
            self.maxmemory,
            # A frontier must refuse writes when full rather than silently evict queued requests.
            "--maxmemory-policy",
            "noeviction",
            "--daemonize",
            "no",
            "--logfile",
            str(self.directory / "redis.log"),
        ]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisUnavailable(
                    f"redis-server exited with {self.process.returncode}; see "
                    f"{self.directory / 'redis.log'}"
                )
            if _answers_ping(self.host, self.port):
                return self.url
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"redis-server on {self.host}:{self.port} did not answer PING")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and remove its temporary directory."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> LocalRedis:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


if __name__ == "__main__":  # python -m pipeline.local.redis_server: `newsarchive redis`
    import sys

    from pipeline.cli import main

    raise SystemExit(main(["redis", *sys.argv[1:]]))
