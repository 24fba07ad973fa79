"""Faults: a worker killed in the middle of `perform`, the server stopped or restarted
between two operations and in the middle of one.

- A job whose process was SIGKILLed in `perform` stays `executing`; the lifeline
  (`rescue_orphaned_jobs`) makes it `available` when attempts are left, `discarded` when
  none is (so an at-most-once refund never runs a second time).
- The operation that hits an outage fails with DatabaseConnectionLost (or, while the
  server is down, DatabaseUnavailable), saying what happened; the next one reconnects.
- No job is half-written: a unique insert is one server-side call, `insert_all` one
  transaction; cut in the middle, they leave no row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest

from tests.conftest import wait_for
from tests.reliability.conftest import LessonServer, read_line, stop
from trainer import db as database
from trainer.db import Repo
from trainer.errors import DatabaseConnectionLost, DatabaseUnavailable
from trainer.jobs import INFINITY, Oban, Worker

pytestmark = pytest.mark.no_sandbox


# -- SIGKILL in the middle of perform, and the lifeline -------------------------------------

@pytest.mark.parametrize(("max_attempts", "rescued_to"), [(3, "available"), (1, "discarded")])
def test_a_job_killed_in_perform_is_rescued(lesson_server: LessonServer, tmp_path,
                                            max_attempts, rescued_to):
    repo = lesson_server.repo
    oban = Oban(repo=repo)
    log = tmp_path / "hang.log"
    child = lesson_server.child("hang", log, max_attempts=max_attempts)
    try:
        job_id = read_line(child, log)["job_id"]
        wait_for(lambda: repo.query("SELECT 1 FROM reliability_runs WHERE job_id = %s",
                                     (job_id,)), "perform to start")
        child.kill()  # SIGKILL: no finally, no ack
        child.wait(timeout=30)
    finally:
        stop([child])
    assert child.returncode == -9

    job = oban.get_job(job_id)
    assert job is not None
    assert (job.state, job.attempt) == ("executing", 1)  # orphaned: nobody will ack it

    # The lifeline leaves jobs alone while they may still be running...
    assert oban.rescue_orphaned_jobs(after=timedelta(hours=1)) == []
    assert oban.get_job(job_id).state == "executing"
    # ...and rescues them once they have been executing for longer than `after`.
    rescued = oban.rescue_orphaned_jobs(after=0)
    assert [(j.id, j.state) for j in rescued] == [(job_id, rescued_to)]
    assert oban.rescue_orphaned_jobs(after=0) == []  # only once

    drain = lesson_server.child("drain-all", tmp_path / "drain.log", queue="slow")
    try:
        result = read_line(drain, tmp_path / "drain.log")
        assert drain.wait(timeout=60) == 0
    finally:
        stop([drain])
    runs = [row["attempt"] for row in repo.query(
        "SELECT attempt FROM reliability_runs WHERE job_id = %s ORDER BY attempt", (job_id,))]
    job = oban.get_job(job_id)
    if rescued_to == "available":
        # At least once: the job runs again, as its second attempt, and completes.
        assert result["success"] == 1
        assert runs == [1, 2]
        assert (job.state, job.attempt) == ("completed", 2)
    else:
        # At most once: a job with one attempt is never run a second time.
        assert sum(result.values()) == 0
        assert runs == [1]
        assert (job.state, job.attempt) == ("discarded", 1)
        assert job.discarded_at is not None


# -- the server restarted between two operations --------------------------------------------

class Restartable(Worker, queue="reliability-restart",
                  unique={"keys": ["id"], "period": INFINITY, "states": "all"}):
    def perform(self, job):
        return None


@pytest.fixture
def own_server(database) -> Iterator[object]:
    """This process's server, restarted by the test; running again, and the Repo usable,
    whatever the test did; the test's jobs removed."""
    server = database.server
    try:
        yield server
    finally:
        if not server.is_running():
            server.restart()
        Repo.close()
        Repo.execute("DELETE FROM oban_jobs WHERE queue = %s", (Restartable.worker_options[
            "queue"],))


def _queue_jobs() -> list[tuple[int, str]]:
    return [(job.args["id"], job.state) for job in
            Oban().list_jobs(queue=Restartable.worker_options["queue"])]


def test_a_restart_between_two_operations(own_server):
    oban = Oban()
    first = oban.insert(Restartable.new({"id": 1}))
    own_server.restart()

    # The operation that hits the outage fails, clearly, and stores nothing...
    with pytest.raises(DatabaseConnectionLost) as caught:
        oban.insert(Restartable.new({"id": 2}))
    message = str(caught.value)
    assert "connection to PostgreSQL was lost" in message
    assert "not saved" in message and "run it again" in message
    # ...the next one reconnects by itself, and sees only what was committed.
    assert _queue_jobs() == [(1, "available")]
    second = oban.insert(Restartable.new({"id": 2}))
    assert not second.conflict
    again = oban.insert(Restartable.new({"id": 1}))
    assert (again.id, again.conflict) == (first.id, True)


def test_a_server_that_is_down_then_back(own_server):
    oban = Oban()
    oban.insert(Restartable.new({"id": 1}))
    own_server.stop_server_only()

    with pytest.raises(DatabaseConnectionLost, match="lost during this operation"):
        oban.insert(Restartable.new({"id": 2}))
    with pytest.raises(DatabaseUnavailable, match="cannot connect to PostgreSQL at "):
        oban.insert(Restartable.new({"id": 2}))  # still down: it says so, with where
    own_server.restart()
    assert oban.insert(Restartable.new({"id": 2})).conflict is False
    assert _queue_jobs() == [(2, "available"), (1, "available")]


