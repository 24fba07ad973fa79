"""Running the learner's code safely, in a transaction that is rolled back."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from trainer.db.repo import Repo
from trainer.fixtures import PROVIDERS
from trainer.notebook.stubs import YourTurn


@contextmanager
def scratch() -> Iterator[None]:
    """A transaction whose every change is rolled back at the end."""
    if Repo.in_sandbox:
        with Repo.connection() as conn, conn.transaction(force_rollback=True):
            yield
    else:
        with Repo.sandbox():
            yield


def run_test(test: Callable[..., Any],
             overrides: Mapping[str, Callable[[Any], Any]] | None = None) -> BaseException | None:
    """Run a learner's test function in a scratch transaction, with the fixtures the
    pytest plugin would give it (or `overrides` of some); None when it passes."""
    providers = {**PROVIDERS, **(overrides or {})}
    wanted = list(inspect.signature(test).parameters)
    unknown = [name for name in wanted if name not in providers]
    if unknown:
        return LookupError(f"the test asks for {', '.join(unknown)}, which the checker cannot "
                           f"give; it can give {', '.join(providers)}")
    try:
        with scratch():
            test(**{name: providers[name](Repo) for name in wanted})
    except Exception as error:  # noqa: BLE001 - any failure is the answer we want
        return error
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # pytest.raises' "DID NOT RAISE", pytest.fail(): a failure too
        return error
    return None


def is_stub(error: BaseException | None) -> bool:
    return isinstance(error, YourTurn)


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
