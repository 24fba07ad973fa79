"""Running one job in a test, as Oban.Testing does: `build_job`, `perform_job` and
`with_testing_mode`.

    job = build_job(Refunder, {"id": 1}, attempt=3, max_attempts=3)
    perform_job(Refunder, {"id": 1, "reason": "cold"}, attempt=2)
    perform_job(job)
    with with_testing_mode("inline"):
        oban.insert(Mailer.new({...}))      # runs here and now, stores nothing
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from trainer.clock import utcnow
from trainer.db.repo import Repo
from trainer.errors import ArgumentError, TrainerError
from trainer.jobs import executor, modes
from trainer.jobs.job import Job
from trainer.jobs.options import check_scheduled_at
from trainer.jobs.results import Error, Outcome
from trainer.jobs.runtime.timeouts import timeout_of
from trainer.jobs.states import JobState
from trainer.jobs.validate import bad, is_int
from trainer.jobs.worker import Worker

TEST_OPTIONS = ("attempt", "inserted_at", "attempted_at")  # beside new()'s job options
RETURNS = ("None or any other value (success), Error(reason) (a failed attempt), "
           "Cancel(reason), Discard(reason) or Snooze(seconds); or raise an exception")
_fake_ids = itertools.count(1)


class JobTimeout(TrainerError, TimeoutError):
    """perform ran past the worker's timeout(job)."""


def build_job(worker: type[Worker], args: Mapping[str, Any] | None = None,
              **options: Any) -> Job:
    """The job perform_job would run: built by `worker.new(args, **options)` (so checked
    the same way), args and meta sent through JSON as the table would, executing, with a
    fake id of its own. Also takes attempt (1), inserted_at and attempted_at."""
    if not (isinstance(worker, type) and issubclass(worker, Worker)):
        raise ArgumentError(f"expected a Worker subclass, got {worker!r}")
    extra = {name: options.pop(name) for name in TEST_OPTIONS if name in options}
    job = worker.new(args, **options)
    now = utcnow()
    attempt = extra.get("attempt", 1)
    if not is_int(attempt) or not 1 <= attempt <= job.max_attempts:
        raise bad("attempt", attempt, f"a whole number from 1 to max_attempts "
                  f"({job.max_attempts})")
    times = {}
    for name in ("inserted_at", "attempted_at"):
        if name in extra:
            if not isinstance(extra[name], datetime):
                raise bad(name, extra[name], "a datetime")
            times[name] = check_scheduled_at(extra[name])
    return job.evolve(
        id=next(_fake_ids), args=json.loads(json.dumps(job.args)),
        meta=json.loads(json.dumps(job.meta)), state=JobState.EXECUTING, attempt=attempt,
        inserted_at=times.get("inserted_at", now), attempted_at=times.get("attempted_at", now),
    )


def perform_job(worker_or_job: type[Worker] | Job, args: Mapping[str, Any] | None = None,
                **options: Any) -> Any:
    """Run perform on a job built by `build_job` (or on a job you built), here, without
    storing anything; apply the worker's timeout; return what perform returned.

    Exceptions from perform propagate. A value perform may not return fails the test,
    saying what it may return."""
    if isinstance(worker_or_job, Job):
        if args is not None or options:
            raise ArgumentError("perform_job(job) takes no args or options: they are the "
                                "job's own")
        job = worker_or_job
        found = job.worker_class
        if not (isinstance(found, type) and issubclass(found, Worker)):
            raise ArgumentError(f"{job!r} was not built from a Worker class")
        worker = found
    else:
        worker = worker_or_job
        job = build_job(worker, args, **options)
    if worker.perform is Worker.perform:
        raise ArgumentError(f"{worker.__name__} does not define perform(self, job)")
    result = _attempt(job, worker)
    if result.exception is not None:
        raise result.exception
    if result.outcome is Outcome.FAILURE and not isinstance(result.returned, Error):
        raise AssertionError(f"{result.error}.\nperform may return {RETURNS}.")
    return result.returned


def _attempt(job: Job, worker: type[Worker]) -> executor.Result:
    """The attempt, in this thread; or, with a timeout, in a thread that may work in
    this test's sandbox, waited for up to the timeout."""
    timeout = timeout_of(worker, job)
    if isinstance(timeout, str):
        raise ArgumentError(timeout)
    if timeout is None:
        return executor.attempt(job, worker, utcnow)[0]
    done: list[executor.Result] = []
    thread = threading.Thread(target=lambda: done.append(executor.attempt(job, worker,
                                                                            utcnow)[0]),
                              name=f"perform_job {job.worker}", daemon=True)
    box = Repo.current_sandbox()
    if box is not None:
        box.allow(thread)
    thread.start()
    thread.join(timeout)
    if not done:
        raise JobTimeout(f"{job.worker} timed out after {timeout:g} s (its timeout(job)); "
                         "its thread runs on, and what it returns is ignored")
    return done[0]


@contextmanager
def with_testing_mode(mode: str) -> Iterator[None]:
    """Every Oban in this block (this thread and what it calls) runs in `mode`."""
    if mode not in ("inline", "manual"):
        raise bad("mode", mode, "'inline' (jobs run in insert) or 'manual' (jobs are "
                  "stored and run when drained)")
    token = modes.override.set(mode)
    try:
        yield
    finally:
        modes.override.reset(token)
