"""Testing helpers, as Oban.Testing has them: what is enqueued, and running a job directly.

    assert_enqueued(worker=Refunder, args={"id": 1})
    refute_enqueued(worker=Refunder)
    assert_enqueued(worker=Refunder, scheduled_in=600)      # within 1 s, by default
    perform_job(Refunder, {"id": 1, "reason": "cold"})   # see trainer.job_testing

"Enqueued" means waiting to run: available, scheduled or suspended. `args` and `meta`
match when they contain the given pairs (nested dicts too); `ANY` matches any value of
a key that is present. Timestamps match within `delta` seconds (1 by default).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from trainer.clock import relative, utcnow
from trainer.db.repo import Repo
from trainer.errors import ArgumentError
from trainer.job_testing import build_job, perform_job, with_testing_mode
from trainer.jobs import options as opts
from trainer.jobs.job import Job
from trainer.jobs.oban import JobRepo, Oban
from trainer.jobs.states import ENQUEUED_STATES
from trainer.jobs.validate import bad, seconds_of, unknown_option
from trainer.jobs.worker import Worker

__all__ = ["ANY", "all_enqueued", "assert_enqueued", "build_job", "perform_job",
           "refute_enqueued", "with_testing_mode"]


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()
"""Matches any value of a key that is present: `args={"id": 1, "reason": ANY}`."""

TIMESTAMPS = ("inserted_at", "scheduled_at", "attempted_at", "completed_at", "discarded_at",
              "cancelled_at")
EQUALITY_FIELDS = ("id", "queue", "state", "tags", "priority", "attempt", "max_attempts")
FILTERS = ("worker", "args", "meta", *EQUALITY_FIELDS, *TIMESTAMPS, "scheduled_in")
POLL_SECONDS = 0.01


def all_enqueued(*, delta: float = 1.0, repo: JobRepo | None = None,
                 **filters: Any) -> list[Job]:
    """Every enqueued job matching the filters, newest first."""
    _check_seconds("delta", delta)
    wanted = _check_filters(filters)
    return [job for job in _enqueued(repo, wanted) if _matches(job, wanted, delta)]


def assert_enqueued(*, timeout: float | None = None, delta: float = 1.0,
                    repo: JobRepo | None = None, **filters: Any) -> Job:
    """Fail unless a matching job is enqueued (waiting up to `timeout` seconds for one);
    return the newest match."""
    _check_seconds("delta", delta)
    wanted = _check_nonempty("assert_enqueued", filters)
    deadline = time.monotonic() + _timeout(timeout)
    while True:
        jobs = _enqueued(repo, wanted)
        found = [job for job in jobs if _matches(job, wanted, delta)]
        if found:
            return found[0]
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"Expected a job matching {_describe(wanted)} to be enqueued, but none was.\n"
                + _listing(jobs, wanted)
            )
        time.sleep(POLL_SECONDS)


def refute_enqueued(*, timeout: float | None = None, delta: float = 1.0,
                    repo: JobRepo | None = None, **filters: Any) -> None:
    """Fail if a matching job is enqueued (now, or at any moment within `timeout` seconds)."""
    _check_seconds("delta", delta)
    wanted = _check_nonempty("refute_enqueued", filters)
    deadline = time.monotonic() + _timeout(timeout)
    while True:
        jobs = _enqueued(repo, wanted)
        found = [job for job in jobs if _matches(job, wanted, delta)]
        if found:
            raise AssertionError(
                f"Expected no job matching {_describe(wanted)} to be enqueued, "
                f"but found {len(found)}.\n" + _listing(found, wanted)
            )
        if time.monotonic() >= deadline:
            return
        time.sleep(POLL_SECONDS)


# -- matching --------------------------------------------------------------------------

def _check_filters(filters: dict[str, Any]) -> dict[str, Any]:
    for name in filters:
        if name not in FILTERS:
            raise unknown_option(name, FILTERS, "filter")
    wanted = dict(filters)
    if "worker" in wanted:
        worker = wanted["worker"]
        if isinstance(worker, type) and issubclass(worker, Worker):
            wanted["worker"] = worker.worker_name()
        elif not isinstance(worker, str):
            raise bad("worker", worker, "a Worker subclass or a worker name")
    for name in ("args", "meta"):
        if name in wanted:
            if not isinstance(wanted[name], Mapping):
                raise bad(name, wanted[name], "a dict of the pairs the job must contain")
            wanted[name] = _json_normal(wanted[name])
    if "state" in wanted and wanted["state"] not in opts.STATE_NAMES:
        raise bad("state", wanted["state"], f"one of {list(opts.STATE_NAMES)}")
    for name in ("id", "attempt", "priority", "max_attempts"):
        if name in wanted and (isinstance(wanted[name], bool)
                               or not isinstance(wanted[name], int)):
            raise bad(name, wanted[name], "an integer")
    if "queue" in wanted:
        opts.check_queue(wanted["queue"])
    if "tags" in wanted:
        wanted["tags"] = opts.check_tags(wanted["tags"])
    for name in TIMESTAMPS:
        if name in wanted:
            when, delta = _with_delta(name, wanted[name])
            wanted[name] = (opts.check_scheduled_at(when) if isinstance(when, datetime)
                            else _bad_time(name, when), delta)
    if "scheduled_in" in wanted:
        if "scheduled_at" in wanted:
            raise ArgumentError("give either scheduled_in or scheduled_at, not both")
        seconds, delta = _with_delta("scheduled_in", wanted.pop("scheduled_in"))
        wanted["scheduled_at"] = (utcnow() + timedelta(seconds=seconds), delta)
    return wanted


def _bad_time(name: str, value: Any) -> datetime:
    raise bad(name, value, "a datetime, or (datetime, delta_seconds)")


def _with_delta(name: str, value: Any) -> tuple[Any, float | None]:
    """`value` or `(value, delta_seconds)`; the delta None means the call's `delta`."""
    if isinstance(value, tuple):
        if len(value) != 2 or isinstance(value[1], bool) \
                or not isinstance(value[1], int | float) or not value[1] >= 0:
            raise bad(name, value, "a value, or a pair (value, delta_seconds)")
        base, delta = value
    else:
        base, delta = value, None
    if name == "scheduled_in":
        return seconds_of("scheduled_in", base, allow_negative=True), delta
    return base, delta


