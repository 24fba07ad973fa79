"""Worker: the base class of every job's code.

    class Refunder(Worker, queue="default", max_attempts=1, unique={"keys": ["id"]}):
        def perform(self, job):
            ...

    job = Refunder.new({"id": 1, "reason": "cold"}, schedule_in=600)
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, ClassVar

from trainer.clock import utcnow
from trainer.errors import ArgumentError, OptionError
from trainer.jobs import options as opts
from trainer.jobs import unique as uniq
from trainer.jobs.backoff import default_backoff
from trainer.jobs.job import Job
from trainer.jobs.states import JobState
from trainer.jobs.validate import bad, seconds_of, unknown_option
from trainer.jobs.values import check_json


class Worker:
    """Subclass it, configure it with class keywords, implement `perform(self, job)`.

    Class keywords: queue, max_attempts, priority, tags, unique, replace.
    `perform` succeeds by returning (any value); it fails by raising or by returning
    `Error(reason)`; `Cancel`, `Discard` and `Snooze` are the other outcomes.
    """

    worker_options: ClassVar[dict[str, Any]] = {}
    worker_unique: ClassVar[uniq.UniqueOptions | None] = None  # parsed once, here

    def __init_subclass__(cls, **options: Any) -> None:
        super().__init_subclass__()
        perform = cls.__dict__.get("perform")
        if inspect.iscoroutinefunction(perform) or inspect.isasyncgenfunction(perform):
            raise ArgumentError(
                f"{cls.__name__}.perform is written `async def`, but jobs run in plain "
                "threads here and nothing would await it: write `def perform(self, job):`"
            )
        checked = opts.check_worker_options(options)
        inherited = dict(getattr(cls, "worker_options", {}))
        cls.worker_options = {**inherited, **checked}
        cls.worker_unique = uniq.check_unique(cls.worker_options.get("unique"))

    @classmethod
    def worker_name(cls) -> str:
        """How jobs name this worker: `module.Class`, or just `Class` in a notebook."""
        if cls.__module__ == "__main__":
            return cls.__qualname__
        return f"{cls.__module__}.{cls.__qualname__}"

    @classmethod
    def new(cls, args: Mapping[str, Any] | None = None, **options: Any) -> Job:
        """A validated job for this worker, not stored yet: give it to `oban.insert`."""
        return build_job(cls, args, options)

    def perform(self, job: Job) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__}.perform(self, job) is not written yet"
        )

    def timeout(self, job: Job) -> float | timedelta | None:
        """How long one attempt may run in a running queue (seconds, or a timedelta);
        past it, the attempt fails with a TimeoutError. None, the default: no limit."""
        return None

    def backoff(self, job: Job) -> int:
        """Seconds before the next attempt after a failure; Oban's formula by default."""
        return default_backoff(job.attempt, job.max_attempts)


def build_job(worker: type[Worker], args: Mapping[str, Any] | None,
              options: Mapping[str, Any]) -> Job:
    if not (isinstance(worker, type) and issubclass(worker, Worker)):
        raise ArgumentError(f"expected a Worker subclass, got {worker!r}")
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        raise ArgumentError(
            f"job args must be a dict with string keys, e.g. {{'id': 1}}; got {args!r}"
        )
    args = dict(args)
    check_json(args, name="args")
    for name in options:
        if name not in opts.JOB_OPTIONS:
            raise unknown_option(name, opts.JOB_OPTIONS, "job", options[name])
    if "schedule_in" in options and "scheduled_at" in options:
        raise OptionError(
            f"schedule_in={options['schedule_in']!r} and scheduled_at="
            f"{options['scheduled_at']!r} are not allowed together: give one of them"
        )

    name = worker.worker_name()
    if not 0 < len(name) < 128:  # the table's worker_length check
        raise bad("worker", name, "a worker name (module.Class) under 128 characters; "
                       "give the class a shorter name")
    base = worker.worker_options
    merged = {**base, **options}
    unique = worker.worker_unique
    if "unique" in options:
        unique = uniq.check_unique(uniq.merge_unique(base.get("unique"), options["unique"]))

    now = utcnow()
    scheduled_at = now
    if "schedule_in" in options:
        seconds = seconds_of("schedule_in", options["schedule_in"], allow_negative=True)
        scheduled_at = now + timedelta(seconds=seconds)
    elif "scheduled_at" in options:
        scheduled_at = opts.check_scheduled_at(options["scheduled_at"])
    # Stricter than Oban: the state follows the time, so schedule_in=0 is available now.
    state = JobState.SCHEDULED if scheduled_at > now else JobState.AVAILABLE

    replace = options.get("replace", None)
    return Job(
        state=state,
        queue=opts.check_queue(merged.get("queue", "default")),
        worker=name,
        worker_class=worker,
        args=args,
        meta=opts.check_meta(merged.get("meta", {})),
        tags=opts.check_tags(merged.get("tags", ())),
        max_attempts=opts.check_max_attempts(merged.get("max_attempts", 20)),
        priority=opts.check_priority(merged.get("priority", 0)),
        inserted_at=now,
        scheduled_at=scheduled_at,
        unique=unique,
        replace=(uniq.check_replace(replace, worker_level=False) if "replace" in options
                 else base.get("replace")),
    )


# What a runner looks a job's worker up with: the class, or why there is none.
Resolver = Callable[[str], "type[Worker] | LookupError"]


def resolve_worker(name: str, known: Mapping[str, type[Worker]]) -> type[Worker]:
    """The Worker class a job names, found by its name (so the latest definition of a
    notebook class wins), else one this Oban has seen (a class defined in a function)."""
    module_name, _, attribute = name.rpartition(".")
    try:
        module = sys.modules["__main__"] if not module_name else importlib.import_module(
            module_name)
        found: Any = module
        for part in attribute.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError, KeyError):
        found = None
    if not (isinstance(found, type) and issubclass(found, Worker)):
        # Not there, or the name now means something else (a function of the same name):
        # the class this Oban saw the job built from, if any.
        found = known.get(name)
    if not (isinstance(found, type) and issubclass(found, Worker)):
        raise LookupError(f"unknown worker {name!r}: no Worker class by that name was found")
    return found
