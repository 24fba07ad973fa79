"""The trainer's pytest plugin: fixtures for lesson cells and for the trainer's own tests.

It is not registered as an entry point, so it changes no other project's test runs: the
lesson's `%%ipytest` cells load it with `-p trainer.plugin`, and a project's conftest.py
with `pytest_plugins = ["trainer.plugin"]`.

- Every test runs in a sandbox (one transaction, rolled back at the end) once the
  database is running in this process, so a learner's test needs no set-up code.
  Mark a test `no_sandbox` when it needs committed rows (concurrency tests).
- `repo`, `insert`, `oban`: see `trainer.fixtures`; `sandbox`: the test's sandbox, to
  allow another thread into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from trainer import fixtures
from trainer.bootstrap import prepare
from trainer.db import current
from trainer.db.repo import Repo, Repository
from trainer.db.sandbox import Sandbox
from trainer.jobs import Oban


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "no_sandbox: run the test outside the per-test sandbox transaction"
    )


NOTEBOOK_TESTS = "_trainer_tests"  # in a notebook's namespace: its tests as they last ran
last_session: dict[str, int] = {}  # the last run's counts, for the notebook's summary line


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    last_session.update(collected=session.testscollected, failed=session.testsfailed,
                        exit_code=int(exitstatus))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Remember each notebook test that runs: ipytest removes a cell's test functions
    from the namespace before the next cell runs, and a self-check of an earlier step
    must still find the learner's test for it."""
    for item in items:
        function = getattr(item, "obj", None)
        namespace = getattr(function, "__globals__", None)
        if isinstance(item, pytest.Function) and isinstance(namespace, dict) \
                and namespace.get("__name__") == "__main__":
            namespace.setdefault(NOTEBOOK_TESTS, {})[item.name] = function


@pytest.fixture(autouse=True)
def _trainer_sandbox(request: pytest.FixtureRequest) -> Iterator[None]:
    wanted = request.node.get_closest_marker("no_sandbox") is None
    if wanted and current() is not None and not Repo.in_sandbox:
        with Repo.sandbox():
            yield
    else:
        yield


@pytest.fixture
def repo() -> Iterator[Repository]:
    """The Repo, inside this test's sandbox (starting the database if needed)."""
    prepare()
    if Repo.in_sandbox:
        yield Repo
    else:
        with Repo.sandbox():
            yield Repo


@pytest.fixture
def sandbox(repo: Repository) -> Sandbox:
    """This test's sandbox: `sandbox.allow(thread)` lets another thread work inside it
    (a thread that is not allowed works outside, and what it writes is committed)."""
    found = repo.current_sandbox()
    assert found is not None
    return found


@pytest.fixture
def insert(repo: Repository) -> Callable[..., Any]:
    """The test factory: `insert("order")`, `insert("order", "refund_failure", notes=...)`."""
    return fixtures.insert(repo)


@pytest.fixture
def oban(repo: Repository) -> Oban:
    """An Oban in manual testing mode: jobs are stored in the test's sandbox and run only
    when the test drains a queue."""
    return fixtures.oban(repo)
