"""Running the learner's code safely: in a rolled-back sandbox, with broken workers swapped in."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from trainer.chow_mojo import insert
from trainer.jobs import Oban, Worker
from trainer.repo import Repo
from trainer.stubs import YourTurn


@contextmanager
def scratch() -> Iterator[None]:
    """A transaction whose every change is rolled back at the end."""
    if Repo.in_sandbox:
        with Repo.connection() as conn, conn.transaction(force_rollback=True):
            yield
    else:
        with Repo.sandbox():
            yield


def fixtures() -> dict[str, Any]:
    """What a learner's test may ask for, as the pytest plugin would give it."""
    return {"oban": Oban(testing="manual"), "insert": insert, "repo": Repo}



def run_test(test: Callable[..., Any]) -> BaseException | None:
    """Run a learner's test function in a scratch transaction; None when it passes."""
    available = fixtures()
    wanted = list(inspect.signature(test).parameters)
    unknown = [name for name in wanted if name not in available]
    if unknown:
        return LookupError(f"the test asks for {', '.join(unknown)}, which the checker cannot "
                           f"give; it can give {', '.join(available)}")
    try:
        with scratch():
            test(**{name: available[name] for name in wanted})
    except Exception as error:  # noqa: BLE001 - any failure is the answer we want
        return error
    return None


def is_stub(error: BaseException | None) -> bool:
    return isinstance(error, YourTurn)


@contextmanager
def swapped(test: Callable[..., Any], name: str, replacement: type) -> Iterator[None]:
    """Make the learner's test see `replacement` under `name` while it runs."""
    namespace = test.__globals__
    original = namespace.get(name)
    namespace[name] = replacement
    try:
        yield
    finally:
        namespace[name] = original


def variant(worker: type[Worker], **overrides: Any) -> type[Worker]:
    """The learner's worker with some options changed, under the same name, so jobs it
    inserts name it exactly as they would name the original."""
    body = {"__module__": worker.__module__, "__qualname__": worker.__qualname__}
    return type(worker.__name__, (worker,), body, **overrides)


def without_replace(worker: type[Worker]) -> type[Worker]:
    """The learner's worker, but no job it builds replaces anything on a conflict."""
    base = variant(worker, replace=None)

    def new(cls: type[Worker], args: Any = None, **options: Any) -> Any:
        options.pop("replace", None)
        job = worker.new.__func__(cls, args, **options)  # type: ignore[attr-defined]
        return job.evolve(replace=None)

    base.new = classmethod(new)  # type: ignore[method-assign, assignment]
    return base


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
