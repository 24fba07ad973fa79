"""A learner's way through lesson 7: a different but correct solution passes everything;
wrong configurations, handlers and weak tests each get the cross they deserve; and no
check leaves a handler, a log filter or a log level behind."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell

from tests.notebook_runner import (
    assert_each_mistake_crossed,
    assert_every_cell_passes,
    exercises,
    mistakes_notebook,
    read,
    replace_code,
    run,
)
from trainer.lessons import lesson

EXERCISES = exercises(lesson(7))

CONFIG1 = '''
def production_config():
    return {"queues": {"default": 10, "restaurants": 5},
            "plugins": [Pruner(max_age=timedelta(weeks=1), limit=5000)]}
'''
CONFIG2 = '''
def production_config():
    return {"queues": {"default": 10, "restaurants": 5},
            "plugins": [Lifeline(rescue_after=1800), Pruner(max_age=604800)],
            "shutdown_grace_period": timedelta(seconds=30)}
'''
TEST1 = '''%%ipytest
import pytest

def test_finished_jobs_are_kept_for_a_week():
    oban = Oban(**production_config())
    pruners = [p for p in oban.config["plugins"] if isinstance(p, Pruner)]
    assert len(pruners) == 1
    assert timedelta(seconds=pruners[0].max_age) == timedelta(days=7)
    with pytest.raises(TypeError):
        Oban.validate(plugins=[Pruner])
'''
TEST2 = '''%%ipytest

def test_orphaned_jobs_are_rescued_after_half_an_hour():
    oban = Oban(**production_config())
    assert oban.shutdown_grace_period == 30
    lifeline = next(p for p in oban.plugins if isinstance(p, Lifeline))
    assert timedelta(seconds=lifeline.rescue_after) == timedelta(minutes=30)
'''
TEST3 = '''%%ipytest
import json
import logging

def test_the_default_logger_logs_each_attempt(insert, caplog):
    good, offline = insert("order"), insert("order", "unavailable")
    with caplog.at_level(logging.INFO, logger="trainer.oban"):
        assert attach_default_logger()
        try:
            perform_job(NotifyRestaurant, {"id": good.id})
            perform_job(NotifyRestaurant, {"id": offline.id})
        finally:
            assert detach_default_logger()
    lines = [json.loads(message) for message in caplog.messages]
    assert [(line["event"], line.get("state")) for line in lines] == [
        ("job:start", None), ("job:stop", "success"),
        ("job:start", None), ("job:exception", "failure")]
    assert "Service Unavailable" in lines[-1]["error"]
'''
EVENT_LOG = '''
import logging

events_log = logging.getLogger("chowmojo.events")

class logging_every_event:
    def __enter__(self):
        self.handler_id = telemetry.attach(list(telemetry.EVENTS), self.log)
        return self

    def __exit__(self, *exception):
        telemetry.detach(self.handler_id)

    def log(self, event, measurements, metadata):
        events_log.info(f"{event}: {metadata.get('worker', metadata.get('plugin', ''))}")
'''
TEST4 = '''%%ipytest
import logging

def test_every_event_is_logged_while_the_log_is_on(insert, caplog):
    caplog.set_level(logging.DEBUG)
    order = insert("order")
    handlers = len(telemetry.attached())
    with logging_every_event():
        perform_job(NotifyRestaurant, {"id": order.id})
    assert len(telemetry.attached()) == handlers
    perform_job(NotifyRestaurant, {"id": order.id})
    names = [message.split(":")[0] for name, _, message in caplog.record_tuples
             if name == "chowmojo.events"]
    assert names == ["oban.job.start", "oban.job.stop"]
'''
REPORTER = '''
def error_reporter(tracker):
    def report(event, measurements, metadata):
        if metadata["attempt"] < metadata["max_attempts"]:
            return
        tracker.notify(f"{metadata['worker']}: {metadata['error']}",
                       worker=metadata["worker"], args=metadata["args"])
    return report
'''
TEST5 = '''%%ipytest

def test_errors_are_reported_on_the_last_attempt_only(insert):
    tracker = ErrorTracker()
    order = insert("order", "unavailable")
    handler_id = telemetry.attach("oban.job.exception", error_reporter(tracker))
    try:
        for attempt in (1, 2):
            perform_job(NotifyRestaurant, {"id": order.id}, attempt=attempt, max_attempts=2)
    finally:
        telemetry.detach(handler_id)
    assert len(tracker.reports) == 1
    assert tracker.reports[0]["args"] == {"id": order.id}
'''

CORRECT = [CONFIG1, TEST1, CONFIG2, TEST2, TEST3, EVENT_LOG, TEST4, REPORTER, TEST5]


def _plain(test: str) -> str:
    return test.replace("%%ipytest", "")


def test_a_different_correct_solution_passes_every_test_and_check():
    cells = run(replace_code(read(EXERCISES), CORRECT))
    assert_every_cell_passes(cells)


# What the notebook gives the learner before the steps: the worker and the fake tracker.
GIVEN = '''
import logging
import pytest

class NotifyRestaurant(Worker, queue="restaurants", max_attempts=3):
    def perform(self, job):
        status, body = notify_restaurant(get_order(job.args["id"]))
        if status != 200:
            return Error(f"{status} {body}")

class ErrorTracker:
    def __init__(self):
        self.reports = []

    def notify(self, error, **context):
        self.reports.append({"error": error, **context})
'''

LOGGER_TEST_WITHOUT_EXCEPTIONS = '''
def test_the_default_logger_logs_each_attempt(insert, caplog):
    caplog.set_level(logging.INFO, logger="trainer.oban")
    attach_default_logger(encode=False)
    try:
        perform_job(NotifyRestaurant, {"id": insert("order").id})
        perform_job(NotifyRestaurant, {"id": insert("order", "unavailable").id})
    finally:
        detach_default_logger()
    events = [record.msg["event"] for record in caplog.records]
    assert events[:2] == ["job:start", "job:stop"]
'''
LOGGER_TEST_EVENTS_ONLY = '''
def test_the_default_logger_logs_each_attempt(insert, caplog):
    caplog.set_level(logging.INFO, logger="trainer.oban")
    attach_default_logger(encode=False)
    try:
        perform_job(NotifyRestaurant, {"id": insert("order").id})
        perform_job(NotifyRestaurant, {"id": insert("order", "unavailable").id})
    finally:
        detach_default_logger()
    assert [record.msg["event"] for record in caplog.records] == [
        "job:start", "job:stop", "job:start", "job:exception"]
'''
LOGGER_TEST_NEVER_DETACHING = '''
def test_the_default_logger_logs_each_attempt(insert, caplog):
    caplog.set_level(logging.INFO, logger="trainer.oban")
    attach_default_logger(encode=False)
    perform_job(NotifyRestaurant, {"id": insert("order").id})
    perform_job(NotifyRestaurant, {"id": insert("order", "unavailable").id})
    lines = [record.msg for record in caplog.records]
    assert [line["event"] for line in lines] == [
        "job:start", "job:stop", "job:start", "job:exception"]
    assert lines[3]["state"] == "failure" and "503" in lines[3]["error"]
'''
EVENT_LOG_NEVER_DETACHING = '''
from contextlib import contextmanager
events_log = logging.getLogger("chowmojo.events")

@contextmanager
def logging_every_event():
    telemetry.attach(telemetry.EVENTS, lambda event, m, meta: events_log.info(event))
    yield
'''
EVENT_LOG_JOBS_ONLY = '''
from contextlib import contextmanager
events_log = logging.getLogger("chowmojo.events")

@contextmanager
def logging_every_event():
    handler_id = telemetry.attach(["oban.job.start", "oban.job.stop", "oban.job.exception"],
                                  lambda event, m, meta: events_log.info(event))
    try:
        yield
    finally:
        telemetry.detach(handler_id)
'''
EVENT_LOG_TEST_INSIDE_ONLY = '''
def test_every_event_is_logged_while_the_log_is_on(insert, caplog):
    caplog.set_level(logging.INFO, logger="chowmojo.events")
    with logging_every_event():
        perform_job(NotifyRestaurant, {"id": insert("order").id})
    assert "oban.job.start" in caplog.text
'''
EVERY_ATTEMPT_REPORTER = '''
def error_reporter(tracker):
    def report(event, measurements, metadata):
        tracker.notify(metadata["error"], worker=metadata["worker"], args=metadata["args"])
    return report
'''
NEVER_REPORTING_REPORTER = '''
def error_reporter(tracker):
    def report(event, measurements, metadata):
        if metadata["attempt"] > metadata["max_attempts"]:
            tracker.notify(metadata["error"], worker=metadata["worker"])
    return report
'''
REPORTER_TEST_LAST_ONLY = '''
def test_errors_are_reported_on_the_last_attempt_only(insert):
    tracker = ErrorTracker()
    handler_id = telemetry.attach(["oban.job.exception"], error_reporter(tracker))
    try:
        perform_job(NotifyRestaurant, {"id": insert("order", "unavailable").id},
                    attempt=3, max_attempts=3)
    finally:
        telemetry.detach(handler_id)
    assert len(tracker.reports) == 1
'''

# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    (CONFIG1.replace("Pruner(max_age=timedelta(weeks=1), limit=5000)", "Pruner()"),
     "pruner_config", "The Pruner keeps finished jobs for 7 days"),
    (CONFIG1.replace("Pruner(max_age=timedelta(weeks=1), limit=5000)", "Pruner(max_age=7)"),
     "pruner_config", "The Pruner keeps finished jobs for 7 days"),
    (CONFIG1.replace('"plugins": [Pruner(max_age=timedelta(weeks=1), limit=5000)]',
                     '"plugins": Pruner(max_age=timedelta(weeks=1))'),
     "pruner_config", "Oban.validate(**production_config()) accepts it"),
    (CONFIG1, "lifeline_config", "The configuration has a Lifeline"),
    (CONFIG2.replace("Lifeline(rescue_after=1800)", "Lifeline(rescue_after=30 * 60 * 1000)"),
     "lifeline_config", "The Lifeline rescues orphans after 30 minutes"),
    (CONFIG2.replace('"shutdown_grace_period": timedelta(seconds=30)', '"testing": "disabled"'),
     "lifeline_config", "A stopping instance waits 30 s for its running jobs"),
    (EVENT_LOG_NEVER_DETACHING, "event_log", "After the block, nothing is left attached"),
    (EVENT_LOG_JOBS_ONLY, "event_log",
     "Inside the block, a handler listens to every telemetry event"),
    (EVERY_ATTEMPT_REPORTER, "error_reporter", "Nothing is reported while attempts are left"),
    (NEVER_REPORTING_REPORTER, "error_reporter", "The last failed attempt is reported, once"),
    # Weak tests: they pass on broken code, so they would not catch the bug.
    (CONFIG2 + '''
def test_finished_jobs_are_kept_for_a_week():
    assert Oban.validate(**production_config()) is None
''', "pruner_config", "Your test catches a Pruner kept at its default age (60 s)"),
    (CONFIG2 + '''
def test_finished_jobs_are_kept_for_a_week():
    pruner = [p for p in production_config()["plugins"] if isinstance(p, Pruner)]
    assert all(p.max_age == 7 * 24 * 3600 for p in pruner)
''', "pruner_config", "Your test catches a configuration without a Pruner"),
    (CONFIG2 + '''
def test_orphaned_jobs_are_rescued_after_half_an_hour():
    config = production_config()
    assert any(isinstance(p, Lifeline) for p in config["plugins"])
    assert config["shutdown_grace_period"] == timedelta(seconds=30)
''', "lifeline_config", "Your test catches a Lifeline kept at its default rescue time"),
    (CONFIG2 + '''
def test_orphaned_jobs_are_rescued_after_half_an_hour():
    [lifeline] = [p for p in production_config()["plugins"] if isinstance(p, Lifeline)]
    assert lifeline.rescue_after == 1800
''', "lifeline_config", "Your test catches the default shutdown grace period"),
    (LOGGER_TEST_WITHOUT_EXCEPTIONS, "job_logging",
     "Your test catches a default logger that writes no job:exception lines"),
    (LOGGER_TEST_EVENTS_ONLY, "job_logging",
     "Your test catches a default logger whose exception lines do not say what went wrong"),
    (LOGGER_TEST_NEVER_DETACHING, "job_logging",
     "Your test detaches what it attached, even when it fails"),
    (_plain(EVENT_LOG) + EVENT_LOG_TEST_INSIDE_ONLY, "event_log",
     "Your test catches an event log that never detaches"),
    (REPORTER + REPORTER_TEST_LAST_ONLY, "error_reporter",
     "Your test catches a reporter that reports every failed attempt"),
    # A test that fails against the learner's own (right) code: nothing else is judged.
    (CONFIG2 + _plain(TEST2).replace("== 30\n", "== 15\n"), "lifeline_config",
     "Whether your test catches a broken production_config can be judged once it passes "
     "against yours"),
]

# After every check: nothing attached, no filter on the default logger, levels as before.
LEFT_BEHIND = '''
print("attached:", telemetry.attached())
print("filters:", logging.getLogger("trainer.oban").filters)
print("levels:", logging.getLogger("trainer.oban").level, logging.getLogger().level)
'''


def test_each_mistake_gets_a_cross_on_the_matching_line_and_nothing_is_left_behind():
    cells = run(mistakes_notebook(EXERCISES, MISTAKES, before=(GIVEN, LEFT_BEHIND),
                                  after=(LEFT_BEHIND,)))
    assert_each_mistake_crossed(cells, MISTAKES)
    before, after = cells[2].text, cells[-1].text
    # The learner's own never-detaching event log (a mistake above) was detached by its check.
    assert "attached: []" in after and "filters: []" in after, after
    assert before.splitlines()[-1] == after.splitlines()[-1], (before, after)


def test_the_telemetry_step_hints_say_what_the_weak_test_lacks_and_grow():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    checks = [new_code_cell('check("job_logging")') for _ in range(3)]
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(GIVEN + LOGGER_TEST_WITHOUT_EXCEPTIONS), *checks]))
    first, second, third = (cell.text for cell in cells[-3:])
    assert "✗ Your test catches a default logger that writes no job:exception lines" in first
    assert "Run a job that fails too" in first and "caplog.records[-1]" not in first
    assert "caplog.records[-1]" in second
    assert "solutions/07_ready_for_production.ipynb has a worked answer" in third
    # The stop and start lines are checked: those broken loggers are caught.
    assert "✓ Your test catches a default logger that writes no job:stop lines" in first


def test_the_checks_caplog_collects_like_pytests_and_restores_every_level():
    import logging

    from trainer.lessons.l07_ready_for_production.logs import capturing

    chosen, root = logging.getLogger("chowmojo.events"), logging.getLogger()
    levels = (chosen.level, root.level)
    with capturing() as caplog:
        chosen.info("dropped: the root logger's level lets no info through")
        caplog.set_level(logging.INFO, logger="chowmojo.events")
        chosen.info("oban.job.start %s", {"id": 1})
        with caplog.at_level(logging.DEBUG):
            chosen.debug("dropped: the logger's own level is info")
            logging.getLogger("elsewhere").debug("kept")
        assert caplog.record_tuples == [
            ("chowmojo.events", logging.INFO, "oban.job.start {'id': 1}"),
            ("elsewhere", logging.DEBUG, "kept")]
        assert caplog.messages[0] == "oban.job.start {'id': 1}"
        assert "INFO chowmojo.events: oban.job.start" in caplog.text
        caplog.clear()
        assert caplog.records == []
    assert (chosen.level, root.level) == levels
    assert all(type(handler).__module__ != capturing.__module__ for handler in root.handlers)
