"""Load: eight inserting processes and two draining ones on one server.

The lesson's refund (unique per order id forever, in every state, one attempt) is
inserted over 500 order ids with random reasons while two processes drain the queue.
Afterwards: at most one job per order id ever existed, no job ran twice, and after a
last drain every job is in a final state. The default run lasts 5 s; the full 30 s run
is `make test-long`.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from tests.reliability.conftest import LessonServer, read_line, stop

INSERTERS = 8
DRAINERS = 2
ORDERS = 500
FINAL_STATES = ("completed", "discarded", "cancelled")


@pytest.mark.no_sandbox
@pytest.mark.parametrize("seconds", [5, pytest.param(30, marks=pytest.mark.slow)])
def test_eight_inserters_and_two_drainers(lesson_server: LessonServer, tmp_path, seconds):
    repo = lesson_server.repo
    # 500 orders; every 7th is unknown to the payment provider, so its refund fails and,
    # with one attempt only, is discarded.
    orders = repo.query(
        "INSERT INTO orders (total, inserted_at, updated_at) "
        "SELECT CASE WHEN mod(n, 7) = 0 THEN 99 ELSE 1000 END, now(), now() "
        "FROM generate_series(1, %s) AS n RETURNING id, total", (ORDERS,))
    order_ids = [row["id"] for row in orders]
    refusing = {row["id"] for row in orders if row["total"] == 99}

    children = []
    try:
        inserters = [lesson_server.child("insert", tmp_path / f"insert-{i}.log",
                                         seconds=seconds, seed=i, order_ids=order_ids)
                     for i in range(INSERTERS)]
        drainers = [lesson_server.child("drain", tmp_path / f"drain-{i}.log", seconds=seconds)
                    for i in range(DRAINERS)]
        children = inserters + drainers
        for index, child in enumerate(children):  # everyone connected and migrated
            assert read_line(child, tmp_path / _log_name(index)) == "ready"
        for child in children:  # then all start at once
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        reports = [read_line(child, tmp_path / _log_name(i)) for i, child in enumerate(children)]
        for index, child in enumerate(children):
            assert child.wait(timeout=60) == 0, (tmp_path / _log_name(index)).read_text()
        final_child = lesson_server.child("drain-all", tmp_path / "final.log", queue="default")
        children.append(final_child)
        final = read_line(final_child, tmp_path / "final.log")
        assert final_child.wait(timeout=60) == 0
    finally:
        stop(children)

    inserted, drained = reports[:INSERTERS], reports[INSERTERS:]
    jobs = repo.query("SELECT id, state, args FROM oban_jobs ORDER BY id")
    job_of_order = {job["args"]["id"]: job["id"] for job in jobs}

    # At most one job per order id ever existed: none in the table, none logged on insert.
    assert len(job_of_order) == len(jobs) <= ORDERS
    logged = repo.query("SELECT order_id, count(*) AS n FROM reliability_inserted "
                        "GROUP BY order_id HAVING count(*) > 1")
    assert logged == []
    assert repo.query("SELECT count(*) AS n FROM reliability_inserted")[0]["n"] == len(jobs)
    # Every insert got a stored job (no phantom), the same one for the same order id in
    # every process, and new jobs add up to the jobs stored.
    seen: dict[int, set] = defaultdict(set)
    for report in inserted:
        for order_id, ids in report["seen"].items():
            seen[int(order_id)].update(ids)
    assert {order_id: ids for order_id, ids in seen.items() if len(ids) != 1} == {}
    assert {order_id: ids.pop() for order_id, ids in seen.items()} == job_of_order
    inserts = sum(r["inserts"] for r in inserted)
    conflicts = sum(r["conflicts"] for r in inserted)
    assert inserts - conflicts == len(jobs)
    assert conflicts > 0, "the inserters never met: the test proved nothing about races"

    # No job ran twice; every job ran exactly once, and ended in a final state.
    twice = repo.query("SELECT job_id, count(*) AS n FROM reliability_runs "
                       "GROUP BY job_id HAVING count(*) > 1")
    assert twice == []
    runs = repo.query("SELECT count(*) AS n FROM reliability_runs")[0]["n"]
    assert runs == len(jobs)
    assert [job for job in jobs if job["state"] not in FINAL_STATES] == []
    assert {job["args"]["id"] for job in jobs if job["state"] == "discarded"} == (
        refusing & set(job_of_order))
    ran_by_drainers = sum(r["ran"] for r in drained)
    assert ran_by_drainers + sum(final.values()) == runs
    assert ran_by_drainers > 0, "the drainers never ran a job while the inserters worked"

    elapsed = max(r["elapsed"] for r in reports)
    # jobs run/s is bounded by the 500 order ids: every job exists after a few seconds.
    # The window from the first run to the last shows how fast the drainers kept up.
    window = repo.query(
        "SELECT extract(epoch FROM max(coalesce(completed_at, discarded_at)) "
        "- min(attempted_at))::float AS s FROM oban_jobs")[0]["s"]
    figures = {
        "seconds": round(elapsed, 1), "inserters": INSERTERS, "drainers": DRAINERS,
        "order_ids": ORDERS, "inserts": inserts, "conflicts": conflicts, "jobs": len(jobs),
        "runs": runs, "inserts_per_s": round(inserts / elapsed),
        "conflicts_per_s": round(conflicts / elapsed),
        "jobs_run_per_s": round(ran_by_drainers / elapsed, 1),
        "run_window_s": round(window, 2),
        "jobs_run_per_s_in_window": round(runs / window, 1) if window else None,
    }
    print(f"\nload, {elapsed:.1f} s: {figures['inserts_per_s']} inserts/s, "
          f"{figures['conflicts_per_s']} conflicts/s, {figures['jobs_run_per_s']} jobs run/s "
          f"({len(jobs)} jobs over {ORDERS} order ids, each run once, all within "
          f"{window:.1f} s)")
    print(json.dumps({"load": figures}))


def _log_name(index: int) -> str:
    return f"insert-{index}.log" if index < INSERTERS else f"drain-{index - INSERTERS}.log"
