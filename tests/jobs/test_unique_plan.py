"""The unique insert's lookup finds duplicates through the args index, never through an
index on state: with every state allowed such an index matches every job, and a plan
that used it would slow down as unrelated jobs pile up (as one did, on a new table
without statistics). Measured in `make bench` (unique growth); proved here by the
server's own counters."""

from __future__ import annotations

import pytest

from trainer.jobs import INFINITY, Job, Oban, Worker

pytestmark = pytest.mark.no_sandbox


class Unrelated(Worker):
    def perform(self, job):
        return None


class OncePerOrder(Worker, max_attempts=1,
                   unique={"keys": ["id"], "period": INFINITY, "states": Job.states()}):
    def perform(self, job):
        return None


STATE_INDEX_SCANS = """
SELECT coalesce(sum(s.idx_scan), 0) AS scans
FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE s.relname = 'oban_jobs' AND a.attname = 'state'
"""


def state_index_scans(repo) -> int:
    with repo.connection():  # one connection: flush its counters, then read them
        repo.query("SELECT pg_stat_force_next_flush()")
        repo.query("SELECT pg_stat_clear_snapshot()")
        return int(repo.query(STATE_INDEX_SCANS)[0]["scans"])


def test_unique_inserts_never_scan_an_index_on_state(committed):
    oban = Oban(repo=committed)
    oban.insert_all([Unrelated.new({"id": n}) for n in range(5000)])
    before = state_index_scans(committed)
    for n in range(20):
        assert not oban.insert(OncePerOrder.new({"id": n})).conflict
    assert oban.insert(OncePerOrder.new({"id": 3})).conflict
    assert state_index_scans(committed) == before
