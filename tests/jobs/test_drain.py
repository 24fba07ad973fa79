"""drain_queue: run jobs here and now; every option and every outcome."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.jobs.helpers import count, set_columns, stored
from trainer.clock import utcnow
from trainer.jobs import Cancel, Discard, DrainResult, Error, Job, JobState, Oban, Snooze, Worker

RAN: list[int] = []


class Boom(Exception):
    pass


class Recorder(Worker):
    """Records the ids it ran; `args.outcome` says what to do."""

    def perform(self, job):
        RAN.append(job.id)
        outcome = job.args.get("outcome", "ok")
        if outcome == "raise":
            raise Boom(f"boom {job.args.get('n')}")
        return {
            "ok": None,
            "value": {"any": "value"},
            "error": Error("card declined"),
            "exception": ValueError("returned, not raised"),
            "cancel": Cancel("no longer wanted"),
            "discard": Discard("pointless"),
            "snooze": Snooze(60),
            "snooze0": Snooze(0),
            "bad_snooze": Snooze(-1),
        }[outcome]


class Parent(Worker):
    """Inserts a child job, as a job that fans out would."""

    def perform(self, job):
        RAN.append(job.id)
        depth = job.args["depth"]
        if depth > 0:
            Oban(testing="manual").insert(Parent.new({"depth": depth - 1}))


@pytest.fixture(autouse=True)
def _forget_runs():
    RAN.clear()
    yield
    RAN.clear()


def put(oban, outcome="ok", **options):
    return oban.insert(Recorder.new({"outcome": outcome}, **options))


def test_an_empty_queue_drains_to_zero_counts(oban):
    assert oban.drain_queue(queue="default") == DrainResult()
    assert oban.drain_queue(queue="default") == {
        "success": 0, "failure": 0, "discard": 0, "cancelled": 0, "snoozed": 0}


def test_success_completes_the_job(oban):
    ok, value = put(oban), put(oban, "value")
    before = utcnow()
    result = oban.drain_queue(queue="default")
    assert result == {"success": 2, "failure": 0}
    assert (result.success, result.failure, result.discard) == (2, 0, 0)
    for job in (ok, value):
        done = oban.get_job(job)
        assert done.state == JobState.COMPLETED and done.attempt == 1
        assert before <= done.completed_at <= utcnow()
        assert before <= done.attempted_at <= done.completed_at
        assert done.attempted_by is not None and done.attempted_by[0] == oban.node
        assert done.errors == ()


def test_drain_result_compares_with_a_dict_of_some_counts():
    result = DrainResult(success=2, snoozed=1)
    assert result == {"success": 2}
    assert result == {"success": 2, "snoozed": 1, "failure": 0}
    assert result != {"success": 1}
    assert result != {"successes": 2}
    assert result == DrainResult(success=2, snoozed=1)
    assert result != DrainResult(success=2)
    assert result + DrainResult(failure=1) == DrainResult(success=2, failure=1, snoozed=1)
    assert result.as_dict() == {"success": 2, "failure": 0, "discard": 0, "cancelled": 0,
                                "snoozed": 1}


def test_drain_runs_only_the_named_queue(oban):
    put(oban, queue="mail")
    put(oban)
    assert oban.drain_queue(queue="mail") == {"success": 1}
    assert [job.state for job in oban.list_jobs(queue="default")] == [JobState.AVAILABLE]


def test_with_limit_takes_that_many_jobs(oban):
    for _ in range(5):
        put(oban)
    assert oban.drain_queue(queue="default", with_limit=2) == {"success": 2}
    assert len(oban.list_jobs(state="available")) == 3
    assert oban.drain_queue(queue="default", with_limit=2, with_recursion=True) == {
        "success": 3}
    assert oban.list_jobs(state="available") == []


def test_jobs_inserted_by_jobs_need_recursion(oban):
    oban.insert(Parent.new({"depth": 2}))
    assert oban.drain_queue(queue="default") == {"success": 1}
    [child, parent] = oban.list_jobs()
    assert (parent.state, child.state) == (JobState.COMPLETED, JobState.AVAILABLE)
    assert oban.drain_queue(queue="default", with_recursion=True) == {"success": 2}
    assert len(RAN) == 3 and count_states(oban) == {JobState.COMPLETED: 3}


def count_states(oban):
    states: dict[JobState, int] = {}
    for job in oban.list_jobs():
        states[job.state] = states.get(job.state, 0) + 1
    return states


def test_without_safety_the_exception_is_raised_after_being_recorded(oban, repo):
    first = put(oban, priority=0)
    failing = oban.insert(Recorder.new({"outcome": "raise", "n": 1}, priority=1))
    rest = [put(oban, priority=2), put(oban, priority=3)]
    with pytest.raises(Boom, match="boom 1"):
        oban.drain_queue(queue="default", with_safety=False)
    assert RAN == [first.id, failing.id]
    assert oban.get_job(first).state == JobState.COMPLETED
    failed = oban.get_job(failing)
    assert failed.state == JobState.RETRYABLE and failed.attempt == 1
    assert len(failed.errors) == 1 and "boom 1" in failed.errors[0]["error"]
    for job in rest:
        back = oban.get_job(job)
        assert (back.state, back.attempt) == (JobState.AVAILABLE, 0)
    assert oban.list_jobs(state="executing") == []
    assert oban.drain_queue(queue="default") == {"success": 2}


def test_without_safety_returned_errors_do_not_raise(oban):
    put(oban, "error")
    put(oban, "exception")
    assert oban.drain_queue(queue="default", with_safety=False) == {"failure": 2}


def test_with_safety_an_exception_is_a_failure(oban):
    put(oban, "raise")
    put(oban)
    assert oban.drain_queue(queue="default") == {"success": 1, "failure": 1}


def test_scheduled_jobs_wait_unless_with_scheduled(oban):
    soon = put(oban, schedule_in=3600)
    later = put(oban, schedule_in=3 * 3600)
    assert soon.state == JobState.SCHEDULED
    assert oban.drain_queue(queue="default") == {"success": 0}
    until = utcnow() + timedelta(hours=2)
    assert oban.drain_queue(queue="default", with_scheduled=until) == {"success": 1}
    assert RAN == [soon.id]
    assert oban.get_job(later).state == JobState.SCHEDULED
    assert oban.drain_queue(queue="default", with_scheduled=True) == {"success": 1}
    assert RAN == [soon.id, later.id]


def test_with_scheduled_also_stages_retryable_jobs(oban):
    job = put(oban, "raise")
    assert oban.drain_queue(queue="default") == {"failure": 1}
    assert oban.drain_queue(queue="default") == {"failure": 0}
    assert oban.drain_queue(queue="default", with_scheduled=True) == {"failure": 1}
    assert oban.get_job(job).attempt == 2


def test_a_failure_is_retried_after_the_backoff(oban):
    job = oban.insert(Recorder.new({"outcome": "raise", "n": 7}))
    before = utcnow()
    assert oban.drain_queue(queue="default") == {"failure": 1, "discard": 0}
    after = utcnow()
    failed = oban.get_job(job)
    assert failed.state == JobState.RETRYABLE and failed.attempt == 1
    [entry] = failed.errors
    assert entry["attempt"] == 1
    assert "Boom" in entry["error"] and "boom 7" in entry["error"]
    assert before <= datetime.fromisoformat(entry["at"]) <= after
    # Attempt 1 of 20: 17 or 18 seconds.
    assert before + timedelta(seconds=17) <= failed.scheduled_at
    assert failed.scheduled_at <= after + timedelta(seconds=18)


def test_attempts_exhausted_discards(oban):
    job = put(oban, "raise", max_attempts=2)
    assert oban.drain_queue(queue="default") == {"failure": 1}
    result = oban.drain_queue(queue="default", with_scheduled=True)
    assert result == {"failure": 0, "discard": 1}
    gone = oban.get_job(job)
    assert gone.state == JobState.DISCARDED and gone.attempt == 2
    assert gone.discarded_at is not None and len(gone.errors) == 2
    assert [e["attempt"] for e in gone.errors] == [1, 2]


def test_max_attempts_one_discards_at_the_first_failure(oban):
    job = put(oban, "error", max_attempts=1)
    assert oban.drain_queue(queue="default") == {"success": 0, "discard": 1}
    gone = oban.get_job(job)
    assert gone.state == JobState.DISCARDED
    assert "card declined" in gone.errors[0]["error"]


def test_returning_error_fails_with_the_reason(oban):
    job = put(oban, "error")
    assert oban.drain_queue(queue="default") == {"failure": 1}
    failed = oban.get_job(job)
    assert failed.state == JobState.RETRYABLE
    assert "card declined" in failed.errors[0]["error"]


def test_returning_an_exception_instance_fails(oban):
    job = put(oban, "exception")
    assert oban.drain_queue(queue="default") == {"failure": 1}
    assert "returned, not raised" in oban.get_job(job).errors[0]["error"]


def test_cancel_cancels(oban):
    job = put(oban, "cancel")
    assert oban.drain_queue(queue="default") == {"cancelled": 1, "success": 0}
    done = oban.get_job(job)
    assert done.state == JobState.CANCELLED and done.cancelled_at is not None
    assert "no longer wanted" in done.errors[0]["error"]


def test_discard_discards_even_with_attempts_left(oban):
    job = put(oban, "discard")
    assert oban.drain_queue(queue="default") == {"discard": 1, "failure": 0}
    done = oban.get_job(job)
    assert done.state == JobState.DISCARDED and done.discarded_at is not None
    assert "pointless" in done.errors[0]["error"]


def test_snooze_reschedules_without_using_an_attempt(oban):
    job = put(oban, "snooze", max_attempts=1)
    before = utcnow()
    assert oban.drain_queue(queue="default") == {"snoozed": 1}
    snoozed = oban.get_job(job)
    assert snoozed.state == JobState.SCHEDULED
    assert snoozed.attempt == 0 and snoozed.errors == ()
    assert snoozed.meta == {"snoozed": 1}
    assert before + timedelta(seconds=60) <= snoozed.scheduled_at
    assert snoozed.scheduled_at <= utcnow() + timedelta(seconds=60)
    assert oban.drain_queue(queue="default", with_scheduled=True) == {"snoozed": 1}
    again = oban.get_job(job)
    assert (again.attempt, again.meta) == (0, {"snoozed": 2})


def test_snooze_keeps_other_meta(oban):
    job = put(oban, "snooze0", meta={"trace": "t"})
    assert oban.drain_queue(queue="default") == {"snoozed": 1}
    assert oban.get_job(job).meta == {"trace": "t", "snoozed": 1}


def test_a_negative_snooze_is_a_failure(oban):
    job = put(oban, "bad_snooze")
    assert oban.drain_queue(queue="default") == {"failure": 1}
    assert "Snooze" in oban.get_job(job).errors[0]["error"]


def test_jobs_run_in_priority_then_scheduled_at_then_id_order(oban, repo):
    now = utcnow()
    specs = [(2, -10), (0, -5), (1, -30), (0, -20), (1, -30), (0, -5)]
    jobs = [put(oban, priority=p, scheduled_at=now + timedelta(seconds=s)) for p, s in specs]
    expected = sorted(jobs, key=lambda j: (j.priority, j.scheduled_at, j.id))
    assert oban.drain_queue(queue="default") == {"success": 6}
    assert RAN == [job.id for job in expected]


def test_with_limit_takes_the_first_jobs_in_that_order(oban):
    now = utcnow()
    specs = [(2, -10), (0, -5), (1, -30), (0, -20), (1, -30), (0, -5)]
    jobs = [put(oban, priority=p, scheduled_at=now + timedelta(seconds=s)) for p, s in specs]
    expected = sorted(jobs, key=lambda j: (j.priority, j.scheduled_at, j.id))
    assert oban.drain_queue(queue="default", with_limit=1, with_recursion=True) == {
        "success": 6}
    assert RAN == [job.id for job in expected]


def test_an_unknown_worker_fails_the_job(oban):
    job = oban.insert(Job(worker="tests.jobs.nowhere.Ghost", args={"id": 1}))
    assert oban.drain_queue(queue="default") == {"failure": 1}
    failed = oban.get_job(job)
    assert failed.state == JobState.RETRYABLE
    assert "unknown worker 'tests.jobs.nowhere.Ghost'" in failed.errors[0]["error"]


def test_an_unknown_worker_raises_without_safety(oban):
    job = oban.insert(Job(worker="Ghost"))
    with pytest.raises(LookupError, match="unknown worker"):
        oban.drain_queue(queue="default", with_safety=False)
    assert oban.get_job(job).state == JobState.RETRYABLE


def test_a_worker_defined_in_a_test_runs_through_the_same_oban(oban):
    seen = []

    class Local(Worker):
        def perform(self, job):
            seen.append(job.args)

    oban.insert(Local.new({"id": 1, "nested": {"a": [1, 2.5, None, True]}}, meta={"m": 1}))
    assert oban.drain_queue(queue="default") == {"success": 1}
    assert seen == [{"id": 1, "nested": {"a": [1, 2.5, None, True]}}]


def test_an_available_job_at_its_last_attempt_is_never_taken(oban, repo):
    job = put(oban, max_attempts=2)
    set_columns(repo, job.id, attempt=2)
    assert oban.drain_queue(queue="default") == DrainResult()
    assert RAN == []


def test_drain_never_leaves_a_job_executing(oban, repo):
    for outcome in ("ok", "raise", "error", "cancel", "discard", "snooze", "exception"):
        put(oban, outcome)
    result = oban.drain_queue(queue="default")
    assert result == {"success": 1, "failure": 3, "cancelled": 1, "discard": 1, "snoozed": 1}
    assert [job for job in stored(repo) if job.state == JobState.EXECUTING] == []
    assert count(repo) == 7


def test_inline_mode_runs_at_insert_and_stores_nothing(repo):
    inline = Oban(testing="inline", repo=repo)
    done = inline.insert(Recorder.new({"outcome": "ok"}))
    assert (done.state, done.attempt, done.id) == (JobState.COMPLETED, 1, None)
    failed = inline.insert(Recorder.new({"outcome": "error"}))
    assert failed.state == JobState.RETRYABLE and len(failed.errors) == 1
    with pytest.raises(Boom):
        inline.insert(Recorder.new({"outcome": "raise", "n": 1}))
    assert count(repo) == 0


def shadowed() -> None:
    """A function whose name a worker class below also has."""


def test_a_worker_whose_name_now_means_something_else_is_still_found(oban):
    worker = type("shadowed", (Worker,), {"perform": lambda self, job: None})
    oban.insert(worker.new({}))
    assert oban.drain_queue(queue="default") == {"success": 1}
