"""The broken variants lesson 7's teeth checks run the learner's tests against: of their
production configuration, of the default logger's lines, of their event log and of their
error reporter. Each is put in place for one run of the learner's test, then taken away."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from trainer import telemetry
from trainer.default_logger import log as default_log
from trainer.jobs.plugins import Lifeline, Pruner


@dataclass(frozen=True)
class Broken:
    """One bug a test with teeth must fail against. `apply(test)` puts it in place for one
    run of the learner's test (a context manager)."""

    label: str
    hints: tuple[str, ...]
    apply: Callable[[Any], AbstractContextManager[object]]


@contextmanager
def swapped(test: Any, name: str, replacement: object) -> Iterator[None]:
    """The learner's test sees `replacement` under `name` while it runs."""
    namespace = test.__globals__
    missing = object()
    original = namespace.get(name, missing)
    namespace[name] = replacement
    try:
        yield
    finally:
        if original is missing:
            namespace.pop(name, None)
        else:
            namespace[name] = original


# -- the production configuration ---------------------------------------------------------

def _config_variant(change: Callable[[dict[str, Any]], dict[str, Any]]
                    ) -> Callable[[Any], AbstractContextManager[object]]:
    def apply(test: Any) -> AbstractContextManager[object]:
        learner = test.__globals__.get("production_config")

        def broken(*args: Any, **kwargs: Any) -> Any:
            config = learner(*args, **kwargs)
            return change(dict(config)) if isinstance(config, dict) else config

        return swapped(test, "production_config", broken)
    return apply


