"""A started Oban runs its queues by itself: inserted jobs start without a drain, in
order, up to the limit at once; paused queues wait; scaling changes how many run."""

from __future__ import annotations

import threading

import pytest

from tests.runtime.conftest import Gate, eventually
from trainer.jobs import Job, JobState, Oban, Worker

pytestmark = pytest.mark.no_sandbox

GATE = Gate()
DONE: list[int] = []


class Quick(Worker):
    def perform(self, job):
        DONE.append(job.args["n"])


class Held(Worker, queue="held"):
    def perform(self, job):
        GATE.enter(job)


@pytest.fixture(autouse=True)
def _fresh():
    DONE.clear()


def test_a_job_inserted_into_a_running_idle_queue_runs_without_a_drain(start, committed):
    oban = start(queues={"default": 10})
    job = oban.insert(Quick.new({"n": 1}))
    done = eventually(lambda: (j := oban.get_job(job)) and j.state is JobState.COMPLETED
                      and j, "the job to complete")
    assert DONE == [1]
    assert done.attempt == 1 and done.attempted_by[0] == oban.node


def test_an_insert_through_another_oban_object_or_another_connection_wakes_it(
        start, committed):
    start(queues={"default": 10})
    # Another Oban object of this process, on the same database: the notification (or
    # the producer's own polling) brings the job to the running queue.
    other = Oban(repo=committed)
    job = other.insert(Quick.new({"n": 2}))
    eventually(lambda: other.get_job(job).state is JobState.COMPLETED, "the job to run")


def test_a_queue_runs_at_most_limit_jobs_at_once_and_scaling_changes_it(start):
    oban = start(queues={"held": 2})
    oban.insert_all([Held.new({"n": n}) for n in range(6)])
    eventually(lambda: len(GATE.inside) == 2, "two jobs running")
    assert len(oban.check_queue(queue="held")["running"]) == 2
    oban.scale_queue(queue="held", limit=5)
    eventually(lambda: len(GATE.inside) == 5, "five jobs running after scaling")
    assert oban.check_queue(queue="held")["limit"] == 5
    GATE.open()
    eventually(lambda: not oban.list_jobs(state="available") and not GATE.inside
               and not oban.list_jobs(state="executing"), "every job to finish")
    assert GATE.most_at_once == 5
    assert len(oban.list_jobs(state="completed")) == 6


def test_a_paused_queue_runs_nothing_until_resumed(start):
    oban = start(queues={"default": {"limit": 1, "paused": True}})
    jobs = oban.insert_all([Quick.new({"n": n}) for n in range(3)])
    check = oban.check_queue(queue="default")
    assert check["paused"] is True and check["running"] == []
    threading.Event().wait(0.5)  # more than the producer's polling interval
    assert DONE == [] and all(j.state is JobState.AVAILABLE for j in oban.list_jobs())
    oban.resume_queue(queue="default")
    eventually(lambda: len(DONE) == 3, "the three jobs after resume")
    assert DONE == [0, 1, 2]  # limit 1: one by one, in insertion order
    oban.pause_queue(queue="default")
    oban.insert(Quick.new({"n": 9}))
    threading.Event().wait(0.5)
    assert 9 not in DONE
    assert [j.id for j in oban.list_jobs(state="available")] == [jobs[-1].id + 1]


def test_jobs_run_in_priority_then_scheduled_time_order(start, committed):
    paused = start(queues={"default": {"limit": 1, "paused": True}})
    low = paused.insert(Quick.new({"n": 3}, priority=3))
    paused.insert(Quick.new({"n": 0}, priority=0))
    paused.insert(Quick.new({"n": 1}, priority=0))
    paused.resume_queue(queue="default")
    eventually(lambda: len(DONE) == 3, "three jobs")
    # DONE grows inside perform, just before the job's ack: wait for that too.
    eventually(lambda: paused.get_job(low).state is JobState.COMPLETED, "the last ack")
    assert DONE == [0, 1, 3]


def test_scheduled_jobs_are_staged_when_due_and_then_run(start):
    oban = start(queues={"default": 5})
    job = oban.insert(Quick.new({"n": 5}, schedule_in=1))
    assert oban.get_job(job).state is JobState.SCHEDULED
    eventually(lambda: oban.get_job(job).state is JobState.COMPLETED, "the due job to run",
               timeout=5)


def test_a_failing_job_is_retried_by_the_running_queue_after_its_backoff(start):
    class Flaky(Worker, max_attempts=2):
        def perform(self, job):
            if job.attempt == 1:
                raise RuntimeError("first time unlucky")

        def backoff(self, job):
            return 1

    oban = start(queues={"default": 5})
    job = oban.insert(Flaky.new({}))
    done = eventually(lambda: (j := oban.get_job(job)).state is JobState.COMPLETED and j,
                      "the retried job to complete", timeout=6)
    assert done.attempt == 2 and "first time unlucky" in done.errors[0]["error"]


