"""A database of the check's own, and the learner's test run on it.

A running queue works in threads of its own, on connections of its own, and so never sees
inside a test's rolled-back transaction. So the checks never run a learner's test on the
learner's database: every `Repository` the test names (other than the lesson's `Repo`) is
swapped, while it runs, for a database of the check's own, made for the check and dropped
after it. Every instance a run leaves started is stopped, and said so. What a perform
prints is kept out of the report.
"""

from __future__ import annotations

import contextlib
import io
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from trainer.db.own_database import drop_database, new_database
from trainer.db.repo import Repo, Repository
from trainer.grading.mutants import swapped
from trainer.grading.runner import run_test
from trainer.jobs import Oban
from trainer.jobs.migration import Migration
from trainer.jobs.runtime import instance as runtime

CHECK_DATABASE = "l01_self_check"


@contextlib.contextmanager
def check_database(*, migrated: bool) -> Iterator[Repository]:
    """A fresh database for one check, with the job tables or without; dropped after."""
    before = {id(found) for found in runtime.started()}  # the learner's own keep running
    repo = new_database(CHECK_DATABASE)
    try:
        if migrated:
            Migration.up(repo)
        yield repo
    finally:
        stop_started_since(before)
        drop_database(CHECK_DATABASE)


def stop_started_since(before: set[int]) -> bool:
    """Stop every instance started since `before` (ids); True when there was one."""
    left = [found for found in runtime.started() if id(found) not in before]
    for found in left:
        found.stop()
    return bool(left)


def _names_used(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_used(const)
    return names


def _own_repos(test: Any) -> list[str]:
    """The names of the databases of the learner's own that the test uses."""
    namespace = test.__globals__
    return sorted(name for name in _names_used(test.__code__)
                  if isinstance(namespace.get(name), Repository) and namespace[name] is not Repo)


@dataclass
class Run:
    error: BaseException | None
    repos: list[Any]         # the repo of every Oban the test made
    left_running: bool       # an instance it started was still running after it


def run_once(test: Any, database: Repository, swaps: dict[str, Any] | None = None) -> Run:
    """Run the learner's test once: its own databases swapped for `database`, the names
    in `swaps` swapped too, its Oban recording which database it was given."""
    repos: list[Any] = []
    engine = (swaps or {}).get("Oban", test.__globals__.get("Oban", Oban))
    if not (isinstance(engine, type) and issubclass(engine, Oban)):
        engine = Oban

    class Recording(engine):  # type: ignore[valid-type, misc]
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            repos.append(self.repo)

    Recording.__name__ = Recording.__qualname__ = "Oban"
    before = {id(found) for found in runtime.started()}
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        for name in _own_repos(test):
            stack.enter_context(swapped(test, name, database))  # type: ignore[arg-type]
        for name, value in {**(swaps or {}), "Oban": Recording}.items():
            stack.enter_context(swapped(test, name, value))
        error = run_test(test)
    return Run(error, repos, stop_started_since(before))
