"""Oban: insert jobs, drain queues, retry and cancel, on the trainer's PostgreSQL.

    oban = Oban(testing="manual")
    job = oban.insert(Refunder.new({"id": 1, "reason": "cold"}))
    oban.drain_queue(queue="default")   # -> DrainResult(success=1, ...)
"""

from __future__ import annotations

import hashlib
import json
import socket
import traceback
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from trainer import _sql
from trainer.errors import ArgumentError
from trainer.jobs import options as opts
from trainer.jobs.job import Job
from trainer.jobs.results import Cancel, Discard, DrainResult, Error, Snooze
from trainer.jobs.states import JobState
from trainer.jobs.values import check_json
from trainer.jobs.worker import Worker, resolve_worker
from trainer.repo import Repo, Repository, utcnow

TESTING_MODES = ("manual", "inline", "disabled")


@dataclass(frozen=True)
class _Outcome:
    """What running one job came to: a DrainResult key, and what to record."""

    kind: str  # success | failure | cancelled | discard | snoozed
    error: str | None = None
    snooze_seconds: int = 0
    exception: BaseException | None = None


class Oban:
    """A job queue on the trainer's database.

    testing="manual": jobs are stored and run only when you drain a queue (for tests).
    testing="inline": jobs run at once, in `insert`, and are not stored.
    testing="disabled" (the default): jobs are stored; drain queues to run them.
    """

    def __init__(self, *, testing: str = "disabled", repo: Repository | None = None,
                 node: str | None = None) -> None:
        if testing not in TESTING_MODES:
            raise opts.bad("testing", testing, f"one of {list(TESTING_MODES)}")
        if repo is not None and not isinstance(repo, Repository):
            raise ArgumentError(f"repo must be a Repository such as trainer.Repo, got {repo!r}")
        self.testing = testing
        self.repo = repo or Repo
        self.node = node or socket.gethostname()
        self._workers: dict[str, type[Worker]] = {}

    def __repr__(self) -> str:
        return f"Oban(testing={self.testing!r})"

    # -- inserting ---------------------------------------------------------------------

    def insert(self, job: Job) -> Job:
        """Store a job; return it as stored. With unique options, a duplicate is not stored:
        the oldest existing match comes back instead, with `conflict=True` (and with the
        fields named by `replace` overwritten)."""
        _check_job(job, "insert")
        if self.testing == "inline":
            return self._run_inline(job)
        with self.repo.connection() as conn:
            return self._insert_one(conn, job, utcnow(), lock=True)

    def insert_all(self, jobs: Iterable[Job]) -> list[Job]:
        """Store many jobs in one transaction, honouring unique and replace job by job."""
        if isinstance(jobs, Job) or not isinstance(jobs, Iterable):
            raise ArgumentError(f"insert_all expects a list of jobs, got {jobs!r}")
        jobs = list(jobs)
        for job in jobs:
            _check_job(job, "insert_all")
        if self.testing == "inline":
            return [self._run_inline(job) for job in jobs]
        if not jobs:
            return []
        now = utcnow()
        with self.repo.transaction() as conn:
            if all(job.unique is None for job in jobs):
                rows = self.repo.query(_sql.load("insert_jobs"),
                                       {"jobs": Jsonb([_batch_row(job, now) for job in jobs])})
                return sorted((Job.from_row(row) for row in rows), key=lambda j: j.id or 0)
            # One exclusive lock per unique configuration stands in for one lock per job:
            # a transaction may hold only so many locks.
            for key in sorted({_config_lock_key(job) for job in jobs if job.unique}):
                conn.execute(_sql.load("lock_unique_config"), {"config_lock_key": key})
            return [self._insert_one(conn, job, now, lock=False) for job in jobs]

    def _insert_one(self, conn: psycopg.Connection, job: Job, now: datetime,
                    lock: bool) -> Job:
        self._remember(job)
        params = _row_params(job, now)
        with conn.cursor(row_factory=dict_row) as cur:
            if job.unique is None:
                cur.execute(_sql.load("insert_job"), params)
                row = cur.fetchone()
            else:
                params.update(_unique_params(job, now, lock))
                cur.execute(_sql.load("insert_unique"), params)
                row = cur.fetchone()
        assert row is not None
        return Job.from_row(row)

    def _remember(self, job: Job) -> None:
        if job.worker_class is not None:
            self._workers[job.worker] = job.worker_class

    # -- running -----------------------------------------------------------------------

    def drain_queue(self, *, queue: str | None = None, with_limit: int | None = None,
                    with_recursion: bool = False, with_safety: bool = True,
                    with_scheduled: bool | datetime = False) -> DrainResult:
        """Run the queue's available jobs here and now, one after another, as production
        would; return how many succeeded, failed, were discarded, cancelled or snoozed.

        with_limit: jobs taken per pass (default: all). with_recursion: keep passing
        while a pass ran something (jobs inserted by jobs). with_safety=False: an
        exception in a job is raised here, after being recorded. with_scheduled: first
        make scheduled and retryable jobs available (all, or those due by a datetime).
        """
        if queue is None:
            raise opts.bad("queue", queue, "a queue name, which drain_queue requires, "
                           "e.g. drain_queue(queue='default')")
        opts.check_queue(queue)
        if with_limit is not None and (not isinstance(with_limit, int)
                                       or isinstance(with_limit, bool) or with_limit < 1):
            raise opts.bad("with_limit", with_limit, "a positive integer, or None for no limit")
        for name, flag in (("with_recursion", with_recursion), ("with_safety", with_safety)):
            if not isinstance(flag, bool):
                raise opts.bad(name, flag, "True or False")
        if not isinstance(with_scheduled, bool | datetime):
            raise opts.bad("with_scheduled", with_scheduled, "True, False or a datetime")
        result = DrainResult()
        while True:
            if with_scheduled is not False:
                until = None if with_scheduled is True else opts.check_scheduled_at(
                    with_scheduled)
                self.repo.execute(_sql.load("stage_jobs"), {"queue": queue, "until": until})
            jobs = self._fetch(queue, with_limit)
            if not jobs:
                break
            result = result + self._run_all(jobs, with_safety)
            if not with_recursion:
                break
        return result

    def _fetch(self, queue: str, limit: int | None) -> list[Job]:
        rows = self.repo.query(_sql.load("fetch_jobs"), {
            "queue": queue, "limit": limit, "now": utcnow(),
            "attempted_by": [self.node, str(uuid.uuid4())],
        })
        return sorted((Job.from_row(row) for row in rows),
                      key=lambda j: (j.priority, j.scheduled_at, j.id))

    def _run_all(self, jobs: Sequence[Job], with_safety: bool) -> DrainResult:
        counts = DrainResult()
        workers: dict[str, type[Worker] | LookupError] = {}  # resolved once per pass
        for index, job in enumerate(jobs):
            outcome = self._execute(job, workers)
            kind, statement, params = self._ack(job, outcome)
            # Each ack is committed before the next job starts: a drain that dies leaves
            # no finished job looking as if it were still running.
            self.repo.execute(_sql.load(statement), params)
            setattr(counts, kind, getattr(counts, kind) + 1)
            if outcome.exception is not None and not with_safety:
                # Stricter than Oban: the jobs not run yet go back, none stays executing.
                rest = [j.id for j in jobs[index + 1:]]
                if rest:
                    self.repo.execute(_sql.load("release_jobs"), {"ids": rest})
                raise outcome.exception
        return counts

    def _execute(self, job: Job,
                 workers: dict[str, type[Worker] | LookupError] | None = None) -> _Outcome:
        found = (workers or {}).get(job.worker)
        if found is None:
            try:
                found = resolve_worker(job.worker, self._workers)
            except LookupError as error:
                found = error
            if workers is not None:
                workers[job.worker] = found
        if isinstance(found, LookupError):
            return _Outcome("failure", error=str(found), exception=found)
        try:
            returned = found().perform(job)
        except Exception as error:  # noqa: BLE001 - any error fails the attempt
            text = "".join(traceback.format_exception(error)).rstrip()
            return _Outcome("failure", error=text, exception=error)
        return classify(job.worker, returned)

    def _ack(self, job: Job, outcome: _Outcome) -> tuple[str, str, dict[str, Any]]:
        """How to record the outcome: the DrainResult key it counts under, and the ack
        statement with its parameters."""
        now = utcnow()
        entry = None
        if outcome.error is not None:
            entry = Jsonb({"attempt": job.attempt, "at": now.isoformat(), "error": outcome.error})
        params: dict[str, Any] = {"id": job.id, "now": now, "error": entry}
        kind = outcome.kind
        if kind == "success":
            statement = "ack_completed"
        elif kind == "failure" and job.attempt < job.max_attempts:
            delay = self._backoff(job)
            params["scheduled_at"] = now + timedelta(seconds=delay)
            statement = "ack_retryable"
        elif kind in ("failure", "discard"):
            kind, statement = "discard", "ack_discarded"  # exhausted failures count as discards
        elif kind == "cancelled":
            statement = "ack_cancelled"
        else:
            params["scheduled_at"] = now + timedelta(seconds=outcome.snooze_seconds)
            statement = "ack_snoozed"
        return kind, statement, params

    def _backoff(self, job: Job) -> int:
        try:
            worker = resolve_worker(job.worker, self._workers)()
        except LookupError:
            worker = Worker()
        return int(worker.backoff(job))

    def _run_inline(self, job: Job) -> Job:
        """Oban's inline testing mode: run now, store nothing, exceptions propagate."""
        self._remember(job)
        now = utcnow()
        running = job.evolve(state=JobState.EXECUTING, attempt=1, attempted_at=now)
        outcome = self._execute(running)
        if outcome.exception is not None:
            raise outcome.exception
        if outcome.kind == "success":
            return running.evolve(state=JobState.COMPLETED, completed_at=now)
        entry = {"attempt": 1, "at": now.isoformat(), "error": outcome.error}
        if outcome.kind == "failure" and running.max_attempts > 1:
            return running.evolve(state=JobState.RETRYABLE, errors=(entry,))
        if outcome.kind in ("failure", "discard"):
            return running.evolve(state=JobState.DISCARDED, discarded_at=now, errors=(entry,))
        if outcome.kind == "cancelled":
            return running.evolve(state=JobState.CANCELLED, cancelled_at=now, errors=(entry,))
        return running.evolve(state=JobState.SCHEDULED, attempt=0,
                              scheduled_at=now + timedelta(seconds=outcome.snooze_seconds))

    # -- looking, retrying, cancelling, rescuing --------------------------------------

    def list_jobs(self, *, limit: int | None = None, **filters: Any) -> list[Job]:
        """Jobs matching the filters (id, ids, worker, queue, state, args, meta), newest
        first. `args` and `meta` match when they contain the given pairs."""
        params = job_filter_params(filters)
        params["limit"] = limit
        return [Job.from_row(row) for row in self.repo.query(_sql.load("list_jobs"), params)]

    def get_job(self, job_or_id: Job | int) -> Job | None:
        """The job as it is stored now, or None."""
        found = self.list_jobs(ids=[_job_id(job_or_id)])
        return found[0] if found else None

    def retry_job(self, job_or_id: Job | int) -> None:
        """Make a finished or waiting job available to run again now."""
        self.retry_all_jobs(ids=[_job_id(job_or_id)])

    def retry_all_jobs(self, **filters: Any) -> int:
        """retry_job for every job matching the filters; return how many changed."""
        params = job_filter_params(filters)
        params["now"] = utcnow()
        return self.repo.execute(_sql.load("retry_jobs"), params)

    def cancel_job(self, job_or_id: Job | int) -> None:
        """Cancel a job that has not finished."""
        self.cancel_all_jobs(ids=[_job_id(job_or_id)])

    def cancel_all_jobs(self, **filters: Any) -> int:
        """cancel_job for every job matching the filters; return how many changed."""
        params = job_filter_params(filters)
        params["now"] = utcnow()
        return self.repo.execute(_sql.load("cancel_jobs"), params)

    def rescue_orphaned_jobs(self, *, after: int | timedelta) -> list[Job]:
        """Oban's lifeline: jobs executing for longer than `after` lost their runner.
        They become available again, or discarded when no attempt is left."""
        seconds = opts.seconds_of("after", after, allow_negative=False)
        rows = self.repo.query(_sql.load("rescue_jobs"),
                               {"now": utcnow(), "after_seconds": seconds})
        return [Job.from_row(row) for row in rows]


