"""Broken variants of a learner's worker: a test with teeth fails against each of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from trainer.jobs import Worker


@contextmanager
def swapped(test: Callable[..., Any], name: str, replacement: type) -> Iterator[None]:
    """Make the learner's test see `replacement` under `name` while it runs."""
    with swapped_names(test.__globals__, {name: replacement}):
        yield


@contextmanager
def swapped_names(namespace: dict[str, Any], replacements: dict[str, Any]) -> Iterator[None]:
    """The replacements in the namespace (a test's globals) for the block, and the
    learner's own values back afterwards; a name that was not there is taken away again."""
    missing = object()
    originals = {name: namespace.get(name, missing) for name in replacements}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name, original in originals.items():
            if original is missing:
                namespace.pop(name, None)
            else:
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


def recording(worker: type[Worker], built: list[dict[str, Any]]) -> type[Worker]:
    """The worker, with the args of every job it builds noted in `built`: what a test
    did, for a hint that says what it lacks."""
    learner_new = worker.new.__func__  # type: ignore[attr-defined]

    def new(cls: type[Worker], args: Any = None, **options: Any) -> Any:
        built.append(dict(args or {}))
        return learner_new(cls, args, **options)

    recorder = variant(worker)
    recorder.new = classmethod(new)  # type: ignore[method-assign, assignment]
    return recorder
