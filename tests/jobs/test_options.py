"""Every bad option raises the trainer's own error, naming the option, the value given and
what is allowed; good options are normalised as Oban does."""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple

import pytest

from trainer.clock import utcnow
from trainer.errors import ArgumentError, OptionError, TrainerError
from trainer.jobs import INFINITY, JobState, Oban, Worker
from trainer.jobs.options import WORKER_OPTIONS


class Plain(Worker):
    def perform(self, job):
        return None


def worker(**options: Any) -> Callable[[], Any]:
    """Define a Worker subclass with these class keywords."""
    return lambda: types.new_class("Configured", (Worker,), options)


def new(args: Any = None, **options: Any) -> Callable[[], Any]:
    return lambda: Plain.new({} if args is None else args, **options)


def drain(**options: Any) -> Callable[[], Any]:
    return lambda: Oban(testing="manual").drain_queue(**options)


class Bad(NamedTuple):
    call: Callable[[], Any]
    option: str   # how the message names the option
    value: str    # how it shows the bad value
    allowed: str  # a piece of what it says is allowed
    error: type[TrainerError] = OptionError


WHEN = datetime(2024, 1, 1)
ALLOWED_WORKER = ", ".join(WORKER_OPTIONS)

BAD = {
    # -- worker class keywords
    "worker unknown option": Bad(worker(max_attempt=3), "unknown worker option 'max_attempt'",
                                 "(given 3)", "Did you mean 'max_attempts'?"),
    "worker meta": Bad(worker(meta={}), "unknown worker option 'meta'", "(given {})",
                       ALLOWED_WORKER),
    "worker schedule_in": Bad(worker(schedule_in=60), "unknown worker option 'schedule_in'",
                              "(given 60)", ALLOWED_WORKER),
    "max_attempts 0": Bad(worker(max_attempts=0), "max_attempts", "=0", "positive integer"),
    "max_attempts -1": Bad(worker(max_attempts=-1), "max_attempts", "=-1", "positive integer"),
    "max_attempts True": Bad(worker(max_attempts=True), "max_attempts", "=True",
                             "positive integer"),
    "max_attempts '3'": Bad(worker(max_attempts="3"), "max_attempts", "='3'",
                            "positive integer"),
    "priority 10": Bad(worker(priority=10), "priority", "=10", "0 (highest) to 9 (lowest)"),
    "priority -1": Bad(worker(priority=-1), "priority", "=-1", "0 (highest) to 9 (lowest)"),
    "priority 1.0": Bad(worker(priority=1.0), "priority", "=1.0", "an integer"),
    "queue ''": Bad(worker(queue=""), "queue", "=''", "a non-empty string"),
    "queue 1234": Bad(worker(queue=1234), "queue", "=1234", "a non-empty string"),
    "queue 128 chars": Bad(worker(queue="x" * 128), "queue", "='" + "x" * 128 + "'",
                           "at most 127 characters"),
    "queue NUL": Bad(worker(queue="a\x00b"), "queue", "='a\\x00b'", "no NUL"),
    "tags 'a'": Bad(worker(tags="a"), "tags", "='a'", "a list of strings"),
    "tags [1]": Bad(worker(tags=[1]), "tags", "=[1]", "1 is not a storable string"),
    "unique []": Bad(worker(unique=[]), "unique", "=[]", "True, False, None, or a dict"),
    "unique {}": Bad(worker(unique={}), "unique", "={}", "use unique=True for the defaults"),
    "unique 'yes'": Bad(worker(unique="yes"), "unique", "='yes'", "True, False, None"),
    "unique unknown key": Bad(worker(unique={"perod": 60}), "unknown unique option 'perod'",
                              "(given 60)", "Did you mean 'period'?"),
    "unique bad field": Bad(worker(unique={"fields": ["args", "bogus"]}), "unique fields",
                            "=['args', 'bogus']", "'bogus' is not one of them"),
    "unique empty fields": Bad(worker(unique={"fields": []}), "unique fields", "=[]",
                               "a non-empty list drawn from ['args', 'meta', 'queue'"),
    "unique fields 'args'": Bad(worker(unique={"fields": "args"}), "unique fields",
                                "='args'", "a non-empty list"),
    "keys without args or meta": Bad(worker(unique={"fields": ["queue"], "keys": ["id"]}),
                                     "unique keys", "=['id']",
                                     "unique fields include 'args' or 'meta'"),
    "keys 'id'": Bad(worker(unique={"keys": "id"}), "unique keys", "='id'",
                     "a list of argument names"),
    "keys [1]": Bad(worker(unique={"keys": [1]}), "unique keys", "=[1]",
                    "a list of non-empty strings"),
    "period 0": Bad(worker(unique={"period": 0}), "unique period", "=0",
                    "a positive whole number of seconds"),
    "period -5": Bad(worker(unique={"period": -5}), "unique period", "=-5", "or INFINITY"),
    "period 'forever'": Bad(worker(unique={"period": "forever"}), "unique period",
                            "='forever'", "or INFINITY"),
    "period 1.5": Bad(worker(unique={"period": 1.5}), "unique period", "=1.5",
                      "whole number of seconds"),
    "period timedelta 0": Bad(worker(unique={"period": timedelta(0)}), "unique period",
                              "=datetime.timedelta(0)", "a positive timedelta"),
    "period too long": Bad(worker(unique={"period": 10**12}), "unique period",
                           "=1000000000000", "at most 1000 years"),
    "states []": Bad(worker(unique={"states": []}), "unique states", "=[]",
                     "a group name ('all', 'incomplete', 'scheduled', 'successful')"),
    "states 'bogus'": Bad(worker(unique={"states": "bogus"}), "unique states", "='bogus'",
                          "or a non-empty list of states"),
    "states ['bogus']": Bad(worker(unique={"states": ["bogus"]}), "unique states",
                            "=['bogus']", "'bogus' is not a state"),
    "timestamp updated_at": Bad(worker(unique={"timestamp": "updated_at"}),
                                "unique timestamp", "='updated_at'",
                                "one of ['inserted_at', 'scheduled_at']"),
    "worker replace flat list": Bad(worker(replace=["scheduled_at"]), "replace",
                                    "=['scheduled_at']", "a dict of state to fields"),
    "worker replace bad state": Bad(worker(replace={"sched": ["scheduled_at"]}), "replace",
                                    "={'sched': ['scheduled_at']}", "'sched' is not a state"),
    "worker replace bad field": Bad(worker(replace={"scheduled": ["state"]}),
                                    "replace['scheduled']", "=['state']",
                                    "'state' cannot be replaced"),
    "worker replace fields 'x'": Bad(worker(replace={"scheduled": "scheduled_at"}),
                                     "replace['scheduled']", "='scheduled_at'",
                                     "a list drawn from"),
    # -- new() options
    "new unknown option": Bad(new(schedule=60), "unknown job option 'schedule'", "(given 60)",
                              "Did you mean 'schedule_in'?"),
    "new state": Bad(new(state="completed"), "unknown job option 'state'",
                     "(given 'completed')", "allowed: queue, max_attempts"),
    "schedule_in 'soon'": Bad(new(schedule_in="soon"), "schedule_in", "='soon'",
                              "a whole number of seconds or a timedelta"),
    "schedule_in 1.5": Bad(new(schedule_in=1.5), "schedule_in", "=1.5",
                           "a whole number of seconds"),
    "schedule_in 10**20": Bad(new(schedule_in=10**20), "schedule_in", "=" + str(10**20),
                              "at most 1000 years"),
    "schedule_in timedelta.max": Bad(new(schedule_in=timedelta.max), "schedule_in",
                                     "=datetime.timedelta(days=999999999", "at most 1000"),
    "scheduled_at string": Bad(new(scheduled_at="2024-01-01"), "scheduled_at",
                               "='2024-01-01'", "a datetime"),
    "scheduled_at out of range": Bad(
        new(scheduled_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))),
        "scheduled_at", "=datetime.datetime(1, 1, 1", "within years 1..9999"),
    "both schedule_in and scheduled_at": Bad(new(schedule_in=5, scheduled_at=WHEN),
                                             "schedule_in", "=5",
                                             "scheduled_at=datetime.datetime(2024, 1, 1"),
    "meta 'x'": Bad(new(meta="x"), "meta", "='x'", "a dict with string keys"),
    "meta int key": Bad(new(meta={1: "a"}), "meta", "key 1 (int)", "keys are strings",
                        ArgumentError),
    "new priority 10": Bad(new(priority=10), "priority", "=10", "0 (highest) to 9"),
    "new max_attempts 0": Bad(new(max_attempts=0), "max_attempts", "=0", "positive integer"),
    "new queue ''": Bad(new(queue=""), "queue", "=''", "a non-empty string"),
    "new unique 'yes'": Bad(new(unique="yes"), "unique", "='yes'", "True, False, None"),
    "new replace bad field": Bad(new(replace=["state"]), "replace", "=['state']",
                                 "'state' cannot be replaced"),
    "new replace 'args'": Bad(new(replace="args"), "replace", "='args'",
                              "or a list of fields for every state"),
    "args a list": Bad(new([1, 2]), "job args", "[1, 2]", "must be a dict with string keys",
                       ArgumentError),
    "args a string": Bad(new("id=1"), "job args", "'id=1'", "must be a dict", ArgumentError),
    "args with a set": Bad(new({"ids": {1, 2}}), "args['ids']", "{1, 2}",
                           "use a sorted list", ArgumentError),
    "args with a datetime": Bad(new({"at": WHEN}), "args['at']", "datetime.datetime(2024",
                                "use an ISO 8601 string", ArgumentError),
    "args with NaN": Bad(new({"x": math.nan}), "args['x']", "nan", "use None or a string",
                         ArgumentError),
    "args with an int key": Bad(new({1: "a"}), "args has the key", "1 (int)", "use str(key)",
                                ArgumentError),
    "args with a tuple": Bad(new({"pair": (1, 2)}), "args['pair']", "(1, 2)", "use a list",
                             ArgumentError),
    "args with an int too long for JSON": Bad(new({"n": 10**5000}), "args", "an int of more "
                                              "than 4300 digits at args['n']", "use a string",
                                              ArgumentError),
    "worker name too long": Bad(lambda: types.new_class("W" * 200, (Plain,)).new({}),
                                "worker=", "='types.WWWW",
                                "under 128 characters"),
    "args with NUL": Bad(new({"s": "a\x00"}), "args['s']", "NUL character", "remove it",
                         ArgumentError),
    # -- drain_queue
    "drain without queue": Bad(drain(), "queue", "=None", "drain_queue(queue='default')"),
    "drain queue ''": Bad(drain(queue=""), "queue", "=''", "a non-empty string"),
    "with_limit 0": Bad(drain(queue="default", with_limit=0), "with_limit", "=0",
                        "a positive integer"),
    "with_limit '5'": Bad(drain(queue="default", with_limit="5"), "with_limit", "='5'",
                          "a positive integer"),
    "with_scheduled 'yes'": Bad(drain(queue="default", with_scheduled="yes"),
                                "with_scheduled", "='yes'", "True, False or a datetime"),
    "with_safety 'no'": Bad(drain(queue="default", with_safety="no"), "with_safety", "='no'",
                            "True or False"),
    "with_recursion 1": Bad(drain(queue="default", with_recursion=1), "with_recursion", "=1",
                            "True or False"),
    # -- the rest
    "Oban testing 'auto'": Bad(lambda: Oban(testing="auto"), "testing", "='auto'",
                               "one of ['manual', 'inline', 'disabled']"),
    "Oban repo": Bad(lambda: Oban(repo="postgres://"), "repo", "'postgres://'",
                     "must be a Repository", ArgumentError),
    "rescue after -1": Bad(lambda: Oban().rescue_orphaned_jobs(after=-1), "after", "=-1",
                           "zero or more seconds"),
    "list_jobs args with a set": Bad(lambda: Oban().list_jobs(args={"id": {1, 2}}),
                                     "args['id']", "{1, 2}", "use a sorted list",
                                     ArgumentError),
    "list_jobs bad state": Bad(lambda: Oban().list_jobs(state="done"), "state", "='done'",
                               "one of ['suspended'"),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_a_bad_option_is_named_with_its_value_and_what_is_allowed(case: Bad):
    with pytest.raises(TrainerError) as caught:
        case.call()
    assert type(caught.value) is case.error
    message = str(caught.value)
    assert case.option in message
    assert case.value in message
    assert case.allowed in message


