"""The trainer's pytest plugin: fixtures for lesson cells and for the trainer's own tests.

It is not registered as an entry point, so it changes no other project's test runs: the
lesson's `%%ipytest` cells load it with `-p trainer.plugin`, and a project's conftest.py
with `pytest_plugins = ["trainer.plugin"]`.

- Every test runs in a sandbox (one transaction, rolled back at the end) once the
  database is running in this process, so a learner's test needs no set-up code.
  Mark a test `no_sandbox` when it needs committed rows (concurrency tests).
- `repo`, `insert`, `oban`: see `trainer.fixtures`; `sandbox`: the test's sandbox, to
  allow another thread into it.
- A failing notebook test's traceback stops at the learner's own lines: the trainer's
  frames below them are left out.

PYTEST_DONT_REWRITE: the lesson imports this module before its first test cell, so
pytest could not rewrite its asserts anyway, and would warn about it in every lesson.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest._code import Traceback

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


def _notebook_namespace(item: pytest.Item) -> dict[str, Any] | None:
    """The notebook's namespace when `item` is a test written in a notebook cell."""
    namespace = getattr(getattr(item, "obj", None), "__globals__", None)
    if isinstance(item, pytest.Function) and isinstance(namespace, dict) \
            and namespace.get("__name__") == "__main__":
        return namespace
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Remember each notebook test that runs: ipytest removes a cell's test functions
    from the namespace before the next cell runs, and a self-check of an earlier step
    must still find the learner's test for it."""
    for item in items:
        namespace = _notebook_namespace(item)
        if isinstance(item, pytest.Function) and namespace is not None:
            namespace.setdefault(NOTEBOOK_TESTS, {})[item.name] = item.obj
            _hide_trainer_frames(item)


TRAINER_FOLDER = Path(__file__).resolve().parent


def _without_trainer_frames(traceback: Traceback) -> Traceback:
    """`traceback` less the trainer's frames, unless nothing of the learner's would remain."""
    learners = traceback.filter(
        lambda entry: TRAINER_FOLDER not in Path(entry.path).resolve().parents)
    return learners if len(learners) else traceback


def _hide_trainer_frames(item: pytest.Function) -> None:
    """Make a notebook test's failure show the learner's lines only: the error's message
    says what went wrong, and the trainer's frames below the learner's call add noise.
    (pytest 9.2 cuts the traceback to the test function in `_traceback_filter`; this
    filters what that returns.)"""
    cut = item._traceback_filter
    item._traceback_filter = lambda excinfo: _without_trainer_frames(cut(excinfo))  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Name a notebook test's frames as IPython does ("Cell In[4]:11"), not by the
    temporary file the cell was compiled into."""
    report = yield
    if _notebook_namespace(item) is not None:
        from trainer.notebook.cellfiles import cell_label

        for traceback, _, _ in getattr(report.longrepr, "chain", ()):
            for entry in traceback.reprentries:
                location = getattr(entry, "reprfileloc", None)
                if location is not None:
                    location.path = cell_label(location.path)
    return report


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
