"""What a perform can do wrong, and what the drain makes of it: nothing is stranded.

- An interruption in perform (Ctrl-C, `sys.exit()`, any BaseException) is recorded as a
  failed attempt (retried, or discarded with no attempt left); the jobs the drain took
  and had not started go back, untouched; then the interruption goes on.
- A perform whose SQL fails inside a test's sandbox counts as a failure, as it would
  outside, and leaves the test's transaction usable.
- Error text PostgreSQL could not store (NUL, a lone surrogate) is stored escaped.
- `async def perform`, and returning a result class uncalled, are named as mistakes.
"""

from __future__ import annotations

import pytest

from tests.jobs.helpers import stored
from trainer.errors import ArgumentError
from trainer.jobs import Cancel, Discard, Error, Snooze, Worker


class Interrupting(Worker, queue="faults"):
    """`args.do`: interrupt, exit, or finish."""

    def perform(self, job):
        if job.args["do"] == "interrupt":
            raise KeyboardInterrupt
        if job.args["do"] == "exit":
            raise SystemExit(3)
        return None


class FailingSQL(Worker, queue="faults"):
    def perform(self, job):
        from trainer.db import Repo

        Repo.execute("SELECT no_such_column FROM oban_jobs")


class Garbled(Worker, queue="faults", max_attempts=1):
    def perform(self, job):
        raise ValueError(job.args["text"].replace("NUL", "\x00") + "\udcff")


@pytest.mark.parametrize(("interruption", "do", "max_attempts", "state"), [
    (KeyboardInterrupt, "interrupt", 3, "retryable"),
    (KeyboardInterrupt, "interrupt", 1, "discarded"),
    (SystemExit, "exit", 3, "retryable"),
])
def test_an_interrupted_perform_is_recorded_and_the_jobs_not_started_go_back(
        oban, repo, interruption, do, max_attempts, state):
    first = oban.insert(Interrupting.new({"do": "finish"}, priority=0))
    stuck = oban.insert(Interrupting.new({"do": do}, priority=1, max_attempts=max_attempts))
    rest = oban.insert_all([Interrupting.new({"do": "finish"}, priority=2) for _ in range(3)])
    with pytest.raises(interruption):
        oban.drain_queue(queue="faults")
    jobs = {job.id: job for job in stored(repo)}
    assert jobs[first.id].state == "completed"
    assert (jobs[stuck.id].state, jobs[stuck.id].attempt) == (state, 1)
    assert "interrupted by" in jobs[stuck.id].errors[0]["error"]
    assert [(jobs[j.id].state, jobs[j.id].attempt) for j in rest] == [("available", 0)] * 3
    assert not [job for job in jobs.values() if job.state == "executing"]
    # The next drain runs what was left.
    assert oban.drain_queue(queue="faults").success == 3


def test_a_perform_whose_sql_fails_in_a_sandbox_is_a_failure_and_the_test_goes_on(oban, repo):
    job = oban.insert(FailingSQL.new({}))
    assert oban.drain_queue(queue="faults") == {"failure": 1, "success": 0}
    [after] = stored(repo)
    assert after.id == job.id and after.state == "retryable"
    assert "no_such_column" in after.errors[0]["error"]
    assert repo.query("SELECT 1 AS one") == [{"one": 1}]  # the sandbox is still usable


def test_error_text_with_a_nul_or_a_lone_surrogate_is_stored_escaped(oban, repo):
    oban.insert(Garbled.new({"text": "card NUL declined"}))
    assert oban.drain_queue(queue="faults").discard == 1
    [job] = stored(repo)
    text = job.errors[0]["error"]
    assert "card \\x00 declined" in text and "\\udcff" in text
    assert job.state == "discarded"


def test_async_perform_is_refused_at_class_definition():
    with pytest.raises(ArgumentError, match="async def.*write `def perform"):
        class Waiting(Worker):
            async def perform(self, job):
                return None


@pytest.mark.parametrize("returned", [Error, Cancel, Discard, Snooze])
def test_a_result_class_returned_uncalled_is_named(
        oban, repo, returned):
    class Forgetful(Worker, queue="faults", max_attempts=1):
        def perform(self, job):
            return returned

    oban.insert(Forgetful.new({}))
    assert oban.drain_queue(queue="faults").discard == 1
    [job] = stored(repo)
    assert f"returned the class {returned.__name__} itself" in job.errors[0]["error"]
    assert "call it, e.g. `return" in job.errors[0]["error"]


def test_a_returned_coroutine_fails_and_says_to_use_a_plain_def(oban, repo):
    async def later():
        return None

    class Sneaky(Worker, queue="faults", max_attempts=1):
        def perform(self, job):
            return later()

    oban.insert(Sneaky.new({}))
    assert oban.drain_queue(queue="faults").discard == 1
    assert "plain `def`" in stored(repo)[0].errors[0]["error"]


def test_any_other_returned_value_is_a_success_as_in_oban(oban):
    class Chatty(Worker, queue="faults"):
        def perform(self, job):
            return {"status": "whatever"}

    oban.insert(Chatty.new({}))
    assert oban.drain_queue(queue="faults").success == 1
