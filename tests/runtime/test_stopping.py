"""Timeouts and stopping: a job past its worker's timeout fails like any failure; a stop
waits up to the grace period, and what still runs after it is left executing (an orphan)."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest

from tests.runtime.conftest import Gate, eventually
from trainer import telemetry
from trainer.db import process
from trainer.jobs import JobState, Worker

pytestmark = pytest.mark.no_sandbox

GATE = Gate()
FINISHED: list[int] = []


class Slow(Worker, max_attempts=2):
    def perform(self, job):
        time.sleep(job.args["seconds"])
        FINISHED.append(job.id)

    def timeout(self, job):
        given = job.args.get("timeout")
        return timedelta(seconds=given) if job.args.get("timedelta") else given

    def backoff(self, job):
        return 60


class Held(Worker, max_attempts=1):
    def perform(self, job):
        GATE.enter(job, wait=job.args.get("wait", 30))
        FINISHED.append(job.id)


@pytest.fixture(autouse=True)
def _fresh():
    FINISHED.clear()


def test_a_job_past_its_timeout_fails_and_is_retried_and_its_late_result_is_ignored(start):
    oban = start(queues={"default": 2})
    job = oban.insert(Slow.new({"seconds": 1.0, "timeout": 0.2}))
    failed = eventually(lambda: (j := oban.get_job(job)).state is JobState.RETRYABLE and j,
                        "the timed-out attempt to be recorded", timeout=5)
    assert "TimeoutError: tests.runtime.test_stopping.Slow timed out after 0.2 s" \
        in failed.errors[0]["error"]
    eventually(lambda: oban.check_queue(queue="default")["running"] == [],
               "its slot to be free while its thread still sleeps")
    assert not FINISHED
    eventually(lambda: FINISHED, "the abandoned thread to end by itself", timeout=5)
    time.sleep(0.1)
    again = oban.get_job(job)
    assert again.state is JobState.RETRYABLE and len(again.errors) == 1  # nothing recorded


def test_a_timeout_that_suffices_changes_nothing_and_a_bad_timeout_fails_the_attempt(start):
    oban = start(queues={"default": 2})
    fine = oban.insert(Slow.new({"seconds": 0.01, "timeout": 5, "timedelta": True}))
    wrong = oban.insert(Slow.new({"seconds": 0.01, "timeout": "soon"}))
    eventually(lambda: oban.get_job(fine).state is JobState.COMPLETED, "the quick job")
    failed = eventually(lambda: (j := oban.get_job(wrong)).state is JobState.RETRYABLE and j,
                        "the bad timeout to fail the attempt")
    assert "test_stopping.Slow.timeout(job) returned 'soon'" in failed.errors[0]["error"]


def test_a_stop_whose_grace_period_suffices_leaves_nothing_executing(start):
    oban = start(queues={"default": 3}, shutdown_grace_period=5)
    jobs = oban.insert_all([Held.new({"wait": 0.5}) for _ in range(3)])
    eventually(lambda: len(GATE.inside) == 3, "three running jobs")
    began = time.monotonic()
    assert oban.stop() == {}
    assert time.monotonic() - began < 4
    assert [oban.get_job(j).state for j in jobs] == [JobState.COMPLETED] * 3


def test_a_stop_whose_grace_period_is_too_short_leaves_orphans_that_record_nothing(start):
    oban = start(queues={"default": 2}, shutdown_grace_period=0.3)
    jobs = oban.insert_all([Held.new({"wait": 1.5}) for _ in range(2)])
    eventually(lambda: len(GATE.inside) == 2, "two running jobs")
    shutdowns: list[tuple[dict, dict]] = []
    handler = telemetry.attach("oban.queue.shutdown", lambda _, m, meta: shutdowns.append(
        (m, meta)))
    try:
        orphans = oban.stop()
    finally:
        telemetry.detach(handler)
    assert orphans == {"default": sorted(j.id for j in jobs)}
    [(measured, meta)] = shutdowns
    assert meta["orphaned"] == orphans["default"] and 0.3 <= measured["elapsed"] < 3
    eventually(lambda: len(FINISHED) == 2, "the threads to end", timeout=5)
    time.sleep(0.1)
    # Still executing, as Oban leaves them: the Lifeline's work (rescue_orphaned_jobs).
    assert [oban.get_job(j).state for j in jobs] == [JobState.EXECUTING] * 2
    assert len(oban.rescue_orphaned_jobs(after=0)) == 2
    assert {oban.get_job(j).state for j in jobs} == {JobState.DISCARDED}  # one attempt


def test_a_stopped_queue_fetches_nothing_more_and_stop_is_idempotent(start):
    oban = start(queues={"default": 2, "other": 1})
    oban.stop_queue(queue="other")
    assert oban.check_queue(queue="other") is None
    job = oban.insert(Held.new({"wait": 0}, queue="other"))
    time.sleep(0.5)
    assert oban.get_job(job).state is JobState.AVAILABLE
    oban.start_queue(queue="other", limit=1)
    eventually(lambda: oban.get_job(job).state is JobState.COMPLETED, "the restarted queue")
    assert oban.stop() == {} and oban.stop() == {}


def test_the_lessons_server_stops_only_after_a_running_instance(start):
    """At exit, the database's shutdown first stops what runs on it."""
    before = set(threading.enumerate())
    oban = start(queues={"default": 1})
    oban.insert(Held.new({"wait": 0}))
    eventually(lambda: FINISHED, "a job to run")
    assert oban._instance is not None and oban._instance.stop in process._before_shutdown
    ours = {t for t in set(threading.enumerate()) - before  # not the pool's own threads
            if t.name.lower().startswith("oban")}
    assert len(ours) >= 5  # the queue, a job thread, the listener, stager, election
    process.run_before_shutdown()
    assert not process._before_shutdown
    eventually(lambda: not [t for t in ours if t.is_alive()], "the instance's threads to end")


