"""The pytest plugin (entry point `pytest11`): fixtures for notebooks and tests.

- Every test runs in a sandbox (one transaction, rolled back at the end) once the
  database is running in this process, so a learner's test needs no set-up code.
  Mark a test `no_sandbox` when it needs committed rows (concurrency tests).
- `insert`: the test factory, `insert("order", "refund_failure")`.
- `repo`: the sandboxed Repo.
- `oban`: a job queue in manual testing mode, bound to the test's sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from trainer import database
from trainer.repo import Repo, Repository


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "no_sandbox: run the test outside the per-test sandbox transaction"
    )


@pytest.fixture(autouse=True)
def _trainer_sandbox(request: pytest.FixtureRequest) -> Iterator[None]:
    wanted = request.node.get_closest_marker("no_sandbox") is None
    if wanted and database.current() is not None and not Repo.in_sandbox:
        with Repo.sandbox():
            yield
    else:
        yield


@pytest.fixture
def repo() -> Iterator[Repository]:
    """The Repo, inside this test's sandbox (starting the database if needed)."""
    from trainer.bootstrap import prepare

    prepare()
    if Repo.in_sandbox:
        yield Repo
    else:
        with Repo.sandbox():
            yield Repo


@pytest.fixture
def insert(repo: Repository) -> Callable[..., Any]:
    """The test factory: `insert("order")`, `insert("order", "refund_failure", notes=...)`."""
    from trainer.chow_mojo import insert as factory

    return factory


@pytest.fixture
def oban(repo: Repository) -> Any:
    """An Oban in manual testing mode: jobs are stored in the test's sandbox and run only
    when the test drains a queue."""
    from trainer.jobs import Oban

    return Oban(testing="manual", repo=repo)
