"""retry_job / retry_all_jobs, cancel_job / cancel_all_jobs and the lifeline rescue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.jobs.helpers import backdate, set_columns, stored
from trainer.clock import utcnow
from trainer.errors import ArgumentError, OptionError
from trainer.jobs import INFINITY, Error, Job, JobState, Oban, Snooze, Worker

ALL_STATES = [state.value for state in Job.states()]
FINISHED = ("completed", "discarded", "cancelled")


class Failing(Worker, max_attempts=1):
    def perform(self, job):
        return Error("refund failed")


class Fine(Worker):
    def perform(self, job):
        return None


def test_retrying_a_discarded_job_gives_it_one_more_attempt(oban):
    job = oban.insert(Failing.new({"id": 1}))
    assert oban.drain_queue(queue="default") == {"discard": 1}
    discarded = oban.get_job(job)
    assert discarded.discarded_at is not None

    before = utcnow()
    assert oban.retry_job(job) is None
    retried = oban.get_job(job)
    assert retried.state == JobState.AVAILABLE
    assert (retried.attempt, retried.max_attempts) == (1, 2)
    assert retried.errors == discarded.errors and len(retried.errors) == 1
    assert retried.discarded_at is None
    assert retried.attempted_at == discarded.attempted_at
    assert before <= retried.scheduled_at <= utcnow()

    assert oban.drain_queue(queue="default") == {"discard": 1}
    again = oban.get_job(job)
    assert (again.state, again.attempt, again.max_attempts) == (JobState.DISCARDED, 2, 2)
    assert [e["attempt"] for e in again.errors] == [1, 2]


@pytest.mark.parametrize(("attempt", "max_attempts", "expected"), [
    (0, 20, 20), (3, 20, 20), (19, 20, 20), (20, 20, 21), (1, 1, 2), (5, 5, 6),
])
def test_max_attempts_becomes_the_greater_of_itself_and_attempt_plus_one(
        oban, repo, attempt, max_attempts, expected):
    job = oban.insert(Fine.new({}, max_attempts=max_attempts))
    set_columns(repo, job.id, state="discarded", attempt=attempt, discarded_at=utcnow())
    oban.retry_job(job.id)
    retried = oban.get_job(job)
    assert (retried.state, retried.attempt) == (JobState.AVAILABLE, attempt)
    assert retried.max_attempts == expected


@pytest.mark.parametrize("state", ALL_STATES)
def test_retry_by_state(oban, repo, state):
    job = oban.insert(Fine.new({}, schedule_in=3600))
    now = utcnow()
    before = set_columns(repo, job.id, state=state, attempt=1, completed_at=now,
                         cancelled_at=now, discarded_at=now)
    changed = oban.retry_all_jobs(id=job.id)
    after = oban.get_job(job)
    if state in ("available", "executing"):
        assert changed == 0
        assert after == before
    else:
        assert changed == 1
        assert after.state == JobState.AVAILABLE
        assert (after.completed_at, after.cancelled_at, after.discarded_at) == (None,) * 3
        assert after.scheduled_at < before.scheduled_at  # due now, not in an hour
        assert after.attempt == 1 and after.max_attempts == 20


def test_retry_all_jobs_filters_and_counts(oban, repo):
    jobs = [oban.insert(Fine.new({"n": n}, queue="q1" if n < 3 else "q2")) for n in range(5)]
    for job in jobs:
        set_columns(repo, job.id, state="completed", completed_at=utcnow())
    assert oban.retry_all_jobs(queue="q1") == 3
    assert oban.retry_all_jobs(queue="q1") == 0  # available now: nothing to change
    assert oban.retry_all_jobs(state="completed") == 2
    assert {job.state for job in stored(repo)} == {JobState.AVAILABLE}
    assert oban.drain_queue(queue="q1") == {"success": 3}


@pytest.mark.parametrize("state", ALL_STATES)
def test_cancel_by_state(oban, repo, state):
    job = oban.insert(Fine.new({}))
    before = set_columns(repo, job.id, state=state)
    now = utcnow()
    assert oban.cancel_all_jobs(id=job.id) == (0 if state in FINISHED else 1)
    after = oban.get_job(job)
    if state in FINISHED:
        assert after == before
    else:
        assert after.state == JobState.CANCELLED
        assert now <= after.cancelled_at <= utcnow()


def test_cancel_job_and_cancel_all_jobs(oban, repo):
    jobs = [oban.insert(Fine.new({"n": n}, queue="q1" if n < 3 else "q2")) for n in range(5)]
    assert oban.cancel_job(jobs[0]) is None
    assert oban.get_job(jobs[0]).state == JobState.CANCELLED
    assert oban.cancel_all_jobs(queue="q1") == 2
    assert oban.cancel_all_jobs(args={"n": 4}) == 1
    assert oban.cancel_all_jobs() == 1
    assert oban.cancel_all_jobs() == 0
    assert oban.drain_queue(queue="q2") == {"success": 0}


def test_retry_and_cancel_need_a_stored_job(oban):
    with pytest.raises(ArgumentError, match="not stored yet"):
        oban.retry_job(Fine.new({}))
    with pytest.raises(ArgumentError, match="job id"):
        oban.cancel_job("1")
    with pytest.raises(OptionError, match="unknown job filter option 'staet'"):
        oban.cancel_all_jobs(staet="available")


@pytest.mark.parametrize("after", [60, timedelta(minutes=1)])
def test_rescue_orphaned_jobs(oban, repo, after):
    def executing(max_attempts, seconds_ago):
        job = oban.insert(Fine.new({}, max_attempts=max_attempts))
        set_columns(repo, job.id, state="executing", attempt=1, attempted_at=utcnow())
        return backdate(repo, job.id, "attempted_at", seconds_ago)

    orphan = executing(20, 120)
    last_try = executing(1, 120)
    running = executing(20, 10)
    waiting = oban.insert(Fine.new({}))

    now = utcnow()
    rescued = oban.rescue_orphaned_jobs(after=after)
    assert sorted(job.id for job in rescued) == sorted([orphan.id, last_try.id])

    back = oban.get_job(orphan)
    assert (back.state, back.attempt, back.discarded_at) == (JobState.AVAILABLE, 1, None)
    gone = oban.get_job(last_try)
    assert gone.state == JobState.DISCARDED
    assert now <= gone.discarded_at <= utcnow()
    assert oban.get_job(running) == running
    assert oban.get_job(waiting) == waiting
    assert oban.drain_queue(queue="default") == {"success": 2}  # orphan and waiting


class CancelsItself(Worker):
    """Another process cancels this job while it runs (here: the job itself)."""

    def perform(self, job):
        Oban(testing="manual").cancel_job(job.id)
        return {None: None, "error": Error("late"), "snooze": Snooze(5)}[job.args["then"]]


@pytest.mark.parametrize("then", [None, "error", "snooze"])
def test_a_job_cancelled_while_it_runs_stays_cancelled(oban, then):
    job = oban.insert(CancelsItself.new({"then": then}))
    oban.drain_queue(queue="default")
    done = oban.get_job(job)
    assert done.state == JobState.CANCELLED
    assert done.attempt == 1 and done.errors == ()


# -- retrying a job whose unique key another job holds now (stricter than Oban) ---------

class KeyedRefund(Worker, unique={"keys": ["id"], "period": INFINITY}):
    """Unique per order, in the default states: cancelled and discarded jobs do not count."""

    def perform(self, job):
        return None


def test_a_retry_that_would_duplicate_a_waiting_unique_job_is_skipped(oban):
    cancelled = oban.insert(KeyedRefund.new({"id": 1, "reason": "first"}))
    oban.cancel_job(cancelled)
    newer = oban.insert(KeyedRefund.new({"id": 1, "reason": "second"}))
    assert not newer.conflict  # cancelled jobs do not count, so this one was stored
    oban.retry_job(cancelled)
    assert oban.retry_all_jobs(worker=KeyedRefund) == 0
    assert oban.get_job(cancelled).state == "cancelled"
    assert oban.get_job(newer).state == "available"


def test_a_retry_goes_ahead_when_no_other_job_holds_the_key(oban):
    cancelled = oban.insert(KeyedRefund.new({"id": 2, "reason": "first"}))
    oban.cancel_job(cancelled)
    other_order = oban.insert(KeyedRefund.new({"id": 3, "reason": "other"}))
    assert oban.retry_all_jobs(worker=KeyedRefund) == 1
    assert oban.get_job(cancelled).state == "available"
    assert oban.get_job(other_order).state == "available"
    # And a job whose worker the queue cannot find is retried as before.
    oban.repo.execute("UPDATE oban_jobs SET worker = 'Gone', state = 'discarded' "
                      "WHERE id = %s", (other_order.id,))
    assert oban.retry_all_jobs(ids=[other_order.id]) == 1
