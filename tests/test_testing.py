"""The testing helpers: what counts as enqueued, how filters match, what failures say."""

from __future__ import annotations

from datetime import timedelta

import pytest

from trainer.clock import utcnow
from trainer.errors import ArgumentError, OptionError
from trainer.jobs import Cancel, Snooze, Worker
from trainer.testing import ANY, all_enqueued, assert_enqueued, perform_job, refute_enqueued


class Mailer(Worker, queue="mail"):
    def perform(self, job):
        return job.args.get("reply")


class Other(Worker):
    def perform(self, job):
        return None


def test_only_waiting_jobs_are_enqueued(oban):
    waiting = oban.insert(Mailer.new({"to": "ana"}))
    later = oban.insert(Mailer.new({"to": "ben"}, schedule_in=60))
    done = oban.insert(Mailer.new({"to": "cy"}))
    oban.repo.execute("UPDATE oban_jobs SET state = 'completed' WHERE id = %s", (done.id,))
    assert [j.id for j in all_enqueued(worker=Mailer)] == [later.id, waiting.id]
    assert all_enqueued(worker=Mailer, state="completed") == []


def test_worker_as_class_or_name_and_queue(oban):
    oban.insert(Mailer.new({"to": "ana"}))
    oban.insert(Other.new({"to": "ana"}))
    assert len(all_enqueued(worker=Mailer)) == 1
    assert len(all_enqueued(worker="tests.test_testing.Mailer")) == 1
    assert len(all_enqueued(queue="mail")) == 1
    assert len(all_enqueued(queue="default")) == 1


def test_args_match_as_a_recursive_subset(oban):
    oban.insert(Mailer.new({"to": "ana", "opts": {"lang": "fr", "cc": ["x"]}}))
    assert_enqueued(worker=Mailer, args={"to": "ana"})
    assert_enqueued(worker=Mailer, args={"opts": {"lang": "fr"}})
    assert_enqueued(worker=Mailer, args={"opts": {"cc": ("x",)}})  # a tuple is a JSON list
    assert_enqueued(worker=Mailer, args={"to": ANY})
    assert_enqueued(worker=Mailer, args={})
    refute_enqueued(worker=Mailer, args={"opts": {"lang": "de"}})
    refute_enqueued(worker=Mailer, args={"from": ANY})
    refute_enqueued(worker=Mailer, args={"opts": {"cc": []}})  # lists compare whole


def test_timestamps_match_within_a_tolerance(oban):
    oban.insert(Mailer.new({"to": "ana"}, schedule_in=600))
    assert_enqueued(worker=Mailer, scheduled_in=600)
    assert_enqueued(worker=Mailer, scheduled_in=timedelta(minutes=10))
    refute_enqueued(worker=Mailer, scheduled_in=60)
    assert_enqueued(worker=Mailer, scheduled_in=(590, 15))
    refute_enqueued(worker=Mailer, scheduled_in=590)
    assert_enqueued(worker=Mailer, scheduled_in=590, delta=15)
    soon = utcnow() + timedelta(seconds=600)
    assert_enqueued(worker=Mailer, scheduled_at=soon)
    assert_enqueued(worker=Mailer, inserted_at=utcnow())


def test_assert_failure_lists_the_jobs_that_were_found(oban):
    oban.insert(Mailer.new({"to": "ana"}))
    with pytest.raises(AssertionError) as caught:
        assert_enqueued(worker=Mailer, args={"to": "zed"})
    message = str(caught.value)
    assert "Expected a job matching worker='tests.test_testing.Mailer', args={'to': 'zed'}" in (
        message)
    assert "args={'to': 'ana'}" in message
    assert "state='available'" in message


def test_assert_failure_when_nothing_is_enqueued_says_so(oban):
    with pytest.raises(AssertionError, match="Enqueued jobs: none."):
        assert_enqueued(worker=Mailer)


def test_refute_failure_lists_the_matching_jobs(oban):
    job = oban.insert(Mailer.new({"to": "ana"}))
    with pytest.raises(AssertionError) as caught:
        refute_enqueued(worker=Mailer)
    assert "but found 1" in str(caught.value)
    assert f"#{job.id} " in str(caught.value)


def test_assert_with_a_timeout_waits_for_a_job(oban, sandbox):
    import threading

    timer = threading.Timer(0.1, lambda: oban.insert(Mailer.new({"to": "late"})))
    sandbox.allow(timer)  # its insert is the test's, rolled back with it
    timer.start()
    try:
        found = assert_enqueued(worker=Mailer, args={"to": "late"}, timeout=5)
    finally:
        timer.join()
    assert found.args == {"to": "late"}


def test_refute_with_a_timeout_notices_a_job_that_arrives(oban, sandbox):
    import threading

    timer = threading.Timer(0.05, lambda: oban.insert(Mailer.new({"to": "late"})))
    sandbox.allow(timer)
    timer.start()
    try:
        with pytest.raises(AssertionError, match="but found 1"):
            refute_enqueued(worker=Mailer, timeout=5)
    finally:
        timer.join()


@pytest.mark.parametrize("call, message", [
    (lambda: assert_enqueued(), "needs at least one filter"),
    (lambda: refute_enqueued(), "needs at least one filter"),
    (lambda: all_enqueued(wrker=Mailer), "unknown filter option 'wrker'.*Did you mean 'worker'"),
    (lambda: all_enqueued(args=[1]), r"args=\[1\] is not allowed"),
    (lambda: all_enqueued(state="done"), "state='done' is not allowed"),
    (lambda: all_enqueued(worker=3), "worker=3 is not allowed"),
    (lambda: all_enqueued(scheduled_at="now"), "scheduled_at='now' is not allowed"),
    (lambda: all_enqueued(scheduled_in="soon"), "scheduled_in='soon' is not allowed"),
    (lambda: assert_enqueued(worker=Mailer, timeout=-1), "timeout=-1 is not allowed"),
])
def test_bad_filters_raise_clear_errors(oban, call, message):
    with pytest.raises((OptionError, ArgumentError), match=message):
        call()


def test_perform_job_runs_without_the_database_and_returns_the_result():
    assert perform_job(Mailer, {"to": "ana", "reply": "sent"}) == "sent"
    assert perform_job(Other, {}) is None


def test_perform_job_checks_options_and_args_like_new():
    with pytest.raises(OptionError, match="max_attempts=0"):
        perform_job(Mailer, {}, max_attempts=0)
    with pytest.raises(ArgumentError, match="set"):
        perform_job(Mailer, {"to": {"a", "b"}})
    with pytest.raises(ArgumentError, match="Worker subclass"):
        perform_job(object, {})  # type: ignore[arg-type]


def test_perform_job_lets_exceptions_through_and_rejects_a_bad_snooze():
    class Boom(Worker):
        def perform(self, job):
            raise ValueError("boom")

    class BadSnooze(Worker):
        def perform(self, job):
            return Snooze(-1)

    class Stop(Worker):
        def perform(self, job):
            return Cancel("no")

    with pytest.raises(ValueError, match="boom"):
        perform_job(Boom, {})
    with pytest.raises(AssertionError, match="Snooze"):
        perform_job(BadSnooze, {})
    assert perform_job(Stop, {}) == Cancel("no")


def test_perform_job_gives_json_args_and_attempt_one():
    seen = []

    class Spy(Worker):
        def perform(self, job):
            seen.append(job)

    perform_job(Spy, {"ids": [1, 2]})
    assert seen[0].args == {"ids": [1, 2]}
    assert seen[0].attempt == 1