def classify(worker: str, returned: Any) -> _Outcome:
    """What a value returned by `perform` means."""
    if isinstance(returned, Error):
        return _Outcome("failure", error=f"{worker} failed with {returned!r}")
    if isinstance(returned, BaseException):
        return _Outcome("failure", error=f"{worker} returned {returned!r}")
    if isinstance(returned, Cancel):
        return _Outcome("cancelled", error=f"{worker} cancelled with {returned!r}")
    if isinstance(returned, Discard):
        return _Outcome("discard", error=f"{worker} discarded with {returned!r}")
    if isinstance(returned, Snooze):
        seconds = returned.seconds
        if (isinstance(seconds, bool) or not isinstance(seconds, int)
                or not 0 <= seconds <= opts.MAX_SECONDS):
            return _Outcome("failure", error=f"{worker} returned {returned!r}: Snooze takes "
                            f"a whole number of seconds, 0 or more ({opts.MAX_SPAN})")
        return _Outcome("snoozed", snooze_seconds=seconds)
    return _Outcome("success")


# -- parameters ----------------------------------------------------------------------------

def _check_job(job: Any, where: str) -> None:
    if not isinstance(job, Job):
        raise ArgumentError(
            f"{where} expects a Job built with YourWorker.new(args), got {job!r}"
        )
    if job.id is not None:
        raise ArgumentError(f"{where} got job {job.id}, which is stored already")


