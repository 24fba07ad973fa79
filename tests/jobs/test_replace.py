"""Replace: on a unique conflict, overwrite chosen fields of the existing job."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.jobs.helpers import count, set_columns, stored
from trainer.clock import utcnow
from trainer.jobs import INFINITY, Job, JobState, Worker

FOREVER_BY_ID = {"keys": ["id"], "period": INFINITY, "states": "all"}


class Refunder(Worker, unique=FOREVER_BY_ID):
    def perform(self, job):
        return None


class Debouncer(Worker, unique={"keys": ["id"], "period": INFINITY},
                replace={"scheduled": ["scheduled_at"], "available": ["args"]}):
    def perform(self, job):
        return None


def test_per_state_replace_at_build_time_reschedules_a_scheduled_job(oban, repo):
    first = oban.insert(Refunder.new({"id": 1}, schedule_in=60))
    assert first.state == JobState.SCHEDULED
    later = Refunder.new({"id": 1}, schedule_in=600, replace={"scheduled": ["scheduled_at"]})
    again = oban.insert(later)
    assert again.conflict is True and again.id == first.id
    assert again.scheduled_at == later.scheduled_at
    assert again.state == JobState.SCHEDULED
    assert stored(repo) == [again.evolve(conflict=False)]


def test_the_latest_reason_wins_when_args_are_replaced(oban, repo):
    for reason in ("It was awful", "I said it was awful", "Still awful"):
        job = oban.insert(Refunder.new({"id": 1, "reason": reason}, replace=["args"]))
    assert job.args == {"id": 1, "reason": "Still awful"}
    [row] = stored(repo)
    assert row.args == {"id": 1, "reason": "Still awful"}


@pytest.mark.parametrize("state", [state.value for state in Job.states()])
def test_a_flat_list_at_build_time_means_every_state(oban, repo, state):
    first = oban.insert(Refunder.new({"id": 1, "reason": "old"}))
    set_columns(repo, first.id, state=state)
    again = oban.insert(Refunder.new({"id": 1, "reason": "new"}, replace=["args"]))
    assert again.conflict is True
    assert again.args["reason"] == "new"
    assert again.state == JobState(state)


def test_no_replace_when_the_duplicates_state_is_not_listed(oban, repo):
    first = oban.insert(Refunder.new({"id": 1, "reason": "old"}, priority=1))
    replace = {"scheduled": ["args", "priority"], "completed": ["args"]}
    again = oban.insert(Refunder.new({"id": 1, "reason": "new"}, priority=5, replace=replace))
    assert again.conflict is True and again.id == first.id
    assert (again.args["reason"], again.priority) == ("old", 1)
    assert stored(repo) == [first]


def test_worker_level_replace_is_per_state(oban):
    first = oban.insert(Debouncer.new({"id": 1, "reason": "a"}))
    assert first.state == JobState.AVAILABLE
    # available: args are replaced, scheduled_at is not.
    again = oban.insert(Debouncer.new({"id": 1, "reason": "b"}, schedule_in=600))
    assert again.args["reason"] == "b"
    assert again.state == JobState.AVAILABLE and again.scheduled_at == first.scheduled_at


def test_worker_level_replace_reschedules_a_scheduled_job(oban):
    first = oban.insert(Debouncer.new({"id": 1, "reason": "a"}, schedule_in=60))
    later = Debouncer.new({"id": 1, "reason": "b"}, schedule_in=600)
    again = oban.insert(later)
    assert again.id == first.id
    assert again.scheduled_at == later.scheduled_at
    assert again.args["reason"] == "a"  # args are replaced only while available


def test_build_time_replace_overrides_the_workers(oban):
    first = oban.insert(Debouncer.new({"id": 1, "reason": "a"}))
    again = oban.insert(Debouncer.new({"id": 1, "reason": "b"}, replace={"available": ["tags"]}))
    assert again.id == first.id and again.args["reason"] == "a"


@pytest.mark.parametrize(("existing", "schedule_in", "expected"), [
    ("available", 600, JobState.SCHEDULED),
    ("available", -600, JobState.AVAILABLE),
    ("available", 0, JobState.AVAILABLE),
    ("scheduled", 600, JobState.SCHEDULED),
    ("scheduled", -600, JobState.AVAILABLE),
    ("scheduled", 0, JobState.AVAILABLE),
    ("retryable", -600, JobState.RETRYABLE),  # only waiting jobs follow the time
    ("completed", 600, JobState.COMPLETED),
])
def test_replacing_scheduled_at_makes_a_waiting_jobs_state_follow_the_time(
        oban, repo, existing, schedule_in, expected):
    first = oban.insert(Refunder.new({"id": 1}, schedule_in=300))
    set_columns(repo, first.id, state=existing)
    new = Refunder.new({"id": 1}, schedule_in=schedule_in, replace=["scheduled_at"])
    again = oban.insert(new)
    assert again.scheduled_at == new.scheduled_at
    assert again.state == expected
    assert oban.get_job(first.id).state == expected


def test_replacing_scheduled_at_with_now_makes_a_scheduled_job_available(oban):
    first = oban.insert(Refunder.new({"id": 1}, scheduled_at=utcnow() + timedelta(hours=1)))
    assert first.state == JobState.SCHEDULED
    before = utcnow()
    again = oban.insert(Refunder.new({"id": 1}, replace={"scheduled": ["scheduled_at"]}))
    assert again.state == JobState.AVAILABLE
    assert before <= again.scheduled_at <= utcnow()
    assert oban.drain_queue(queue="default") == {"success": 1}


@pytest.mark.parametrize(("field", "options", "expected"), [
    ("max_attempts", {"max_attempts": 3}, 3),
    ("priority", {"priority": 7}, 7),
    ("tags", {"tags": ["Urgent"]}, ("urgent",)),
    ("meta", {"meta": {"trace": "x"}}, {"trace": "x"}),
    ("queue", {"queue": "refunds"}, "refunds"),
])
def test_each_replaceable_field(oban, field, options, expected):
    unique = {**FOREVER_BY_ID, "fields": ["args", "worker"]}  # queue may change too
    first = oban.insert(Refunder.new({"id": 1}, unique=unique))
    again = oban.insert(Refunder.new({"id": 1}, unique=unique, replace=[field], **options))
    assert again.id == first.id and again.conflict is True
    assert getattr(again, field) == expected
    assert getattr(oban.get_job(first.id), field) == expected


def test_replacing_the_worker(oban):
    class Other(Worker):
        def perform(self, job):
            return None

    unique = {"fields": ["args"], "period": INFINITY}
    first = oban.insert(Refunder.new({"id": 1}, unique=unique))
    again = oban.insert(Other.new({"id": 1}, unique=unique, replace=["worker"]))
    assert again.id == first.id and again.worker == Other.worker_name()


def test_replace_without_unique_does_nothing(oban, repo):
    oban.insert(Refunder.new({"id": 1, "reason": "a"}, unique=False, replace=["args"]))
    oban.insert(Refunder.new({"id": 1, "reason": "b"}, unique=False, replace=["args"]))
    assert [job.args["reason"] for job in stored(repo)] == ["a", "b"]
    assert count(repo) == 2
