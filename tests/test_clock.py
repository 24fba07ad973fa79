"""The app clock: real time unless a test freezes it; the engine takes its time from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trainer.clock import clock, utcnow
from trainer.jobs import Worker


class Ticking(Worker):
    def perform(self, job):
        return None


def test_a_frozen_clock_stands_still_and_moves_only_when_told():
    moment = datetime(2030, 1, 1, 12, 0)
    with clock.frozen(moment):
        assert utcnow() == moment
        assert clock.advance(seconds=90) == moment + timedelta(seconds=90)
        assert utcnow() == moment + timedelta(seconds=90)
    assert abs(utcnow() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=5)


def test_an_unfrozen_clock_cannot_be_advanced():
    with pytest.raises(RuntimeError, match="not frozen"):
        clock.advance(seconds=1)


def test_jobs_are_stamped_and_stored_with_the_apps_time(oban):
    moment = datetime(2031, 6, 1, 8, 30)
    with clock.frozen(moment):
        job = oban.insert(Ticking.new({}, schedule_in=60))
    assert (job.inserted_at, job.scheduled_at, job.state) == (
        moment, moment + timedelta(seconds=60), "scheduled")
