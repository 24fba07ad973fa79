"""Database time-to-ready, per backend, cold and warm; and a fresh process's first query.

Each measurement is a new Python process, as a learner's new kernel is. "Ready" is
`prepare()`: the server answers and the trainer's schema is migrated.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from benchmarks.settings import ROOT, Settings, child_env
from benchmarks.table import Row, median, target
from trainer.db.servers import docker as _docker
from trainer.db.servers.embedded import EmbeddedServer

SECTION = "database"

READY = """
import json, time
from trainer.bootstrap import prepare
began = time.perf_counter()
database = prepare()
print(json.dumps({"seconds": time.perf_counter() - began, "backend": database.backend}))
"""

FIRST_QUERY = """
import time
from trainer.bootstrap import prepare
from trainer.db import Repo
prepare()
Repo.query("select 1")
print(time.monotonic())
"""


def run_child(code: str, env: dict[str, str]) -> str:
    """Run Python code in a fresh interpreter; return its last line of output."""
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, text=True,
                          capture_output=True, timeout=180, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child process failed: {done.stderr.strip()[-600:]}")
    return done.stdout.strip().splitlines()[-1]


def ready_seconds(backend: str, **env: str | None) -> float:
    result = json.loads(run_child(READY, child_env(TRAINER_DATABASE=backend, **env)))
    assert result["backend"] == backend, result
    return float(result["seconds"])


def cold_embedded() -> float:
    """A start with no template cluster (and no copied binaries): initdb runs."""
    folder = tempfile.mkdtemp(prefix="tb-")  # short: a socket path must fit in 107 bytes
    os.chmod(folder, 0o755)  # as root the server runs as its own user: it must get in
    try:
        return ready_seconds("embedded", XDG_CACHE_HOME=f"{folder}/cache",
                             TRAINER_RUNTIME_DIR=f"{folder}/run")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def first_query() -> float:
    """Interpreter start to `select 1` answered (embedded, warm). CLOCK_MONOTONIC is one
    clock for every process on the machine, so the child's reading can end our timer."""
    began = time.monotonic()
    ended = float(run_child(FIRST_QUERY, child_env(TRAINER_DATABASE="embedded")))
    return ended - began


def measure(settings: Settings, action: Callable[[int], float], warm_up: bool) -> float:
    if warm_up:
        action(-1)
    return median([action(run) for run in range(settings.ready_runs)])


def run(settings: Settings, server: EmbeddedServer) -> list[Row]:
    runs = f"median of {settings.ready_runs}"
    url = server.url()
    rows = []
    seconds = measure(settings, lambda _: cold_embedded(), warm_up=False)
    rows.append(Row(SECTION, "embedded, cold (empty cache: initdb)", seconds, "s",
                    f"prepare() in a fresh process; {runs}"))
    seconds = measure(settings, lambda _: ready_seconds("embedded"), warm_up=True)
    rows.append(Row(SECTION, "embedded, warm (template cluster cached)", seconds, "s",
                    f"{runs}; {target(seconds, 1.0, text='< 1 s')}"))
    seconds = measure(settings, lambda i: ready_seconds(
        "url", TRAINER_DATABASE_URL=url, TRAINER_DATABASE_NAME=f"bench_url_cold_{i}"),
        warm_up=False)
    rows.append(Row(SECTION, "URL, cold (new database: create + migrate)", seconds, "s",
                    f"a server started by the benchmark; {runs}"))
    seconds = measure(settings, lambda _: ready_seconds(
        "url", TRAINER_DATABASE_URL=url, TRAINER_DATABASE_NAME="bench_url_warm"),
        warm_up=True)
    rows.append(Row(SECTION, "URL, warm (database migrated)", seconds, "s", runs))
    rows += docker_rows(settings)
    seconds = measure(settings, lambda _: first_query(), warm_up=False)  # warm by now
    rows.append(Row(SECTION, "first query in a fresh process", seconds, "s",
                    f"interpreter start to `select 1` answered, embedded warm; {runs}; "
                    f"{target(seconds, 2.0, text='< 2 s')}"))
    return rows


def docker_rows(settings: Settings) -> list[Row]:
    problem = _docker.ping()
    label = "Docker (image present)"
    if problem is not None:
        return [Row(SECTION, label, None, "s", f"skipped: Docker not reachable: {problem}")]
    seconds = measure(settings, lambda _: ready_seconds("docker"), warm_up=True)
    return [Row(SECTION, label, seconds, "s",
                f"a new container each time; median of {settings.ready_runs}; cold (image "
                "pulled) not measured: no registry here")]
