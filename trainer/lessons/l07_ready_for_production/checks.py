"""What each self-check looks at, step by step.

Behaviour lines call the learner's code: their production configuration (see config.py),
their event log and their error reporter (see handlers.py), against real jobs run with
perform_job in a transaction that is rolled back. Teeth lines run the learner's own test
against deliberately broken variants (see mutants.py): a test that still passes would not
catch that bug, and gets a cross.
Nothing a learner's code attaches to telemetry is left attached after a check.
"""

from __future__ import annotations

from typing import Any

from trainer import telemetry
from trainer.default_logger import HANDLER_ID, detach_default_logger
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import is_stub, run_test
from trainer.grading.teeth import missing_test, not_judged, passing_test, unwritten_test
from trainer.lessons.l07_ready_for_production import mutants
from trainer.lessons.l07_ready_for_production.config import (
    learner_config,
    lifeline_lines,
    pruner_lines,
)
from trainer.lessons.l07_ready_for_production.handlers import event_log_lines, reporter_lines, tidy
from trainer.lessons.l07_ready_for_production.logs import capturing
from trainer.lessons.l07_ready_for_production.mutants import Broken

TEST_PRUNER = "test_finished_jobs_are_kept_for_a_week"
TEST_LIFELINE = "test_orphaned_jobs_are_rescued_after_half_an_hour"
TEST_LOGGER = "test_the_default_logger_logs_each_attempt"
TEST_EVENT_LOG = "test_every_event_is_logged_while_the_log_is_on"
TEST_REPORTER = "test_errors_are_reported_on_the_last_attempt_only"


# -- running the learner's tests ------------------------------------------------------------

def _run(test: Any, broken: Broken | None = None) -> tuple[BaseException | None, list[str]]:
    """Run the learner's test (with a caplog of the checker's), the bug in place if any;
    the error it failed with, and the telemetry handlers it left attached."""
    with tidy() as left, capturing() as caplog:
        if broken is None:
            error = run_test(test, {"caplog": lambda _repo: caplog})
        else:
            with broken.apply(test):
                error = run_test(test, {"caplog": lambda _repo: caplog})
    return error, left


def teeth(ns: Namespace, test_name: str, subject: str, broken: list[Broken], *,
          detaches: bool = False, theirs: bool = True) -> list[Line]:
    """The learner's test passes on their code (`subject`; `theirs=False`: on the
    trainer's), and fails on each broken variant of it."""
    missing = missing_test(ns, test_name)
    if missing is not None:
        return [missing]
    test: Any = ns[test_name]
    if HANDLER_ID in telemetry.attached():  # attached in a cell: the test attaches it itself
        detach_default_logger()
    error, left = _run(test)
    if is_stub(error):
        return [unwritten_test(test_name)]
    whose = "your" if theirs else "the"
    lines = [passing_test(test_name, error, f"{whose} {subject}")]
    if detaches:
        lines.append(Line("Your test detaches what it attached, even when it fails",
                          not left, (
                              "A handler left attached logs in every cell after this one.",
                              "Attach, then `try:` ... `finally: detach_default_logger()` "
                              "(or telemetry.detach(handler_id)).",
                          ), f"left attached: {', '.join(left)}" if left else ""))
    if error is not None:
        return [*lines, not_judged(f"a broken {subject}")]
    for bug in broken:
        caught = _run(test, bug)[0] is not None
        lines.append(Line(f"Your test catches {bug.label}", caught, bug.hints,
                          "" if caught else "your test passed against it"))
    return lines


# -- the steps -------------------------------------------------------------------------------

def step_pruner(ns: Namespace) -> list[Line]:
    config, lines = learner_config(ns)
    if config is not None:
        lines += pruner_lines(config)
    return [*lines, *teeth(ns, TEST_PRUNER, "production_config",
                           [mutants.NO_PRUNER, mutants.DEFAULT_AGE])]


def step_lifeline(ns: Namespace) -> list[Line]:
    config, lines = learner_config(ns)
    if config is not None:
        lines += lifeline_lines(config) + pruner_lines(config)
    return [*lines, *teeth(ns, TEST_LIFELINE, "production_config",
                           [mutants.NO_LIFELINE, mutants.DEFAULT_RESCUE,
                            mutants.DEFAULT_GRACE])]


def step_logger(ns: Namespace) -> list[Line]:
    return teeth(ns, TEST_LOGGER, "default logger",
                 [mutants.NO_START_LINES, mutants.NO_STOP_LINES, mutants.NO_EXCEPTION_LINES,
                  mutants.SILENT_FAILURES], detaches=True, theirs=False)


def step_event_log(ns: Namespace) -> list[Line]:
    return [*event_log_lines(ns), *teeth(ns, TEST_EVENT_LOG, "logging_every_event",
                                         [mutants.LOGS_NOTHING, mutants.NEVER_DETACHES],
                                         detaches=True)]


def step_reporter(ns: Namespace) -> list[Line]:
    return [*reporter_lines(ns), *teeth(ns, TEST_REPORTER, "error_reporter",
                                        [mutants.NEVER_REPORTS, mutants.EVERY_ATTEMPT],
                                        detaches=True)]
