"""One insert's latency: plain against unique, and the physical floor under both.

All on one connection to the benchmark's own embedded server (over TCP, as the peers
connect), committed data, interleaved: each turn runs every probe once, in a rotating
order. The floor is what no job queue can beat on this connection: a `SELECT 1` round
trip, and a bare INSERT of the same values into a table of the same shape (no index,
no RETURNING, no Python around it).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from benchmarks.settings import Settings
from benchmarks.table import Row, median, rotated, target
from benchmarks.trainer_runner import Noop, UniqueNoop
from trainer.bootstrap import migrate
from trainer.clock import utcnow
from trainer.db import Repository, ensure_database
from trainer.jobs import Oban

SECTION = "job queue"
DATABASE = "bench_trainer"

BARE_INSERT = """
INSERT INTO bench_floor (state, queue, worker, args, meta, tags, max_attempts, priority,
                         inserted_at, scheduled_at)
VALUES (%(state)s, %(queue)s, %(worker)s, %(args)s, %(meta)s, %(tags)s, %(max_attempts)s,
        %(priority)s, %(inserted_at)s, %(scheduled_at)s)
"""

# (prepare, act, check): prepare runs untimed, act is timed, check looks at act's result.
Probe = tuple[Callable[[], Any], Callable[[Any], Any], Callable[[Any], bool]]


def probes(conn: psycopg.Connection, oban: Oban) -> dict[str, Probe]:
    keys = itertools.count(1)

    def bare_params() -> dict[str, Any]:
        now = utcnow()
        return {"state": "available", "queue": "default", "worker": Noop.worker_name(),
                "args": Jsonb({"id": next(keys)}), "meta": Jsonb({}), "tags": [],
                "max_attempts": 20, "priority": 0, "inserted_at": now, "scheduled_at": now}

    return {
        "select1": (lambda: None, lambda _: conn.execute("SELECT 1").fetchone(),
                    lambda row: row == (1,)),
        "bare": (bare_params, lambda params: conn.execute(BARE_INSERT, params).rowcount,
                 lambda count: count == 1),
        "plain": (lambda: Noop.new({"id": next(keys)}), oban.insert,
                  lambda job: not job.conflict),
        "unique_new": (lambda: UniqueNoop.new({"id": next(keys)}), oban.insert,
                       lambda job: not job.conflict),
        "unique_duplicate": (lambda: UniqueNoop.new({"id": 0}), oban.insert,
                             lambda job: job.conflict),
    }


def sample(probe: Probe) -> float:
    prepare, act, check = probe
    argument = prepare()
    began = time.perf_counter()
    result = act(argument)
    seconds = time.perf_counter() - began
    if not check(result):
        raise AssertionError(f"unexpected result {result!r}")
    return seconds


def run(settings: Settings, server: Any) -> list[Row]:
    repo = Repository(ensure_database(server.conninfo(), DATABASE))
    try:
        migrate(repo)
        repo.execute("CREATE TABLE IF NOT EXISTS bench_floor "
                     "(LIKE oban_jobs INCLUDING DEFAULTS)")
        repo.execute("TRUNCATE oban_jobs, bench_floor RESTART IDENTITY")
        oban = Oban(repo=repo)
        oban.insert(UniqueNoop.new({"id": 0}))  # the key every duplicate probe hits
        # The Repo's own connection, the one oban.insert uses: every probe shares it.
        with repo.connection() as conn:
            found = probes(conn, oban)
            for probe in found.values():  # warm up: psycopg prepares on a statement's 5th run
                for _ in range(10):
                    sample(probe)
            samples: dict[str, list[float]] = {name: [] for name in found}
            for turn in range(settings.latency_runs):
                for name in rotated(list(found), turn):
                    samples[name].append(sample(found[name]))
        return rows_of({name: median(values) * 1000 for name, values in samples.items()},
                       settings)
    finally:
        repo.execute("DROP TABLE IF EXISTS bench_floor")
        repo.execute("TRUNCATE oban_jobs RESTART IDENTITY")
        repo.close()


def rows_of(ms: dict[str, float], settings: Settings) -> list[Row]:
    runs = f"median of {settings.latency_runs}, interleaved, same connection"
    unique = ms["unique_new"]
    return [
        Row(SECTION, "floor: SELECT 1 round trip", ms["select1"], "ms", runs),
        Row(SECTION, "floor: bare INSERT, same shape as oban_jobs", ms["bare"], "ms",
            "LIKE oban_jobs INCLUDING DEFAULTS: no index, no RETURNING, no Python"),
        Row(SECTION, "plain insert: oban.insert(job)", ms["plain"], "ms", runs),
        Row(SECTION, "unique insert, new key (keys ['id'], INFINITY)", unique, "ms",
            "one round trip: oban_insert_unique() on the server"),
        Row(SECTION, "unique insert, duplicate key (conflict)", ms["unique_duplicate"], "ms",
            "returns the existing job"),
        Row(SECTION, "unique insert / plain insert", unique / ms["plain"], "x",
            target(unique / ms["plain"], 2.0, text="<= 2x")),
        Row(SECTION, "unique insert / bare INSERT floor", unique / ms["bare"], "x",
            "how far above the physical floor"),
        Row(SECTION, "unique insert / SELECT 1 floor", unique / ms["select1"], "x",
            "how far above one round trip"),
    ]
