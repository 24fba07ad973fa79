"""Where PostgreSQL comes from: resolution, status line, errors, and faults."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ROOT, clean_env, run_python
from trainer import db as database
from trainer.bootstrap import embedded_server
from trainer.db.servers.embedded import EmbeddedServer
from trainer.db.servers.folders import server_folders
from trainer.db.servers.keeper import is_alive
from trainer.errors import ConfigurationError

PREPARE = """
from trainer.bootstrap import prepare
print(prepare().status_line())
"""


def test_bogus_backend_names_the_allowed_values(monkeypatch):
    monkeypatch.setenv("TRAINER_DATABASE", "bogus")
    with pytest.raises(ConfigurationError) as caught:
        database.chosen_backend()
    message = str(caught.value)
    assert "bogus" in message
    assert "url, docker, embedded" in message


def test_bogus_backend_in_a_fresh_process_is_one_clear_line():
    result = run_python(PREPARE, TRAINER_DATABASE="bogus")
    assert result.returncode != 0
    assert "ConfigurationError: TRAINER_DATABASE='bogus' is not one of" in result.stderr


def test_bad_database_name_is_refused(monkeypatch):
    monkeypatch.setenv("TRAINER_DATABASE_NAME", "x; DROP TABLE orders")
    with pytest.raises(ConfigurationError, match="lower-case letters"):
        database.database_name()


def test_embedded_is_chosen_when_docker_has_no_socket():
    result = run_python(PREPARE)
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("PostgreSQL 18.")
    assert "(embedded; Docker not reachable: no socket at /nonexistent/docker.sock)" in line


def test_embedded_can_be_forced():
    result = run_python(PREPARE, TRAINER_DATABASE="embedded")
    assert result.returncode == 0, result.stderr
    assert "ready (embedded)" in result.stdout


def test_a_docker_daemon_that_never_answers_falls_back_to_embedded(tmp_path):
    path = tmp_path / "silent.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        result = run_python(PREPARE, timeout=30, DOCKER_HOST=f"unix://{path}")
    finally:
        stop.set()
        thread.join()
        listener.close()
        for conn in accepted:
            conn.close()
    assert result.returncode == 0, result.stderr
    assert f"(embedded; Docker not reachable: no answer from unix://{path} within 2 s)" in (
        result.stdout
    )
    assert accepted, "the ping never reached the fake daemon"


def test_url_of_a_server_that_is_down_names_host_port_and_cause():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_python(PREPARE, timeout=30,
                        TRAINER_DATABASE_URL=f"postgresql://me:secret@127.0.0.1:{port}/shop")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("trainer.errors.DatabaseUnavailable: cannot connect to PostgreSQL at "
                           f"127.0.0.1:{port}: ")
    assert "refused" in last
    assert "secret" not in result.stderr


def test_url_that_never_answers_times_out_with_a_clear_error():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts, never speaks
    port = listener.getsockname()[1]
    try:
        result = run_python(PREPARE, timeout=30,
                            TRAINER_DATABASE_URL=f"postgresql://me@127.0.0.1:{port}/shop")
    finally:
        listener.close()
    assert result.returncode != 0
    assert f"cannot connect to PostgreSQL at 127.0.0.1:{port}" in result.stderr
    assert "timeout" in result.stderr.lower()


def test_url_without_a_url_is_a_configuration_error():
    result = run_python(PREPARE, TRAINER_DATABASE="url")
    assert result.returncode != 0
    assert "TRAINER_DATABASE=url needs TRAINER_DATABASE_URL" in result.stderr


@pytest.fixture(scope="module")
def tcp_server():
    """A second server, on 127.0.0.1 with a password: the 'server you already have'."""
    server = embedded_server(tcp=True)
    yield server
    server.stop()


def test_url_path_uses_the_given_server_in_a_database_of_its_own(tcp_server):
    result = run_python(PREPARE + """
from trainer.db import Repo
print(Repo.query("SELECT current_database() AS db")[0]["db"])
""", TRAINER_DATABASE_URL=tcp_server.url())
    assert result.returncode == 0, result.stderr
    status, db = result.stdout.strip().splitlines()
    assert "ready (url; TRAINER_DATABASE_URL is set)" in status
    assert db == "trainer_lesson"


def test_embedded_server_listens_on_a_private_socket_only(database):
    server = database.server
    assert isinstance(server, EmbeddedServer)
    with psycopg.connect(database.conninfo) as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()[0]
    assert listen == ""
    assert (server.server_dir.stat().st_mode & 0o077) == 0


def test_tcp_server_listens_on_loopback_with_a_password(tcp_server):
    with psycopg.connect(tcp_server.url()) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
    wrong = tcp_server.url().replace(tcp_server.password, "wrong")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong)


def _wait_gone(pid: int, timeout: float = 20.0) -> bool:
    return _eventually(lambda: not is_alive(pid), timeout)


def _eventually(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


START_AND_REPORT = """
import json, sys
from trainer.bootstrap import prepare
db = prepare()
print(json.dumps({"pid": db.server.pid, "dir": str(db.server.server_dir)}), flush=True)
sys.stdin.read()
"""


@contextmanager
def owner_process(**env: str) -> Iterator[tuple[subprocess.Popen[str], dict]]:
    """A process that starts its server, reports where it is, then waits on stdin."""
    with subprocess.Popen([sys.executable, "-c", START_AND_REPORT], env=clean_env(**env),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                          cwd=ROOT) as owner:
        assert owner.stdout is not None
        yield owner, json.loads(owner.stdout.readline())
        if owner.poll() is None:
            owner.kill()


def test_a_killed_owner_leaves_no_server_behind():
    with owner_process() as (owner, info):
        owner.kill()  # SIGKILL: no atexit, no finally
        owner.wait()
    assert _wait_gone(info["pid"]), "the keeper did not stop the orphaned server"
    assert _eventually(lambda: not Path(info["dir"]).exists())


def test_a_server_whose_owner_and_keeper_died_is_swept_at_the_next_start():
    with owner_process() as (owner, info):
        keeper = json.loads((Path(info["dir"]) / "owner.json").read_text())["keeper"]
        os.kill(keeper, signal.SIGKILL)
        owner.kill()
        owner.wait()
    time.sleep(0.2)
    os.kill(info["pid"], 0)  # the orphan is still running: nobody is left to stop it
    result = run_python(PREPARE)
    assert result.returncode == 0, result.stderr
    assert _wait_gone(info["pid"])
    assert not Path(info["dir"]).exists()


def test_normal_exit_stops_the_server_and_removes_its_folder():
    with owner_process() as (owner, info):
        assert owner.stdin is not None
        owner.stdin.close()
        assert owner.wait(timeout=30) == 0
    assert _wait_gone(info["pid"], timeout=1)
    assert not Path(info["dir"]).exists()
    assert not [d for folder in server_folders() for d in folder.glob(f"pg-{owner.pid}-*")]