CHILD = """
import time
from trainer.db import Repository
from trainer.jobs import Oban, Worker

class Napper(Worker):
    def perform(self, job):
        time.sleep(0.5)

oban = Oban(repo=Repository(CONNINFO), queues={"default": 2}, shutdown_grace_period=5)
oban.start()
job = oban.insert(Napper.new({}))
time.sleep(0.2)  # the job is running now
print("ID", job.id, flush=True)
# The script ends here without oban.stop(): the process must still stop the instance,
# waiting for the running job, and exit.
"""


def test_a_process_that_never_calls_stop_stops_its_instance_at_exit(committed):
    from tests.conftest import run_python

    code = CHILD.replace("CONNINFO", repr(committed.conninfo))
    began = time.monotonic()
    child = run_python(code, timeout=60)
    assert child.returncode == 0, child.stderr
    assert time.monotonic() - began < 30
    job_id = int(child.stdout.split()[1])
    [row] = committed.query("SELECT state::text FROM oban_jobs WHERE id = %(id)s",
                            {"id": job_id})
    assert row["state"] == "completed"  # the grace period let it finish and record it


def test_starting_and_stopping_many_instances_leaves_no_thread_and_no_pipe_open(committed):
    from trainer.jobs import Oban

    def open_files() -> int:
        """Pipes only: the connection pool may grow by a socket, as pools do."""
        found = 0
        for fd in os.listdir("/proc/self/fd"):
            try:
                found += os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
            except OSError:
                continue  # the listing's own descriptor, gone already
        return found

    def listeners() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name.endswith(" listener")]

    Oban(repo=committed, queues={"default": 1}).start().stop()  # the pool warmed up
    before_files, before_threads = open_files(), listeners()
    for _ in range(30):
        oban = Oban(repo=committed, queues={"default": 1}).start()
        assert oban._instance is not None and oban._instance._listener.connected.wait(5)
        oban.stop()
    assert listeners() == before_threads
    assert open_files() == before_files
