"""Running one `postgres` process on a data folder, and knowing when it is ready."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg

from trainer.db.servers.folders import run_as
from trainer.errors import DatabaseUnavailable

SERVER_SETTINGS = {
    # A lesson database holds nothing worth a disk flush; these make it several times faster.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    # Dynamic shared memory in files of the data folder, not in /dev/shm: a server that
    # is killed leaves nothing behind that outlives its folder.
    "dynamic_shared_memory_type": "mmap",
}


def socket_conninfo(socket_dir: Path, port: int, dbname: str = "postgres") -> str:
    return psycopg.conninfo.make_conninfo(host=str(socket_dir), port=port, user="postgres",
                                          dbname=dbname)


# A Unix socket's path may hold 107 bytes at most (sun_path): a folder deep in a home
# folder can be too long for `.s.PGSQL.<port>`.
SOCKET_PATH_MAX = 107


def socket_fits(socket_dir: Path, port: int) -> bool:
    return len(os.fsencode(socket_dir / f".s.PGSQL.{port}")) <= SOCKET_PATH_MAX


def launch(bin_dir: Path, server_dir: Path, *, port: int, tcp: bool,
           user: str | None, socket_dir: Path | None = None) -> subprocess.Popen[bytes]:
    """Start postgres on `server_dir/data`, its socket in `socket_dir` (`server_dir` by
    default); wait until ready."""
    socket_dir = socket_dir or server_dir
    command = [
        str(bin_dir / "bin" / "postgres"),
        "-D", str(server_dir / "data"),
        "-k", str(socket_dir),
        "-h", "127.0.0.1" if tcp else "",
        "-p", str(port),
    ]
    for name, value in SERVER_SETTINGS.items():
        command += ["-c", f"{name}={value}"]
    log = open(server_dir / "postgres.log", "ab")
    # A new session: interrupting a notebook cell must not reach the server.
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        **run_as(user),
    )
    log.close()
    _wait_until_ready(process, server_dir, socket_dir, port)
    return process


def _wait_until_ready(process: subprocess.Popen[bytes], server_dir: Path, socket_dir: Path,
                      port: int, timeout: float = 30.0) -> None:
    local = socket_conninfo(socket_dir, port)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise DatabaseUnavailable(
                "the embedded PostgreSQL server exited while starting; its log says:\n"
                + log_tail(server_dir)
            )
        try:
            psycopg.connect(local, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise DatabaseUnavailable(
                    f"the embedded PostgreSQL server was not ready after {timeout:.0f} s; "
                    "its log says:\n" + log_tail(server_dir)
                ) from None
            time.sleep(0.01)


def log_tail(server_dir: Path, lines: int = 20) -> str:
    try:
        text = (server_dir / "postgres.log").read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """Fast shutdown; a kill if it has not stopped within 10 s."""
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
