"""Shared helpers for the trainer's own test suite."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from trainer.bootstrap import prepare
from trainer.db import Repository

# The trainer's fixtures (repo, insert, oban, the per-test sandbox): loaded here, since
# the plugin is no entry point that would change every pytest run.
pytest_plugins = ["trainer.plugin"]

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# The self-checks the tests run (in this process and in the kernels it starts) record
# their results here, never in the progress file of whoever runs the tests.
_PROGRESS_FOLDER = tempfile.mkdtemp(prefix="trainer-test-progress-")
os.environ["TRAINER_PROGRESS"] = str(Path(_PROGRESS_FOLDER) / "progress.json")
atexit.register(shutil.rmtree, _PROGRESS_FOLDER, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run the long variants")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="a long variant: run it with `make test-long`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def clean_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a child process, without the trainer's own settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TRAINER_DATABASE") and k != "DOCKER_HOST"}
    # No Docker for a child unless a test gives it one: as on a learner's laptop.
    env["DOCKER_HOST"] = "unix:///nonexistent/docker.sock"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def stop_process_group(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM a child started with start_new_session=True and all it started; SIGKILL
    what is still there after `timeout` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_python(
    code: str, timeout: float = 60, **env: str | None
) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh interpreter, as a learner's new kernel would."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=clean_env(**env), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )


@pytest.fixture(scope="session")
def database():
    """This process's server, migrated."""
    return prepare()


@pytest.fixture
def committed(database) -> Iterator[Repository]:
    """A Repo outside any sandbox, for tests that need committed rows; emptied after."""
    repo = Repository(database.conninfo)
    yield repo
    repo.execute("TRUNCATE oban_jobs, orders, deliveries RESTART IDENTITY")
    repo.close()


@pytest.fixture
def fresh_home() -> Iterator[dict[str, str]]:
    """A runtime folder and a cache of their own: every start there is a cold one. (Under
    /tmp, not pytest's private tmp_path: the service user must be able to reach it.)"""
    base = Path(tempfile.mkdtemp(prefix="trainer-fault-", dir="/tmp"))
    base.chmod(0o755)
    env = {"TRAINER_RUNTIME_DIR": str(base / "rt"), "XDG_CACHE_HOME": str(base / "cache"),
           "TRAINER_DATABASE": "embedded"}
    try:
        yield env
    finally:
        wait_for(lambda: not processes_under(base), "everything under the folder to stop")
        shutil.rmtree(base, ignore_errors=True)


def processes_under(base: Path) -> list[psutil.Process]:
    """Processes (servers, keepers) whose command line names a path under `base`."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any(str(base) in part for part in process.info["cmdline"] or ()):
                found.append(process)
        except psutil.Error:
            continue
    return found


def wait_for(condition, what: str, timeout: float = 60.0, poll: float = 0.05):
    """The first true value of `condition()`; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(poll)
    return value
