"""Unique inserts as the table fills: against an empty table, with many unrelated jobs
in it, and after rounds of insert-and-delete churn.

Three databases on the benchmark's server, one per condition, sampled in turn (each turn
inserts one new unique job into each), so the three are measured side by side.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from benchmarks.settings import Settings
from benchmarks.table import Row, median, rotated, target
from benchmarks.trainer_runner import Noop, UniqueNoop
from trainer.bootstrap import migrate
from trainer.db import Repository, ensure_database
from trainer.jobs import Oban

SECTION = "unique growth"
CONDITIONS = ("empty", "full", "churned")
BATCH = 10_000


def prepared(server: Any, condition: str, settings: Settings) -> tuple[Repository, str]:
    """A database in that condition; and what was done to it."""
    repo = Repository(ensure_database(server.conninfo(), f"bench_unique_{condition}"))
    migrate(repo)
    repo.execute("TRUNCATE oban_jobs RESTART IDENTITY")
    oban = Oban(repo=repo)
    unrelated = 10 * settings.jobs  # 100,000 in a full run
    if condition == "full":
        for start in range(0, unrelated, BATCH):
            oban.insert_all([Noop.new({"id": n}) for n in range(start, start + BATCH)])
        return repo, f"{unrelated:,} unrelated jobs in the table"
    if condition == "churned":
        rounds = 5
        for _ in range(rounds):
            oban.insert_all([UniqueNoop.new({"id": n}) for n in range(settings.jobs)])
            repo.execute("DELETE FROM oban_jobs")
        return repo, f"after {rounds} rounds of {settings.jobs:,} unique inserts then a delete"
    return repo, "a fresh table"


def run(settings: Settings, server: Any) -> list[Row]:
    repos: dict[str, Repository] = {}
    notes: dict[str, str] = {}
    try:
        for condition in CONDITIONS:
            repos[condition], notes[condition] = prepared(server, condition, settings)
        keys = itertools.count(10**9)  # never an id the conditions used
        samples: dict[str, list[float]] = {name: [] for name in CONDITIONS}
        obans = {name: Oban(repo=repo) for name, repo in repos.items()}
        runs = max(20, settings.latency_runs // 2)
        for turn in range(runs + 10):
            for name in rotated(list(CONDITIONS), turn):
                job = UniqueNoop.new({"id": next(keys)})
                began = time.perf_counter()
                stored = obans[name].insert(job)
                if turn >= 10:  # the first ten warm up (psycopg prepares on the 5th)
                    samples[name].append(time.perf_counter() - began)
                assert not stored.conflict
        ms = {name: median(values) * 1000 for name, values in samples.items()}
    finally:
        for repo in repos.values():
            repo.execute("TRUNCATE oban_jobs RESTART IDENTITY")
            repo.close()
    how = f"median of {runs}, interleaved across the three databases"
    full, churned = ms["full"] / ms["empty"], ms["churned"] / ms["empty"]
    return [
        Row(SECTION, "unique insert, empty table", ms["empty"], "ms", f"{how}; {notes['empty']}"),
        Row(SECTION, "unique insert, table full of unrelated jobs", ms["full"], "ms",
            notes["full"]),
        Row(SECTION, "unique insert, full / empty", full, "x",
            target(full, 1.3, text="<= 1.3x")),
        Row(SECTION, "unique insert, after delete churn", ms["churned"], "ms",
            notes["churned"]),
        Row(SECTION, "unique insert, churned / empty", churned, "x",
            target(churned, 1.3, text="<= 1.3x")),
    ]
