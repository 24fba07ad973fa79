"""Which jobs an operation is about: keyword filters turned into job_filter.sql's
parameters, each absent filter NULL ("any")."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from trainer.errors import ArgumentError
from trainer.jobs import options as opts
from trainer.jobs.job import Job
from trainer.jobs.validate import bad, unknown_option
from trainer.jobs.values import check_json
from trainer.jobs.worker import Worker

FILTERS = ("id", "ids", "worker", "queue", "state", "args", "meta")


def job_id(job_or_id: Any) -> int:
    """The id of a stored Job, or an int id as it is."""
    if isinstance(job_or_id, Job):
        if job_or_id.id is None:
            raise ArgumentError("this job is not stored yet (its id is None): insert it first")
        return job_or_id.id
    if isinstance(job_or_id, bool) or not isinstance(job_or_id, int):
        raise ArgumentError(f"expected a stored Job or a job id (int), got {job_or_id!r}")
    return job_or_id


def job_filter_params(filters: dict[str, Any]) -> dict[str, Any]:
    """The parameters of job_filter.sql from keyword filters; each absent filter is NULL."""
    for name in filters:
        if name not in FILTERS:
            raise unknown_option(name, FILTERS, "job filter")
    ids = filters.get("ids")
    if "id" in filters:
        ids = [*(ids or []), filters["id"]]
    if ids is not None:
        ids = [job_id(i) for i in _as_list(ids)]
    workers = filters.get("worker")
    if workers is not None:
        workers = [worker_name(w) for w in _as_list(workers)]
    queues = filters.get("queue")
    if queues is not None:
        queues = [opts.check_queue(q) for q in _as_list(queues)]
    states = filters.get("state")
    if states is not None:
        states = _as_list(states)
        for state in states:
            if state not in opts.STATE_NAMES:
                raise bad("state", state, f"one of {list(opts.STATE_NAMES)}")
        states = [str(s) for s in states]
    json_filters = {}
    for name in ("args", "meta"):
        value = filters.get(name)
        if value is not None and not isinstance(value, dict):
            raise bad(name, value, "a dict of the pairs the job's value must contain")
        if value is not None:
            check_json(value, name=name)
        json_filters[name] = Jsonb(value) if value is not None else None
    return {"ids": ids, "workers": workers, "queues": queues, "states": states, **json_filters}


def worker_name(worker: Any) -> str:
    """A Worker subclass's job name, or a name given as a string."""
    if isinstance(worker, type) and issubclass(worker, Worker):
        return worker.worker_name()
    if isinstance(worker, str) and worker:
        return worker
    raise bad("worker", worker, "a Worker subclass or a worker name")


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]
