"""Behaviour lines of lesson 7's telemetry steps: the learner's event log and error
reporter, against the checks' own jobs run with perform_job (the reporter's in a
transaction that is rolled back). Nothing a learner's code attaches to telemetry is left
attached after a check: `tidy` detaches it (the teeth run the learner's tests in it too)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from trainer import telemetry
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.jobs import Error, Worker
from trainer.lessons.l07_ready_for_production import mutants
from trainer.lessons.l07_ready_for_production.logs import capturing
from trainer.notebook.stubs import YourTurn
from trainer.testing import perform_job


class CheckedJob(Worker, max_attempts=3):
    """The checks' own job: fails when its args say so, as a restaurant's tablet that is
    offline would."""

    def perform(self, job: Any) -> Any:
        if job.args.get("fail"):
            return Error("503 Service Unavailable: the restaurant's tablet is offline")
        return None


@contextmanager
def tidy() -> Iterator[list[str]]:
    """Whatever the code in the block attaches to telemetry is detached at the end; the
    list says what was left attached (the default logger counts as attached by the block
    when it was not attached before)."""
    before = set(telemetry.attached())
    left: list[str] = []
    try:
        yield left
    finally:
        for handler_id in telemetry.attached():
            if handler_id not in before:
                left.append(handler_id)
                telemetry.detach(handler_id)


# -- the event log --------------------------------------------------------------------------

def _sample_events() -> None:
    """One of every telemetry event: real jobs for the job events, and the others as
    the engine emits them."""
    perform_job(CheckedJob, {})
    perform_job(CheckedJob, {"fail": True})
    facts = {"name": "Oban", "plugin": "Pruner"}
    telemetry.execute("oban.plugin.start", {"system_time": time.time()}, facts)
    telemetry.execute("oban.plugin.stop", {"duration": 0.001},
                      {**facts, "pruned_count": 0, "pruned_jobs": []})
    telemetry.execute("oban.plugin.exception", {"duration": 0.001},
                      {**facts, "error": "RuntimeError('boom')", "reason": RuntimeError("boom")})
    telemetry.execute("oban.queue.shutdown", {"elapsed": 0.1},
                      {"name": "Oban", "queue": "default", "orphaned": [1]})
    telemetry.execute("oban.peer.election", {},
                      {"name": "Oban", "peer": "web-1", "leader": True, "was_leader": False})


def event_log_lines(ns: Namespace) -> list[Line]:
    make = ns.get("logging_every_event")
    exists = Line("A function logging_every_event() exists", callable(make), (
        "Define it in the code cell of this step and run that cell.",
        "It is a context manager: `@contextmanager` above `def logging_every_event():`.",
    ))
    if not callable(make):
        return [exists]
    root = logging.getLogger()
    level = root.level
    events: set[str] = set()
    problem = ""
    with tidy() as left, capturing() as caplog:
        root.setLevel(logging.DEBUG)  # whatever logger it writes to, its lines arrive
        try:
            before = set(telemetry.attached())
            with make():
                for handler_id in telemetry.attached():
                    if handler_id not in before:
                        events.update(mutants._events_of(handler_id))
                _sample_events()
        except YourTurn:
            raise
        except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
            problem = describe(error)
        finally:
            root.setLevel(level)
    if problem:
        return [exists, Line("`with logging_every_event():` runs", False, (
            "Try it in a cell: `with logging_every_event(): perform_job(...)`.",
            "Attach in the function, `yield`, then detach in a `finally:`.",
        ), problem)]
    missing = [event for event in telemetry.EVENTS if event not in events]
    text = "\n".join(caplog.messages)
    unlogged = [event for event in telemetry.EVENTS
                if event not in text and event.replace("oban.", "").replace(".", ":") not in text]
    return [
        exists,
        Line("Inside the block, a handler listens to every telemetry event", not missing, (
            "telemetry.EVENTS lists every event: attach your handler to all of them.",
            "`handler_id = telemetry.attach(telemetry.EVENTS, log_event)`.",
        ), f"not listened to: {', '.join(missing)}" if missing else ""),
        Line("Each event is logged, by its name", not unlogged, (
            "Your handler gets the event's name first: put it in the line it logs.",
            "`events_log.info('%s %s', event, measurements)`.",
        ), f"no line named {', '.join(unlogged)}" if unlogged else ""),
        Line("After the block, nothing is left attached", not left, (
            "Detach when the block ends, even when it ends with an error.",
            "`try: yield` then `finally: telemetry.detach(handler_id)`.",
        ), f"left attached: {', '.join(left)}" if left else ""),
    ]


# -- the error reporter ---------------------------------------------------------------------

class _Tracker:
    """The checker's stand-in for the error-tracking service."""

    def __init__(self) -> None:
        self.reports: list[Any] = []

    def notify(self, *args: Any, **kwargs: Any) -> None:
        self.reports.append((args, kwargs))


def reporter_lines(ns: Namespace) -> list[Line]:
    make = ns.get("error_reporter")
    exists = Line("A function error_reporter(tracker) exists", callable(make), (
        "Define it in the code cell of this step and run that cell.",
        "`def error_reporter(tracker):` defines a handler and returns it.",
    ))
    if not callable(make):
        return [exists]
    tracker = _Tracker()
    counts: list[int] = []
    problem = ""
    with tidy(), scratch():
        try:
            telemetry.attach(["oban.job.exception"], make(tracker))
            for attempt in (1, 2, 3):
                perform_job(CheckedJob, {"fail": True}, attempt=attempt, max_attempts=3)
                counts.append(len(tracker.reports))
            perform_job(CheckedJob, {}, attempt=3, max_attempts=3)
            counts.append(len(tracker.reports))
        except YourTurn:
            raise
        except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
            problem = describe(error)
    if problem:
        return [exists, Line("error_reporter(tracker) gives a handler that runs", False, (
            "Try it: `telemetry.attach(['oban.job.exception'], error_reporter(tracker))`.",
        ), problem)]
    if len(counts) < 4:
        return [exists, Line("The handler reports without an error", False, (
            "A handler that raises is detached, and a warning logged: read it.",
            "The metadata has attempt, max_attempts, worker, args and error.",
        ))]
    early, last, success = counts[1], counts[2] - counts[1], counts[3] - counts[2]
    said = repr(tracker.reports[-1]) if tracker.reports else ""
    return [
        exists,
        Line("Nothing is reported while attempts are left", early == 0, (
            "The metadata holds `attempt` and `max_attempts`: compare them.",
            "Report only when `metadata['attempt'] >= metadata['max_attempts']`.",
        ), f"{early} report(s) after attempts 1 and 2 of 3" if early else ""),
        Line("The last failed attempt is reported, once", last == 1, (
            "On the last attempt, call `tracker.notify(...)`.",
            "`tracker.notify(metadata['error'], worker=metadata['worker'], "
            "args=metadata['args'])`.",
        ), f"{last} report(s) for attempt 3 of 3" if last != 1 else ""),
        Line("The report says which worker failed, and why",
             last == 1 and "CheckedJob" in said and "503" in said, (
                 "Pass the worker's name and the error to the tracker.",
                 "`tracker.notify(metadata['error'], worker=metadata['worker'], ...)`.",
             ), f"the report was {said}" if said else ""),
        Line("A success is not reported", success == 0, (
            "Attach it to failures only: `telemetry.attach(['oban.job.exception'], ...)`.",
        ), f"{success} report(s) for a success" if success else ""),
    ]
