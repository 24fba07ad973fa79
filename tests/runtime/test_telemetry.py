"""Telemetry: start, stop and exception events around every attempt, wherever it runs;
handlers attached and detached; the default logger's lines, seen through caplog."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from tests.runtime.conftest import eventually
from trainer import telemetry
from trainer.default_logger import attach_default_logger, detach_default_logger
from trainer.errors import ArgumentError
from trainer.jobs import Error, Oban, Worker
from trainer.testing import perform_job

pytestmark = pytest.mark.no_sandbox


class Greeter(Worker, max_attempts=3):
    def perform(self, job):
        if job.args.get("fail"):
            raise RuntimeError("boom")
        if job.args.get("error"):
            return Error("no luck")
        return f"hello {job.args['name']}"


@pytest.fixture
def seen() -> Iterator[list[tuple[str, dict, dict]]]:
    events: list[tuple[str, dict, dict]] = []
    handler = telemetry.attach(["oban.job.start", "oban.job.stop", "oban.job.exception"],
                               lambda *event: events.append(event))
    yield events
    telemetry.detach(handler)
    detach_default_logger()


def test_a_running_queue_emits_start_then_stop_with_duration_and_result(start, seen):
    oban = start(queues={"default": 2})
    job = oban.insert(Greeter.new({"name": "ana"}))
    eventually(lambda: len(seen) == 2, "two events")
    (first, _, started), (second, measured, stopped) = seen
    assert (first, second) == ("oban.job.start", "oban.job.stop")
    assert started["id"] == stopped["id"] == job.id and started["attempt"] == 1
    assert stopped["state"] == "success" and stopped["result"] == "hello ana"
    assert measured["duration"] >= 0 and measured["queue_time"] >= 0


def test_failures_are_exception_events_with_failure_then_discard(seen):
    oban = Oban(testing="inline")
    with pytest.raises(RuntimeError):
        oban.insert(Greeter.new({"fail": True}))
    [_, (event, _, meta)] = seen
    assert event == "oban.job.exception" and meta["state"] == "failure"
    assert "RuntimeError: boom" in meta["error"] and isinstance(meta["reason"], RuntimeError)
    seen.clear()
    perform_job(Greeter, {"error": True}, max_attempts=1)  # perform_job emits them too
    [_, (event, _, meta)] = seen
    assert event == "oban.job.exception" and meta["state"] == "discard"


def test_a_drain_emits_the_same_events(committed, seen):
    oban = Oban(repo=committed)
    oban.insert_all([Greeter.new({"name": "ben"}), Greeter.new({"fail": True})])
    oban.drain_queue(queue="default")
    assert [event for event, _, _ in seen] == [
        "oban.job.start", "oban.job.stop", "oban.job.start", "oban.job.exception"]


def test_a_handler_that_raises_is_detached_and_the_job_is_unharmed(committed, caplog):
    def broken(event, measurements, metadata):
        raise ValueError("handler bug")

    handler = telemetry.attach("oban.job.stop", broken)
    oban = Oban(repo=committed)
    oban.insert(Greeter.new({"name": "cy"}))
    assert oban.drain_queue(queue="default").success == 1
    assert handler not in telemetry.attached()
    assert "was detached" in caplog.text


def test_bad_attachments_are_refused_with_what_is_allowed():
    with pytest.raises(ArgumentError, match="unknown telemetry event.*known events: oban.job"):
        telemetry.attach(["oban.job.finished"], print)
    with pytest.raises(ArgumentError, match="must be callable"):
        telemetry.attach("oban.job.stop", "print")
    handler = telemetry.attach("oban.job.stop", print, handler_id="mine")
    with pytest.raises(ArgumentError, match="attached already"):
        telemetry.attach("oban.job.stop", print, handler_id="mine")
    assert telemetry.detach(handler) and not telemetry.detach(handler)


def test_the_default_logger_writes_one_json_line_per_event(caplog, seen):
    caplog.set_level(logging.INFO, logger="trainer.oban")
    assert attach_default_logger() is True
    assert attach_default_logger() is False  # a second attach changes nothing
    perform_job(Greeter, {"name": "dee"})
    with pytest.raises(RuntimeError):
        perform_job(Greeter, {"fail": True})
    lines = [json.loads(record.getMessage()) for record in caplog.records
             if record.name == "trainer.oban"]
    assert [line["event"] for line in lines] == [
        "job:start", "job:stop", "job:start", "job:exception"]
    assert all(line["source"] == "oban" and line["worker"].endswith("Greeter")
               for line in lines)
    assert lines[1]["state"] == "success" and lines[1]["duration_ms"] >= 0
    assert lines[3]["state"] == "failure" and lines[3]["error"] == "RuntimeError: boom"


def test_the_default_logger_can_log_dicts_at_another_level_and_checks_its_options(
        caplog, seen):
    caplog.set_level(logging.DEBUG, logger="trainer.oban")
    attach_default_logger(level="debug", events=["job"], encode=False)
    perform_job(Greeter, {"name": "eve"})
    records = [r for r in caplog.records if r.name == "trainer.oban"]
    assert records and all(r.levelno == logging.DEBUG for r in records)
    assert isinstance(records[-1].msg, dict) and records[-1].msg["event"] == "job:stop"
    with pytest.raises(ArgumentError, match="use 'all' or some of"):
        attach_default_logger(events=["jobs"])
    with pytest.raises(ArgumentError, match="not a logging level"):
        attach_default_logger(level="loud")
