"""Plugins and leadership: of two instances on one database one leads, and only it runs
Cron (one job per matching minute, by a settable clock), the Pruner (old finished jobs
only) and the Lifeline (orphans of a stop past its grace period)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from tests.runtime.conftest import Gate, eventually
from trainer import telemetry
from trainer.clock import clock
from trainer.errors import ArgumentError, OptionError
from trainer.jobs import JobState, Oban, Worker
from trainer.jobs.plugins import Cron, Lifeline, Pruner
from trainer.jobs.plugins.cron_expression import parse

pytestmark = pytest.mark.no_sandbox

GATE = Gate()


class Digest(Worker, queue="digests"):
    def perform(self, job):
        return None


class Held(Worker, max_attempts=2):
    def perform(self, job):
        if job.attempt == 1:
            GATE.enter(job, wait=job.args["wait"])


def _leaders(*obans: Oban) -> list[str]:
    return [oban.name for oban in obans if oban._instance and oban._instance.peer.leader]


def test_one_of_two_instances_leads_and_the_other_takes_over_when_it_stops(start):
    first = start(queues={"default": 1}, node="first")
    second = start(queues={"default": 1}, node="second", name="Oban-2")
    # Different names elect apart: each leads its own.
    assert _leaders(first, second) == ["Oban", "Oban-2"]
    third = start(queues={"default": 1}, node="third", name="Oban-2")
    assert _leaders(second, third) == ["Oban-2"] and second._instance.peer.leader
    second.stop()
    eventually(lambda: third._instance.peer.leader, "the other instance to lead", timeout=5)


def test_cron_inserts_one_job_per_matching_minute_with_two_instances(start):
    crontab = [("* * * * *", Digest), ("*/2 * * * *", Digest, {"args": {"even": True}})]
    with clock.frozen(datetime(2026, 12, 1, 12, 0, 30)):
        crons = [Cron(crontab=crontab, interval=0.02) for _ in range(2)]
        obans = [start(queues={}, plugins=[cron], node=f"node-{n}")
                 for n, cron in enumerate(crons)]
        eventually(lambda: all(c._last_minute for c in crons), "both to see 12:00 begin")
        inserted = 0
        for minute in range(1, 5):
            clock.advance(seconds=60)
            eventually(lambda m=minute: all(c._last_minute and c._last_minute.minute == m
                                            for c in crons), "both to see the minute")
            # A minute is marked seen before its jobs are inserted: the clock moves on only
            # once they are, so each job's inserted_at is its own minute.
            inserted += 1 + (minute % 2 == 0)
            eventually(lambda n=inserted: len(obans[0].list_jobs(worker=Digest)) >= n,
                       "the minute's jobs")
        time.sleep(0.1)  # time for a wrong extra insert to show
        jobs = obans[0].list_jobs(worker=Digest)
    # 12:01 to 12:04 (not 12:00: it began before the instances did); even minutes twice.
    every = sorted(j.inserted_at.minute for j in jobs if j.args == {})
    even = sorted(j.inserted_at.minute for j in jobs if j.args == {"even": True})
    assert (every, even) == ([1, 2, 3, 4], [2, 4])
    assert all(j.meta["cron"] is True and j.meta["cron_tz"] == "Etc/UTC" for j in jobs)
    assert {j.meta["cron_expr"] for j in jobs} == {"* * * * *", "*/2 * * * *"}


def test_cron_evaluates_an_entry_in_its_timezone_and_reboot_once(start):
    # 08:00 UTC is 09:00 in Paris in December.
    with clock.frozen(datetime(2026, 12, 7, 7, 59, 50)):
        cron = Cron(crontab=[("0 9 * * MON", Digest, {"args": {"weekly": 1}}),
                             ("@reboot", Digest, {"args": {"boot": 1}})],
                    timezone="Europe/Paris", interval=0.02)
        oban = start(queues={}, plugins=[cron])
        eventually(lambda: oban.list_jobs(worker=Digest), "the @reboot job")
        clock.advance(seconds=10)
        eventually(lambda: len(oban.list_jobs(worker=Digest)) == 2, "the weekly job")
        clock.advance(seconds=60)
        eventually(lambda: cron._last_minute.minute == 1, "the next minute")
        args = sorted(str(j.args) for j in oban.list_jobs(worker=Digest))
    assert args == ["{'boot': 1}", "{'weekly': 1}"]


@pytest.mark.parametrize(("expression", "message"), [
    ("* * * *", "has 4 fields"), ("* * * * 7", "7 is not allowed"),
    ("61 * * * *", "out of range"), ("* * L * *", "day field"),
    ("@every_minute", "unknown nickname"), ("* * * * * *", "has 6 fields"),
    ("*/x * * * *", "minute field"), ("", "not allowed"),
])
def test_a_bad_cron_expression_is_refused_naming_the_field_and_the_syntax(expression, message):
    with pytest.raises(OptionError, match=message):
        parse(expression)


def test_bad_plugin_options_are_refused_before_anything_starts():
    with pytest.raises(OptionError, match="timezone='Mars/Olympus'"):
        Cron(crontab=[], timezone="Mars/Olympus")
    with pytest.raises(ArgumentError, match="not a Worker class"):
        Cron(crontab=[("* * * * *", print)])
    with pytest.raises(OptionError, match="max_attempts"):
        Cron(crontab=[("* * * * *", Digest, {"max_attempts": 0})])
    with pytest.raises(ArgumentError, match=r"call it: Pruner\(\), not Pruner"):
        Oban.validate(plugins=[Pruner])
    with pytest.raises(ArgumentError, match="given twice"):
        Oban.validate(plugins=[Pruner(), Pruner()])
    with pytest.raises(OptionError, match="max_age=-1"):
        Pruner(max_age=-1)
    assert Oban.validate(queues={"default": 10}, plugins=[Lifeline(), Pruner()]) is None
    assert parse("@daily").matches(datetime(2026, 1, 1, 0, 0))
    assert parse("0 0 * jan-MAR MON").matches(datetime(2026, 3, 2, 0, 0))
    assert parse("0 9 13 * 5").matches(datetime(2026, 11, 13, 9, 0))  # a Friday the 13th
    assert not parse("0 9 13 * 5").matches(datetime(2026, 12, 13, 9, 0))  # both must match


def test_the_pruner_deletes_only_old_finished_jobs(start, committed):
    from tests.jobs.helpers import set_columns

    oban = Oban(repo=committed)
    now = datetime(2026, 12, 1, 12, 0, 0)
    jobs = oban.insert_all([Digest.new({"n": n}) for n in range(6)])
    old, recent = now - timedelta(seconds=120), now - timedelta(seconds=10)
    set_columns(committed, jobs[0].id, state="completed", scheduled_at=old)
    set_columns(committed, jobs[1].id, state="completed", scheduled_at=recent)
    set_columns(committed, jobs[2].id, state="discarded", discarded_at=old)
    set_columns(committed, jobs[3].id, state="cancelled", cancelled_at=old)
    set_columns(committed, jobs[4].id, state="retryable", scheduled_at=old)
    pruned: list[dict] = []
    handler = telemetry.attach("oban.plugin.stop", lambda _, __, meta: pruned.append(meta))
    try:
        with clock.frozen(now):
            start(queues={}, plugins=[Pruner(max_age=60, interval=0.05)])
            eventually(lambda: pruned, "a prune")
    finally:
        telemetry.detach(handler)
    left = sorted(j.id for j in oban.list_jobs())
    assert left == [jobs[1].id, jobs[4].id, jobs[5].id]
    assert pruned[0]["plugin"] == "Pruner" and pruned[0]["pruned_count"] == 3


def test_the_lifeline_rescues_what_a_too_short_stop_left_executing(start, committed):
    stopped = start(queues={"default": 2}, shutdown_grace_period=0.1, node="crashed")
    job = stopped.insert(Held.new({"wait": 0.5}))
    eventually(lambda: GATE.inside, "the job to run")
    assert stopped.stop() == {"default": [job.id]}
    eventually(lambda: not GATE.inside, "its thread to end")
    assert stopped.get_job(job).state is JobState.EXECUTING
    rescuer = start(queues={"default": 2},
                    plugins=[Lifeline(rescue_after=timedelta(seconds=0.2), interval=0.05)])
    done = eventually(lambda: (j := rescuer.get_job(job)).state is JobState.COMPLETED and j,
                      "the rescued job to run again and complete", timeout=3)
    assert done.attempt == 2  # its lost attempt counted; one was left, so it ran again