def test_the_errors_are_also_the_builtin_kinds():
    assert issubclass(OptionError, ValueError) and issubclass(ArgumentError, TypeError)


# -- good options -------------------------------------------------------------------------

@pytest.mark.parametrize("unique", [
    True, False, None, {"period": INFINITY}, {"period": timedelta(hours=1)}, {"period": 1},
    {"states": "all"}, {"states": "incomplete"}, {"states": "scheduled"},
    {"states": "successful"}, {"states": ["available", JobState.SCHEDULED]},
    {"fields": ["meta"], "keys": ["tenant"]}, {"keys": []}, {"timestamp": "scheduled_at"},
    {"fields": ("args", "args", "queue")},
])
def test_good_unique_options_validate_at_both_levels(unique):
    cls = worker(unique=unique)()
    assert cls.new({}).unique == Plain.new({}, unique=unique).unique


def test_unique_defaults():
    options = Plain.new({}, unique={"keys": ["id"]}).unique
    assert options is not None
    assert options.fields == ("args", "queue", "worker")
    assert options.period == 60 and options.timestamp == "inserted_at"
    assert [s.value for s in options.states] == [
        "suspended", "available", "scheduled", "executing", "retryable", "completed"]
    forever = Plain.new({}, unique=True).unique
    assert forever is not None and forever.period is None and forever.keys is None
    assert Plain.new({}).unique is None


