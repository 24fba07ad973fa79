"""Stopping an idle instance is quick: lessons start and stop one in many cells (every
`with Oban(...) as oban:` block), so the notification listener must notice a stop soon."""

from __future__ import annotations

import time


def test_stopping_an_idle_instance_takes_well_under_half_a_second(start):
    oban = start(queues={"default": 1})
    assert oban._instance is not None
    assert oban._instance._listener.connected.wait(5)
    time.sleep(0.05)  # the listener is waiting for notifications now
    began = time.perf_counter()
    assert oban.stop() == {}
    assert time.perf_counter() - began < 0.3