def _check_nonempty(helper: str, filters: dict[str, Any]) -> dict[str, Any]:
    if not filters:
        raise ArgumentError(f"{helper} needs at least one filter, e.g. worker=Refunder")
    return _check_filters(filters)


def _check_seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise bad(name, value, "a number of seconds, 0 or more")
    return float(value)


def _timeout(timeout: float | None) -> float:
    return 0.0 if timeout is None else _check_seconds("timeout", timeout)


def _enqueued(repo: JobRepo | None, wanted: dict[str, Any]) -> list[Job]:
    oban = Oban(repo=repo or Repo)
    return oban.list_jobs(
        state=[s.value for s in ENQUEUED_STATES],
        **{k: wanted[k] for k in ("worker", "queue") if k in wanted},
    )


def _matches(job: Job, wanted: dict[str, Any], delta: float) -> bool:
    for name, expected in wanted.items():
        actual = getattr(job, name)
        if name in ("args", "meta"):
            if not _contains(actual, expected):
                return False
        elif name in TIMESTAMPS:
            when, own_delta = expected
            tolerance = timedelta(seconds=delta if own_delta is None else own_delta)
            if actual is None or abs(actual - when) > tolerance:
                return False
        elif name == "tags":
            if list(actual) != list(expected):
                return False
        elif actual != expected:
            return False
    return True


def _contains(actual: Any, expected: Any) -> bool:
    """Recursive subset: every expected key is present and matches; other values equal."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        return all(key in actual and (value is ANY or _contains(actual[key], value))
                   for key, value in expected.items())
    return bool(actual == expected)


def _json_normal(value: Any) -> Any:
    """Tuples as lists, as they come back from the table; ANY kept as it is."""
    if isinstance(value, Mapping):
        return {str(k): _json_normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_normal(v) for v in value]
    return value


# -- messages --------------------------------------------------------------------------

def _describe(wanted: dict[str, Any]) -> str:
    parts = []
    for name, value in wanted.items():
        if name in TIMESTAMPS:
            when, delta = value
            parts.append(f"{name}={when.isoformat(sep=' ', timespec='seconds')} "
                         f"({relative(when)}"
                         + (f", ±{delta:g} s)" if delta is not None else ")"))
        else:
            parts.append(f"{name}={value!r}")
    return ", ".join(parts)


def _listing(jobs: list[Job], wanted: dict[str, Any]) -> str:
    if not jobs:
        return "Enqueued jobs: none."
    shown = [name for name in wanted if name != "worker"]
    lines = [f"Enqueued jobs (newest first, showing worker, state and {', '.join(shown)}):"
             if shown else "Enqueued jobs (newest first):"]
    for job in jobs[:20]:
        fields = [f"worker={job.worker!r}", f"state={job.state.value!r}"]
        for name in shown:
            value = getattr(job, name)
            if isinstance(value, datetime):
                fields.append(f"{name}={value.isoformat(sep=' ', timespec='seconds')} "
                              f"({relative(value)})")
            else:
                fields.append(f"{name}={value!r}")
        lines.append(f"  #{job.id} " + " ".join(fields))
    if len(jobs) > 20:
        lines.append(f"  ... and {len(jobs) - 20} more")
    return "\n".join(lines)