def test_a_second_start_of_the_same_name_is_refused_and_another_name_is_not(start):
    start(queues={"default": 1})
    with pytest.raises(Exception, match="already running in this process"):
        start(queues={"default": 1})
    assert start(queues={"default": 1}, name="Other").check_queue(queue="default")


def test_a_testing_mode_runs_no_queue(start):
    oban = start(queues={"default": 10}, testing="manual")
    job = oban.insert(Quick.new({"n": 1}))
    threading.Event().wait(0.3)
    assert oban.get_job(job).state is JobState.AVAILABLE and DONE == []
    with pytest.raises(Exception, match="needs a started Oban"):
        oban.check_queue(queue="default")


def test_job_ids_are_never_run_twice_under_two_instances(start, committed):
    first = start(queues={"default": 4}, name="A")
    second = start(queues={"default": 4}, name="B")
    first.insert_all([Quick.new({"n": n}) for n in range(200)])
    eventually(lambda: len(DONE) == 200 and not second.list_jobs(state="available")
               and not second.list_jobs(state="executing"), "every job", timeout=30)
    assert sorted(DONE) == list(range(200))
    assert isinstance(first, Oban) and all(isinstance(j, Job) for j in first.list_jobs())


def test_the_configuration_is_readable_and_checked_before_anything_starts():
    from trainer.errors import OptionError
    from trainer.jobs.plugins import Pruner

    oban = Oban(queues={"default": 10, "email": {"limit": 1, "paused": True}},
                plugins=[Pruner(max_age=60)], node="here")
    config = oban.config
    assert config["queues"] == {"default": {"limit": 10, "paused": False},
                                "email": {"limit": 1, "paused": True}}
    assert config["node"] == "here" and config["shutdown_grace_period"] == 15
    assert [p.name for p in config["plugins"]] == ["Pruner"]
    for queues, message in [({"default": 0}, r"queues\['default'\]=0 is not allowed"),
                            ({"default": {"limt": 1}}, "unknown queue 'default' option"),
                            ({"default": {"paused": True}}, "a dict with a limit"),
                            (["default"], "a dict of queue names to limits")]:
        with pytest.raises(OptionError, match=message):
            Oban.validate(queues=queues)
    with pytest.raises(OptionError, match="shutdown_grace_period=-1"):
        Oban.validate(shutdown_grace_period=-1)


def test_queue_control_reaches_the_instances_of_the_same_name_on_other_nodes(start):
    here = start(queues={"default": 2}, node="here")
    there = start(queues={"default": 2}, node="there")
    elsewhere = start(queues={"default": 2}, node="elsewhere", name="Other")
    here.pause_queue(queue="default")
    eventually(lambda: there.check_queue(queue="default")["paused"], "the signal to arrive")
    here.scale_queue(queue="default", limit=7)
    eventually(lambda: there.check_queue(queue="default")["limit"] == 7, "the scale")
    here.resume_queue(queue="default", local_only=True)  # this node only
    here.start_queue(queue="extra", limit=1)
    eventually(lambda: there.check_queue(queue="extra"), "the started queue")
    assert there.check_queue(queue="default")["paused"] is True
    assert here.check_queue(queue="default")["paused"] is False
    # Another instance name hears nothing of it.
    assert elsewhere.check_queue(queue="default")["paused"] is False
    assert elsewhere.check_queue(queue="extra") is None
    with pytest.raises(Exception, match="queue 'nowhere' is not running in this instance"):
        here.pause_queue(queue="nowhere", local_only=True)


def test_an_insert_of_an_available_job_notifies_listeners_once_it_commits(committed):
    from trainer import sql
    from trainer.db.connect import connect
    from trainer.jobs import INFINITY

    class Once(Worker, unique={"keys": ["n"], "period": INFINITY}):
        def perform(self, job):
            return None

    with connect(committed.conninfo, autocommit=True) as listener:
        listener.execute(sql("listen"))

        def heard() -> list[str]:
            return [n.payload for n in listener.notifies(timeout=0.3) if n.channel ==
                    "oban_insert"]

        Oban(repo=committed).insert(Quick.new({"n": 1}, queue="plain"))
        Oban(repo=committed).insert(Once.new({"n": 1}, queue="unique"))
        assert heard() == ["plain", "unique"]
        Oban(repo=committed).insert(Once.new({"n": 1}, queue="unique"))  # a conflict
        Oban(repo=committed).insert(Quick.new({"n": 2}, schedule_in=60))  # not yet due
        Oban(repo=committed, testing="manual").insert(Quick.new({"n": 3}))
        Oban(repo=committed, insert_trigger=False).insert(Quick.new({"n": 4}))
        assert heard() == []
