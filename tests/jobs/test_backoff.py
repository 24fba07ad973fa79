"""The default backoff is Oban's: 15 + 2 ** attempt seconds, plus up to 10% jitter."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.clock import utcnow
from trainer.jobs import Error, JobState, Worker
from trainer.jobs.backoff import default_backoff

LOWEST, HIGHEST = 0.0, math.nextafter(1.0, 0.0)  # the jitter's range is [0, 1)


@pytest.mark.parametrize(("attempt", "max_attempts", "low", "high"), [
    (1, 20, 17, 18),
    (2, 20, 19, 20),
    (10, 20, 1039, 1142),
    (19, 20, 15 + 2**19, 15 + 2**19 + (15 + 2**19) // 10),
])
def test_oban_examples(attempt, max_attempts, low, high):
    assert default_backoff(attempt, max_attempts, jitter=LOWEST) == low
    assert default_backoff(attempt, max_attempts, jitter=HIGHEST) == high
    for _ in range(200):
        assert low <= default_backoff(attempt, max_attempts) <= high


@pytest.mark.parametrize(("attempt", "max_attempts", "exponent"), [
    (1, 40, 1),    # 0.5 rounds away from zero (Python's round would give 0)
    (5, 40, 3),    # 2.5 -> 3 (Python: 2)
    (3, 40, 2),
    (2, 40, 1),
    (40, 40, 20),
    (1, 100, 0),   # 0.2 -> 0
    (3, 120, 1),   # 3 / 120 * 20 = 0.5 -> 1
    (10, 21, 10),  # 9.52 -> 10
])
def test_more_than_twenty_attempts_scale_the_exponent_onto_twenty(
        attempt, max_attempts, exponent):
    assert default_backoff(attempt, max_attempts, jitter=0.0) == 15 + 2**exponent


def test_the_exponent_is_capped_at_one_hundred():
    assert default_backoff(150, 20, jitter=0.0) == 15 + 2**100
    assert default_backoff(101, 20, jitter=0.0) == default_backoff(100, 20, jitter=0.0)


@settings(database=None)
@given(attempt=st.integers(1, 120), max_attempts=st.integers(1, 120),
       jitter=st.floats(0.0, 1.0, exclude_max=True))
def test_jitter_adds_zero_to_ten_percent(attempt, max_attempts, jitter):
    base = default_backoff(attempt, max_attempts, jitter=0.0)
    value = default_backoff(attempt, max_attempts, jitter=jitter)
    assert base <= value <= base + math.trunc(0.1 * base)
    assert value == base + math.trunc(jitter * 0.1 * base)


class Patient(Worker):
    def backoff(self, job):
        return 5 * job.attempt

    def perform(self, job):
        return Error("later")


def test_a_workers_backoff_decides_when_the_retry_is_due(oban):
    job = oban.insert(Patient.new({}))
    before = utcnow()
    oban.drain_queue(queue="default")
    failed = oban.get_job(job)
    assert failed.state == JobState.RETRYABLE
    assert before + timedelta(seconds=5) <= failed.scheduled_at <= utcnow() + timedelta(
        seconds=5)