def _plugins(change: Callable[[Any], Any | None]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def on(config: dict[str, Any]) -> dict[str, Any]:
        changed = [change(plugin) for plugin in config.get("plugins") or []]
        return {**config, "plugins": [plugin for plugin in changed if plugin is not None]}
    return on


def _default_age(plugin: Any) -> Any:
    return Pruner(limit=plugin.limit, interval=plugin.interval) \
        if isinstance(plugin, Pruner) else plugin


def _default_rescue(plugin: Any) -> Any:
    return Lifeline(interval=plugin.interval) if isinstance(plugin, Lifeline) else plugin


def _without(kind: type) -> Callable[[Any], Any | None]:
    return lambda plugin: None if isinstance(plugin, kind) else plugin


FIND_THE_PRUNER = "`[pruner] = [p for p in config['plugins'] if isinstance(p, Pruner)]`"
FIND_THE_LIFELINE = "`[lifeline] = [p for p in config['plugins'] if isinstance(p, Lifeline)]`"

DEFAULT_AGE = Broken("a Pruner kept at its default age (60 s)", (
    "Find the Pruner in the configuration and check how long it keeps finished jobs.",
    f"{FIND_THE_PRUNER}, then `assert pruner.max_age == 7 * 24 * 3600`.",
), _config_variant(_plugins(_default_age)))
NO_PRUNER = Broken("a configuration without a Pruner", (
    "Your test should fail when there is no Pruner at all in the plugins.",
    f"{FIND_THE_PRUNER} fails unless there is exactly one.",
), _config_variant(_plugins(_without(Pruner))))
NO_LIFELINE = Broken("a configuration without a Lifeline", (
    "Your test should fail when there is no Lifeline in the plugins.",
    f"{FIND_THE_LIFELINE} fails unless there is exactly one.",
), _config_variant(_plugins(_without(Lifeline))))
DEFAULT_RESCUE = Broken("a Lifeline kept at its default rescue time (60 min)", (
    "Check after how long the Lifeline rescues an orphan.",
    "`assert lifeline.rescue_after == 30 * 60` (the trainer counts seconds).",
), _config_variant(_plugins(_default_rescue)))
DEFAULT_GRACE = Broken("the default shutdown grace period (15 s)", (
    "Check how long a stopping instance waits for its running jobs.",
    "`assert config['shutdown_grace_period'] == 30`.",
), _config_variant(lambda config: {k: v for k, v in config.items()
                                   if k != "shutdown_grace_period"}))


# -- the default logger's lines -------------------------------------------------------------

def _line_of(record: logging.LogRecord) -> tuple[dict[str, Any] | None, bool]:
    """The default logger's line in a record, and whether it was JSON."""
    if isinstance(record.msg, dict):
        return record.msg, False
    if isinstance(record.msg, str):
        try:
            line = json.loads(record.msg)
        except ValueError:
            return None, True
        return (line, True) if isinstance(line, dict) else (None, True)
    return None, False


class _LineFilter(logging.Filter):
    def __init__(self, change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
        super().__init__()
        self._change = change

    def filter(self, record: logging.LogRecord) -> bool:
        line, encoded = _line_of(record)
        if line is None:
            return True
        changed = self._change(dict(line))
        if changed is None:
            return False
        record.msg = json.dumps(changed, default=str) if encoded else changed
        return True


def _logger_variant(change: Callable[[dict[str, Any]], dict[str, Any] | None]
                    ) -> Callable[[Any], AbstractContextManager[object]]:
    @contextmanager
    def apply(_test: Any) -> Iterator[None]:
        lines = _LineFilter(change)
        default_log.addFilter(lines)
        try:
            yield
        finally:
            default_log.removeFilter(lines)
    return apply


def _dropping(event: str) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    return lambda line: None if line.get("event") == event else line


def _hiding_the_failure(line: dict[str, Any]) -> dict[str, Any]:
    if line.get("event") == "job:exception":
        return {k: v for k, v in line.items() if k not in ("error", "state")}
    return line


EVENTS_IN_ORDER = ("Collect the events of the lines: `[record.msg['event'] for record in "
                   "caplog.records]`, and compare them with the list you expect.")
NO_START_LINES = Broken("a default logger that writes no job:start lines", (
    "Check every line your jobs make, in order, not just some of them.",
    EVENTS_IN_ORDER,
), _logger_variant(_dropping("job:start")))
NO_STOP_LINES = Broken("a default logger that writes no job:stop lines", (
    "Run a job that succeeds too, and check its job:stop line.",
    EVENTS_IN_ORDER,
), _logger_variant(_dropping("job:stop")))
NO_EXCEPTION_LINES = Broken("a default logger that writes no job:exception lines", (
    "Run a job that fails too, and check the line its failure writes.",
    "Its line is the last one: `assert caplog.records[-1].msg['event'] == 'job:exception'`.",
), _logger_variant(_dropping("job:exception")))
SILENT_FAILURES = Broken("a default logger whose exception lines do not say what went wrong", (
    "An exception line should say how the attempt ended and why.",
    "Check its `state` ('failure') and that its `error` names the problem (the 503).",
), _logger_variant(_hiding_the_failure))


# -- the event log --------------------------------------------------------------------------

def _new_handlers(before: set[str]) -> list[str]:
    return [handler_id for handler_id in telemetry.attached() if handler_id not in before]


def _event_log_variant(make: Callable[[Any, ExitStack], Any]
                       ) -> Callable[[Any], AbstractContextManager[object]]:
    @contextmanager
    def apply(test: Any) -> Iterator[None]:
        learner = test.__globals__.get("logging_every_event")
        with ExitStack() as leftovers:  # what the broken log left attached, detached here
            with swapped(test, "logging_every_event", make(learner, leftovers)):
                yield
    return apply


def _never_detaching(learner: Any, leftovers: ExitStack) -> Any:
    @contextmanager
    def broken(*args: Any, **kwargs: Any) -> Iterator[Any]:
        yield leftovers.enter_context(learner(*args, **kwargs))  # exited after the test
    return broken


def _logging_nothing(learner: Any, _leftovers: ExitStack) -> Any:
    @contextmanager
    def broken(*args: Any, **kwargs: Any) -> Iterator[Any]:
        before = set(telemetry.attached())
        with learner(*args, **kwargs) as value:
            for handler_id in _new_handlers(before):
                events = _events_of(handler_id)
                telemetry.detach(handler_id)
                telemetry.attach(events, lambda *_: None, handler_id=handler_id)
            yield value
    return broken


def _events_of(handler_id: str) -> list[str]:
    names, _ = telemetry._handlers[handler_id]  # noqa: SLF001 - the trainer's own registry
    return sorted(names)


NEVER_DETACHES = Broken("an event log that never detaches", (
    "Run a job after the `with` block too: nothing may be logged any more.",
    "Or check that what is attached afterwards is what was attached before: "
    "`before = telemetry.attached()` ... `assert telemetry.attached() == before`.",
), _event_log_variant(_never_detaching))
LOGS_NOTHING = Broken("an event log that logs nothing", (
    "Run a job inside the `with` block and check its events were logged.",
    "`caplog.set_level(logging.INFO, logger='chowmojo.events')`, then look for "
    "'oban.job.start' in `caplog.messages`.",
), _event_log_variant(_logging_nothing))


# -- the error reporter ---------------------------------------------------------------------

def _reporter_variant(make: Callable[[Any], Any]
                      ) -> Callable[[Any], AbstractContextManager[object]]:
    def apply(test: Any) -> AbstractContextManager[object]:
        return swapped(test, "error_reporter", make(test.__globals__.get("error_reporter")))
    return apply


def _every_attempt(learner: Any) -> Any:
    def error_reporter(tracker: Any) -> Any:
        handler = learner(tracker)
        return lambda event, measurements, metadata: handler(
            event, measurements, {**metadata, "attempt": metadata.get("max_attempts", 1)})
    return error_reporter


class _Nowhere:
    def notify(self, *_: Any, **__: Any) -> None:
        return None


def _never_reporting(learner: Any) -> Any:
    return lambda _tracker: learner(_Nowhere())


EVERY_ATTEMPT = Broken("a reporter that reports every failed attempt", (
    "Fail a job on an attempt that is not its last, and check nothing was reported.",
    "`perform_job(NotifyRestaurant, args, attempt=1, max_attempts=3)`, then "
    "`assert tracker.reports == []`.",
), _reporter_variant(_every_attempt))
NEVER_REPORTS = Broken("a reporter that never reports", (
    "Fail a job on its last attempt, and check it was reported.",
    "`perform_job(NotifyRestaurant, args, attempt=3, max_attempts=3)`, then "
    "`assert len(tracker.reports) == 1`.",
), _reporter_variant(_never_reporting))
