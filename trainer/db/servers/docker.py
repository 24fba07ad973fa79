"""PostgreSQL in a container, through testcontainers, when a Docker daemon answers."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from trainer.errors import DatabaseUnavailable

DEFAULT_IMAGE = "postgres:17-alpine"
OWNER_LABEL = "org.chowmojo.trainer.owner"


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def docker_host() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


def ping(timeout: float = 2.0, host: str | None = None) -> str | None:
    """None when the daemon answers `GET /_ping` in time; otherwise why it did not.

    testcontainers would wait up to a minute on a daemon that accepts connections but
    never answers, and its own error is hard to read, so we ask first, briefly.
    """
    host = host or docker_host()
    parsed = urlparse(host)
    try:
        conn: http.client.HTTPConnection
        if parsed.scheme == "unix":
            if not os.path.exists(parsed.path):
                return f"no socket at {parsed.path}"
            conn = _UnixHTTPConnection(parsed.path, timeout)
        elif parsed.scheme in ("tcp", "http"):
            conn = http.client.HTTPConnection(parsed.hostname or "localhost",
                                              parsed.port or 2375, timeout=timeout)
        else:
            return f"DOCKER_HOST scheme {parsed.scheme!r} is not supported here"
        conn.request("GET", "/_ping")
        response = conn.getresponse()
        body = response.read(16)
        conn.close()
    except TimeoutError:
        return f"no answer from {host} within {timeout:g} s"
    except OSError as error:
        return f"cannot connect to {host}: {error.strerror or error}"
    if response.status != 200 or body.strip() != b"OK":
        return f"{host} answered {response.status} to a ping"
    return None


@dataclass(repr=False)
class DockerServer:
    container: Any
    password: str
    dbname: str

    # The port is published on the loopback address only, so that is where to connect
    # (testcontainers would offer the bridge gateway when it guesses it runs in a container).
    host = "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self.container.get_exposed_port(5432))

    def url(self, dbname: str | None = None) -> str:
        return (f"postgresql://trainer:{self.password}@{self.host}:{self.port}/"
                f"{dbname or self.dbname}")

    def conninfo(self, dbname: str = "postgres") -> str:
        return self.url(dbname)

    def __repr__(self) -> str:
        return f"DockerServer(dbname={self.dbname!r}, port=<published on {self.host}>)"

    @classmethod
    def start(cls, image: str, dbname: str) -> DockerServer:
        # The Ryuk reaper needs its own image; we clean up after ourselves instead
        # (stop at exit, and a sweep of containers whose owner process is gone).
        os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
        from testcontainers.community.postgres import PostgresContainer

        sweep_orphans()
        # Never the library's default password "test"; hex needs no escaping in a URL.
        password = secrets.token_hex(16)
        container = PostgresContainer(
            image, username="trainer", password=password, dbname=dbname, driver=None
        )
        # Publish on 127.0.0.1 only, on a free port: the library's default is every
        # interface. This is docker-py's (host_ip, host_port) form.
        container.ports["5432"] = ("127.0.0.1", None)  # type: ignore[assignment]
        container.with_kwargs(labels={OWNER_LABEL: _owner_id()})
        try:
            container.start()
        except Exception as error:
            try:
                container.stop()
            except Exception:  # noqa: S110 - the start error is the one worth showing
                pass
            raise DatabaseUnavailable(
                f"could not start a PostgreSQL container from image {image!r}: {error}"
            ) from None
        return cls(container=container, password=password, dbname=dbname)

    def stop(self) -> None:
        try:
            self.container.stop()
        except Exception:  # noqa: S110 - already gone is fine when stopping
            pass


def _owner_id() -> str:
    import psutil

    return f"{socket.gethostname()}:{os.getpid()}:{psutil.Process().create_time():.2f}"


def sweep_orphans() -> int:
    """Remove containers of ours whose owner process on this host is gone."""
    import docker
    import psutil

    client = docker.from_env(timeout=10)
    removed = 0
    try:
        for container in client.containers.list(all=True, filters={"label": OWNER_LABEL}):
            hostname, pid, started = container.labels[OWNER_LABEL].rsplit(":", 2)
            if hostname != socket.gethostname():
                continue
            try:
                alive = abs(psutil.Process(int(pid)).create_time() - float(started)) < 0.05
            except psutil.Error:
                alive = False
            if not alive:
                container.remove(force=True)
                removed += 1
    finally:
        client.close()
    return removed

