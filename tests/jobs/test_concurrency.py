"""Many connections at once, on committed data: unique inserts never duplicate, and two
drains never run the same job."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from psycopg.types.json import Jsonb

from trainer.db import Repository
from trainer.jobs import INFINITY, Job, Oban, Worker

pytestmark = pytest.mark.no_sandbox

THREADS = 16
ROUNDS = 20
RAN: list[int] = []
RAN_LOCK = threading.Lock()


class Refunder(Worker, unique={"keys": ["id"], "period": INFINITY, "states": "all"}):
    def perform(self, job):
        return None


class Counted(Worker, queue="counted"):
    def perform(self, job):
        with RAN_LOCK:
            RAN.append(job.id)


@pytest.fixture
def repositories(database, committed) -> Iterator[Callable[[], Repository]]:
    """Open a Repository of its own (its own connections) per caller; all closed after."""
    with ExitStack() as stack:
        def open_one() -> Repository:
            repo = Repository(database.conninfo)
            stack.callback(repo.close)
            return repo

        yield open_one


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(0..count-1) on threads released at the same moment; re-raise any error."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def test_simultaneous_unique_inserts_store_one_job(repositories, committed):
    obans = [Oban(repo=repositories()) for _ in range(THREADS)]
    for oban in obans:  # connect first, so the inserts really start together
        oban.list_jobs(limit=1)

    for key in range(ROUNDS):
        # Built beforehand: after the barrier each thread only talks to the database.
        jobs = [Refunder.new({"id": key, "reason": f"caller {i}"}) for i in range(THREADS)]
        returned = run_together(THREADS, lambda index, jobs=jobs: obans[index].insert(jobs[index]))

        rows = committed.query("SELECT id FROM oban_jobs WHERE args @> %s",
                               (Jsonb({"id": key}),))
        assert len(rows) == 1, f"round {key}: {len(rows)} rows"
        assert {job.id for job in returned} == {rows[0]["id"]}
        assert sum(not job.conflict for job in returned) == 1


def test_simultaneous_unique_batches_store_one_job_per_key(repositories, committed):
    obans = [Oban(repo=repositories()) for _ in range(8)]

    def insert(index: int) -> list[Job]:
        keys = [(index + k) % 5 for k in range(5)]  # the same keys, in another order
        return obans[index].insert_all([Refunder.new({"id": key}) for key in keys])

    batches = run_together(len(obans), insert)
    rows = committed.query("SELECT id, args FROM oban_jobs ORDER BY id")
    assert sorted(row["args"]["id"] for row in rows) == [0, 1, 2, 3, 4]
    by_key = {row["args"]["id"]: row["id"] for row in rows}
    for jobs in batches:
        assert all(job.id == by_key[job.args["id"]] for job in jobs)
    assert sum(not job.conflict for jobs in batches for job in jobs) == 5


def test_two_drains_never_run_the_same_job(repositories, committed):
    RAN.clear()
    Oban(repo=committed).insert_all([Counted.new({"n": n}) for n in range(500)])
    obans = [Oban(repo=repositories()) for _ in range(2)]

    def drain(index: int) -> Any:
        return obans[index].drain_queue(queue="counted", with_limit=7, with_recursion=True)

    results = run_together(2, drain)

    assert len(RAN) == 500
    assert len(set(RAN)) == 500
    assert sum(result.success for result in results) == 500
    states = committed.query("SELECT state::text, count(*) AS n FROM oban_jobs GROUP BY 1")
    assert states == [{"state": "completed", "n": 500}]
    RAN.clear()