def test_a_test_sandbox_opens_after_a_restart(own_server):
    with Repo.sandbox():  # the sandbox connection is now in use...
        Repo.query("SELECT 1")
    own_server.restart()  # ...and dropped by the server
    with Repo.sandbox():  # the next test cell reconnects by itself
        assert Repo.query("SELECT 1 AS one") == [{"one": 1}]


# -- an outage in the middle of an insert: nothing half-written -----------------------------

# The stalled job's trigger says (to other sessions) how many rows its transaction has
# written so far, then sleeps until the server goes away. (Not a lock held by the test:
# the shutdown would release it, and the insert could commit before it is cut.)
STALL_TRIGGER = """
CREATE FUNCTION reliability_stall() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('application_name',
                       'stalled after ' || (SELECT count(*) FROM oban_jobs), false);
    PERFORM pg_sleep(3600);
    RETURN NEW;
END
$$;
CREATE TRIGGER reliability_stall BEFORE INSERT ON oban_jobs
    FOR EACH ROW WHEN (NEW.queue = 'stall') EXECUTE FUNCTION reliability_stall();
"""


class Batched(Worker, unique={"keys": ["id"], "period": INFINITY, "states": "all"}):
    def perform(self, job):
        return None


def _jobs(unique: bool, stall_at: int, count: int = 5) -> list:
    return [Batched.new({"id": n}, unique=None if not unique else {"keys": ["id"]},
                        queue="stall" if n == stall_at else "default")
            for n in range(count)]


@pytest.mark.parametrize("operation", ["insert unique", "insert_all unique",
                                       "insert_all plain"])
def test_an_outage_in_the_middle_of_an_insert_leaves_no_row(lesson_server: LessonServer,
                                                          operation):
    repo = lesson_server.repo
    repo.execute(STALL_TRIGGER)
    oban = Oban(repo=repo)
    if operation == "insert unique":
        [job] = _jobs(unique=True, stall_at=0, count=1)
        call = lambda: oban.insert(job)  # noqa: E731
    else:
        jobs = _jobs(unique=operation.endswith("unique"), stall_at=3)
        call = lambda: oban.insert_all(jobs)  # noqa: E731

    errors: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:  # noqa: BLE001 - checked below
            errors.append(error)

    watcher = psycopg.connect(lesson_server.server.conninfo(database.DEFAULT_DATABASE_NAME),
                              autocommit=True)
    thread = threading.Thread(target=run)
    stalled: list[tuple[str]] = []
    try:
        thread.start()
        # (Polled on a connection of its own: the Repo's is busy with the insert.)
        wait_for(lambda: stalled.extend(watcher.execute(
            "SELECT application_name FROM pg_stat_activity "
            "WHERE application_name LIKE 'stalled after %'").fetchall()) or stalled,
            "the insert to reach the stalled job")
        lesson_server.server.restart()  # the server goes away mid-insert, and comes back
        thread.join(timeout=60)
    finally:
        watcher.close()
        if thread.is_alive():
            lesson_server.server.restart()
            thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], DatabaseConnectionLost), errors
    assert "lost during this operation" in str(errors[0])

    # Reconnected: not one row of the cut insert exists, not even those it had written
    # before the stall.
    written = 0 if operation == "insert unique" else 3
    assert stalled == [(f"stalled after {written}",)]
    assert repo.query("SELECT count(*) AS n FROM oban_jobs")[0]["n"] == 0
    assert repo.query("SELECT count(*) AS n FROM reliability_inserted")[0]["n"] == 0
    # Run again (without the stall), it stores everything, as new jobs: no leftover made
    # them "duplicates".
    repo.execute("DROP TRIGGER reliability_stall ON oban_jobs")
    stored = [oban.insert(job)] if operation == "insert unique" else oban.insert_all(jobs)
    assert [job.conflict for job in stored] == [False] * len(stored)
    assert repo.query("SELECT count(*) AS n FROM oban_jobs")[0]["n"] == len(stored)


# -- SIGKILL in the middle of a drain: only the job in perform is orphaned -----------------

def test_a_drain_killed_midway_orphans_at_most_the_job_it_was_running(
        lesson_server: LessonServer, tmp_path):
    from tests.reliability.workers import SteadyRefunder

    repo = lesson_server.repo
    oban = Oban(repo=repo)
    oban.insert_all([SteadyRefunder.new({"id": n}) for n in range(2000)])
    log = tmp_path / "drain.log"
    child = lesson_server.child("drain-all", log, queue="steady")
    try:
        wait_for(lambda: repo.query("SELECT count(*) AS n FROM reliability_runs")[0]["n"]
                  >= 200, "the drain to run 200 jobs")
        child.kill()
        child.wait(timeout=30)
    finally:
        stop([child])
    ran = {row["job_id"] for row in repo.query("SELECT job_id FROM reliability_runs")}
    rescued = oban.rescue_orphaned_jobs(after=0)
    # At most one job is orphaned: the one the drain was running, or had just taken to
    # run next (killed between the fetch and the first line of its perform).
    assert len(rescued) <= 1
    assert all(job.id in ran or job.id == max(ran) + 1 for job in rescued)
    jobs = oban.list_jobs(queue="steady")
    assert len(jobs) == 2000
    rescued_ids = {job.id for job in rescued}
    never_ran = [job for job in jobs if job.id not in ran and job.id not in rescued_ids]
    assert never_ran and all((job.state, job.attempt) == ("available", 0) for job in never_ran)
    assert {job.state for job in jobs if job.id in ran} <= {"completed", "discarded"}
    assert {job.id for job in jobs if job.state == "discarded"} == rescued_ids
