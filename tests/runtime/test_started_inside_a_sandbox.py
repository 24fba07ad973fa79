"""A started Oban works outside the sandbox of whoever started it, elections included: an
instance started inside a test's transaction stops at once, and leaves no leader row
behind that would keep the next instance from leading (found writing lesson 5, whose
queue-control test starts an Oban inside the learner's test)."""

from __future__ import annotations

import time

from trainer.db.repo import Repo
from trainer.jobs import Oban


def test_an_oban_started_inside_a_sandbox_stops_at_once_and_the_next_one_leads(database):
    assert Repo.in_sandbox  # the plugin's per-test sandbox
    began = time.monotonic()
    with Oban(queues={"email": {"limit": 1, "paused": True}}) as oban:
        assert oban._instance is not None and oban._instance.peer.leader
        oban.resume_queue(queue="email")
        assert oban.check_queue(queue="email")["paused"] is False
    assert time.monotonic() - began < 5  # it used to wait on its own uncommitted leader row
    with Oban(queues={}) as again:  # the leader row was given up, for real: this one leads
        assert again._instance is not None and again._instance.peer.leader
