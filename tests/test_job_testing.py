"""Oban.Testing's job helpers: build_job, perform_job with a job's options, a timeout and
its return checked, with_testing_mode; and the warning for a uniqueness that cannot work."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from trainer.errors import ArgumentError, OptionError
from trainer.jobs import Cancel, Error, JobState, Oban, Worker
from trainer.jobs.unique import UniqueWarning
from trainer.testing import build_job, perform_job, with_testing_mode


class Echo(Worker, max_attempts=5):
    def perform(self, job):
        kind = job.args.get("kind")
        if kind == "class":
            return Error  # a mistake: the class, not an Error
        if kind == "exception":
            return ValueError("returned, not raised")
        if kind == "cancel":
            return Cancel("no more")
        return (job.id, job.attempt, job.max_attempts, job.priority, job.meta, job.tags)


class Sleepy(Worker):
    def perform(self, job):
        time.sleep(job.args["seconds"])
        return "woke"

    def timeout(self, job):
        return 0.2


def test_build_job_takes_the_options_a_test_needs_and_gives_distinct_fake_ids():
    at = datetime(2026, 1, 2, 3, 4, 5)
    job = build_job(Echo, {"when": "now"}, attempt=3, priority=2, meta={"a": 1},
                    tags=["x"], inserted_at=at, attempted_at=at, scheduled_at=at)
    assert (job.attempt, job.max_attempts, job.priority, job.state) == (
        3, 5, 2, JobState.EXECUTING)
    assert job.inserted_at == job.attempted_at == job.scheduled_at == at
    assert build_job(Echo, {}).id != build_job(Echo, {}).id
    with pytest.raises(OptionError, match="attempt=6 is not allowed: a whole number from 1"):
        build_job(Echo, {}, attempt=6)
    with pytest.raises(OptionError, match="inserted_at='yesterday'"):
        build_job(Echo, {}, inserted_at="yesterday")
    with pytest.raises(OptionError, match="unknown job option 'atempt'"):
        build_job(Echo, {}, atempt=2)


def test_perform_job_runs_a_built_job_or_one_built_from_args_and_options():
    job = build_job(Echo, {}, attempt=2, max_attempts=3)
    assert perform_job(job) == (job.id, 2, 3, 0, {}, ())
    returned = perform_job(Echo, {}, attempt=4, meta={"m": True}, tags=["t"])
    assert returned[1:] == (4, 5, 0, {"m": True}, ("t",))
    assert perform_job(Echo, {"kind": "cancel"}) == Cancel("no more")
    with pytest.raises(ArgumentError, match="takes no args or options"):
        perform_job(job, {"id": 1})


@pytest.mark.parametrize(("kind", "named"), [
    ("class", "returned the class Error itself"), ("exception", "returned ValueError"),
])
def test_a_value_perform_may_not_return_fails_saying_what_it_may_return(kind, named):
    with pytest.raises(AssertionError, match=named) as failed:
        perform_job(Echo, {"kind": kind})
    assert "perform may return None or any other value (success), Error(reason)" \
        in str(failed.value)


def test_perform_job_applies_the_workers_timeout():
    from trainer.job_testing import JobTimeout

    with pytest.raises(JobTimeout, match="timed out after 0.2 s"):
        perform_job(Sleepy, {"seconds": 1})
    assert perform_job(Sleepy, {"seconds": 0.01}) == "woke"


def test_with_testing_mode_switches_every_oban_in_the_block(oban):
    manual = Oban(testing="manual")
    with with_testing_mode("inline"):
        ran = manual.insert(Echo.new({}))
    assert ran.state is JobState.COMPLETED and ran.id is None  # run, not stored
    stored = manual.insert(Echo.new({}))
    assert stored.id is not None and stored.state is JobState.AVAILABLE
    with pytest.raises(OptionError, match="mode='disabled' is not allowed"):
        with with_testing_mode("disabled"):
            pass


def test_a_uniqueness_that_leaves_out_the_states_of_a_fresh_insert_is_warned_of():
    with pytest.warns(UniqueWarning, match="leave out 'available' and 'scheduled'"):
        class Late(Worker, unique={"states": ["completed"]}):
            def perform(self, job):
                return None
    assert Late.worker_unique is not None