def test_tags_are_normalised_as_oban_does():
    job = Plain.new({}, tags=[" Refunds ", "refunds", "", "PAYMENTS", "  "])
    assert job.tags == ("refunds", "payments")


def test_defaults():
    job = Plain.new()
    assert (job.queue, job.max_attempts, job.priority, job.meta, job.tags) == (
        "default", 20, 0, {}, ())
    assert job.args == {} and job.state == JobState.AVAILABLE and job.id is None
    assert job.worker == "tests.jobs.test_options.Plain"


def test_worker_options_are_inherited_and_overridden_per_job():
    class Base(Worker, queue="refunds", priority=2, max_attempts=3):
        pass

    class Child(Base, priority=4):
        pass

    job = Child.new({}, max_attempts=5)
    assert (job.queue, job.priority, job.max_attempts) == ("refunds", 4, 5)


@pytest.mark.parametrize(("schedule_in", "state"), [
    (0, JobState.AVAILABLE),  # stricter than Oban: the state follows the time
    (-5, JobState.AVAILABLE),
    (60, JobState.SCHEDULED),
    (timedelta(minutes=10), JobState.SCHEDULED),
    (timedelta(seconds=-1), JobState.AVAILABLE),
])
def test_schedule_in_sets_the_time_and_the_state(schedule_in, state):
    before = utcnow()
    job = Plain.new({}, schedule_in=schedule_in)
    seconds = schedule_in if isinstance(schedule_in, int) else schedule_in.total_seconds()
    assert job.state == state
    assert before + timedelta(seconds=seconds) <= job.scheduled_at
    assert job.scheduled_at <= utcnow() + timedelta(seconds=seconds)


def test_scheduled_at_is_stored_as_naive_utc():
    aware = datetime(2030, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    job = Plain.new({}, scheduled_at=aware)
    assert job.scheduled_at == datetime(2030, 1, 1, 10)
    assert job.state == JobState.SCHEDULED
    assert Plain.new({}, scheduled_at=datetime(2020, 1, 1, tzinfo=UTC)).state \
        == JobState.AVAILABLE
