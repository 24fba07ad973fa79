"""Two processes running the same queue on one server, inserting plain and unique jobs
while they run them: no job runs twice, none is lost, none stays executing. One of them
is killed (SIGKILL) mid-run, and the other's Lifeline settles what it left executing. A
server restart under running queues: the producers reconnect and carry on."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.conftest import wait_for
from tests.reliability.conftest import LessonServer, read_line, stop
from trainer.errors import DatabaseConnectionLost
from trainer.jobs import JobState, Oban, Worker

pytestmark = pytest.mark.no_sandbox


def _states(repo) -> dict[str, int]:
    rows = repo.query("SELECT state::text AS state, count(*) AS n FROM oban_jobs "
                      "WHERE queue = 'steady' GROUP BY state")
    return {row["state"]: row["n"] for row in rows}


@pytest.mark.parametrize("seconds", [
    6, pytest.param(30, marks=pytest.mark.slow, id="30s")])
def test_two_processes_one_killed_no_job_runs_twice_and_none_is_lost(
        lesson_server: LessonServer, tmp_path, seconds):
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    children = [lesson_server.child("run", log, seconds=seconds, seed=n, node=f"node-{n}")
                for n, log in enumerate(logs)]
    try:
        for child, log in zip(children, logs, strict=True):
            assert read_line(child, log) == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        time.sleep(min(3, seconds / 2))
        os.kill(children[1].pid, signal.SIGKILL)  # mid-run: jobs of its may be executing
        survivor = children[0]
        summary = read_line(survivor, logs[0])
        assert summary["inserted"] > 100
        # The survivor's Lifeline (rescue_after 2 s) settles the killed one's orphans.
        wait_for(lambda: not {"available", "executing", "scheduled"} & set(
            _states(lesson_server.repo)), "every job to end", timeout=60)
        assert survivor.stdin is not None
        survivor.stdin.write("stop\n")
        survivor.stdin.flush()
        assert read_line(survivor, logs[0]) == {"orphans": {}}
    finally:
        stop(children)
    repo = lesson_server.repo
    twice = repo.query("SELECT job_id FROM reliability_runs GROUP BY job_id "
                       "HAVING count(*) > 1")
    assert twice == []
    states = _states(repo)
    assert set(states) <= {"completed", "discarded"}, states
    # Discarded: only what the killed process was running (5 at most), never run again.
    assert states.get("discarded", 0) <= 5, states
    never_ran = repo.query("SELECT id FROM oban_jobs j WHERE state = 'completed' AND NOT "
                           "EXISTS (SELECT 1 FROM reliability_runs r WHERE r.job_id = j.id)")
    assert never_ran == []
    duplicates = repo.query(
        "SELECT args ->> 'id' AS id FROM oban_jobs WHERE worker LIKE '%SteadyUnique' "
        "GROUP BY args ->> 'id' HAVING count(*) > 1")
    assert duplicates == []


class Steady(Worker, queue="steady"):
    def perform(self, job):
        time.sleep(0.002)


def test_running_queues_carry_on_across_a_server_restart(lesson_server: LessonServer):
    oban = Oban(repo=lesson_server.repo, queues={"steady": 3}, stage_interval=0.2).start()
    try:
        before = oban.insert_all([Steady.new({"id": n}) for n in range(20)])
        wait_for(lambda: all(oban.get_job(j).state is JobState.COMPLETED for j in before),
                 "the first jobs", timeout=20)
        lesson_server.server.restart()
        for _ in range(3):  # the operation that meets the outage says so; the next works
            try:
                after = oban.insert_all([Steady.new({"id": n}) for n in range(20)])
                break
            except DatabaseConnectionLost:
                time.sleep(0.2)
        wait_for(lambda: all(oban.get_job(j).state is JobState.COMPLETED for j in after),
                 "the jobs inserted after the restart", timeout=30)
    finally:
        assert oban.stop() == {}
