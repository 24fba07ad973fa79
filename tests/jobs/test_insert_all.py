"""insert_all: many jobs in one transaction, unique and replace honoured job by job."""

from __future__ import annotations

import psycopg
import pytest

from tests.jobs.helpers import count, stored
from trainer.errors import ArgumentError
from trainer.jobs import INFINITY, Job, Worker


class Mailer(Worker):
    def perform(self, job):
        return None


class Refunder(Worker, unique={"keys": ["id"], "period": INFINITY}):
    def perform(self, job):
        return None


def test_a_plain_batch_is_stored_in_order(oban, repo):
    jobs = oban.insert_all([Mailer.new({"n": n}, priority=n % 3) for n in range(5)])
    assert [job.args["n"] for job in jobs] == [0, 1, 2, 3, 4]
    assert [job.id for job in jobs] == sorted(job.id for job in jobs)
    assert not any(job.conflict for job in jobs)
    assert stored(repo) == jobs


def test_an_empty_batch_stores_nothing(oban, repo):
    assert oban.insert_all([]) == []
    assert count(repo) == 0


def test_duplicates_within_the_batch_collapse_to_one_row(oban, repo):
    jobs = oban.insert_all([
        Refunder.new({"id": 1, "reason": "a"}),
        Refunder.new({"id": 2, "reason": "a"}),
        Refunder.new({"id": 1, "reason": "b"}),
        Mailer.new({"id": 1}),  # not unique: always stored
    ])
    assert [job.conflict for job in jobs] == [False, False, True, False]
    assert jobs[2].id == jobs[0].id and jobs[2].args["reason"] == "a"
    assert count(repo) == 3


def test_a_batch_conflicts_with_jobs_stored_before(oban, repo):
    existing = oban.insert(Refunder.new({"id": 1}))
    [again, new] = oban.insert_all([Refunder.new({"id": 1}), Refunder.new({"id": 3})])
    assert again.id == existing.id and again.conflict is True
    assert new.conflict is False
    assert count(repo) == 2


def test_replace_is_applied_within_the_batch(oban, repo):
    jobs = oban.insert_all([
        Refunder.new({"id": 1, "reason": reason}, replace=["args"])
        for reason in ("first", "second", "third")
    ])
    assert len({job.id for job in jobs}) == 1
    assert jobs[-1].args["reason"] == "third"
    [row] = stored(repo)
    assert row.args == {"id": 1, "reason": "third"}


def test_the_batch_is_one_transaction(oban, repo):
    # A job built by hand with a priority the table refuses fails the whole batch.
    bad = Job(worker=Mailer.worker_name(), priority=-1)
    with pytest.raises(psycopg.errors.CheckViolation):
        oban.insert_all([Mailer.new({"n": 1}), Refunder.new({"id": 1}), bad])
    assert count(repo) == 0
    with pytest.raises(psycopg.errors.CheckViolation):
        oban.insert_all([Mailer.new({"n": 1}), bad])
    assert count(repo) == 0


@pytest.mark.parametrize("value", [Mailer.new({}), "jobs", 3, [Mailer.new({}), {"id": 1}]])
def test_insert_all_refuses_what_is_not_a_list_of_new_jobs(oban, value):
    with pytest.raises(ArgumentError, match="insert_all expects"):
        oban.insert_all(value)


def test_insert_all_refuses_a_stored_job(oban):
    stored_job = oban.insert(Mailer.new({}))
    with pytest.raises(ArgumentError, match="stored already"):
        oban.insert_all([stored_job])