def _row_params(job: Job, now: datetime) -> dict[str, Any]:
    return {
        "state": job.state.value, "queue": job.queue, "worker": job.worker,
        "args": Jsonb(job.args), "meta": Jsonb(job.meta), "tags": list(job.tags),
        "max_attempts": job.max_attempts, "priority": job.priority,
        "inserted_at": now, "scheduled_at": job.scheduled_at or now,
    }


def _batch_row(job: Job, now: datetime) -> dict[str, Any]:
    """One element of insert_jobs.sql's JSON array (timestamps as ISO text)."""
    return {
        "state": job.state.value, "queue": job.queue, "worker": job.worker,
        "args": job.args, "meta": job.meta, "tags": list(job.tags),
        "max_attempts": job.max_attempts, "priority": job.priority,
        "inserted_at": now.isoformat(), "scheduled_at": (job.scheduled_at or now).isoformat(),
    }


def _pick(values: dict[str, Any], keys: tuple[str, ...] | None) -> dict[str, Any]:
    return dict(values) if keys is None else {k: v for k, v in values.items() if k in keys}


def _unique_params(job: Job, now: datetime, lock: bool) -> dict[str, Any]:
    unique = job.unique
    assert unique is not None
    replace = {state.value: list(fields) for state, fields in (job.replace or {}).items()}
    period_start = None if unique.period is None else now - timedelta(seconds=unique.period)
    return {
        # NULL keys take no lock (the lock functions are strict): insert_all holds the
        # configuration's exclusive lock already.
        "lock_key": _value_lock_key(job) if lock else None,
        "config_lock_key": _config_lock_key(job) if lock else None,
        "unique_fields": list(unique.fields),
        "unique_states": [state.value for state in unique.states],
        "args_match": Jsonb(_pick(job.args, unique.keys) if "args" in unique.fields else {}),
        "meta_match": Jsonb(_pick(job.meta, unique.keys)),
        "unique_keys": list(unique.keys) if unique.keys is not None else None,
        "period_start": period_start,
        "unique_timestamp": unique.timestamp,
        "now": now,
        "replace": Jsonb(replace),
    }


def _normal(value: Any) -> Any:
    """JSON values as PostgreSQL compares them: 1.0 and 1 are the same number."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _lock_key(parts: list[Any]) -> int:
    text = json.dumps(_normal(parts), sort_keys=True, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _config_lock_key(job: Job) -> int:
    unique = job.unique
    assert unique is not None
    return _lock_key(["config", list(unique.fields), list(unique.keys or []),
                      job.worker if "worker" in unique.fields else None])


def _value_lock_key(job: Job) -> int:
    unique = job.unique
    assert unique is not None
    return _lock_key([
        "value", list(unique.fields), list(unique.keys or []),
        job.worker if "worker" in unique.fields else None,
        job.queue if "queue" in unique.fields else None,
        _pick(job.args, unique.keys) if "args" in unique.fields else None,
        _pick(job.meta, unique.keys) if "meta" in unique.fields else None,
    ])


def _job_id(job_or_id: Any) -> int:
    if isinstance(job_or_id, Job):
        if job_or_id.id is None:
            raise ArgumentError("this job is not stored yet (its id is None): insert it first")
        return job_or_id.id
    if isinstance(job_or_id, bool) or not isinstance(job_or_id, int):
        raise ArgumentError(f"expected a stored Job or a job id (int), got {job_or_id!r}")
    return job_or_id


FILTERS = ("id", "ids", "worker", "queue", "state", "args", "meta")


def job_filter_params(filters: dict[str, Any]) -> dict[str, Any]:
    """The parameters of job_filter.sql from keyword filters; each absent filter is NULL."""
    for name in filters:
        if name not in FILTERS:
            raise opts.unknown_option(name, FILTERS, "job filter")
    ids = filters.get("ids")
    if "id" in filters:
        ids = [*(ids or []), filters["id"]]
    if ids is not None:
        ids = [_job_id(i) for i in _as_list("ids", ids)]
    workers = filters.get("worker")
    if workers is not None:
        workers = [_worker_name(w) for w in _as_list("worker", workers)]
    queues = filters.get("queue")
    if queues is not None:
        queues = [opts.check_queue(q) for q in _as_list("queue", queues)]
    states = filters.get("state")
    if states is not None:
        states = _as_list("state", states)
        for state in states:
            if state not in opts.STATE_NAMES:
                raise opts.bad("state", state, f"one of {list(opts.STATE_NAMES)}")
        states = [str(s) for s in states]
    json_filters = {}
    for name in ("args", "meta"):
        value = filters.get(name)
        if value is not None and not isinstance(value, dict):
            raise opts.bad(name, value, "a dict of the pairs the job's value must contain")
        if value is not None:
            check_json(value, name=name)
        json_filters[name] = Jsonb(value) if value is not None else None
    return {"ids": ids, "workers": workers, "queues": queues, "states": states, **json_filters}


def _as_list(name: str, value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _worker_name(worker: Any) -> str:
    if isinstance(worker, type) and issubclass(worker, Worker):
        return worker.worker_name()
    if isinstance(worker, str) and worker:
        return worker
    raise opts.bad("worker", worker, "a Worker subclass or a worker name")

