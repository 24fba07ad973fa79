"""Job-queue throughput: the trainer against procrastinate and oban-py.

Same server (the benchmark's embedded PostgreSQL over TCP), each queue in a database of
its own, same run. Interleaved: a pass runs every operation on every queue, the queues
one after another in an order that rotates from pass to pass, so drift on a shared
machine falls on all of them alike.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol

from benchmarks.peer_proxy import PeerRunner
from benchmarks.settings import Settings
from benchmarks.table import Row, median, rotated, target
from benchmarks.trainer_runner import TrainerRunner
from benchmarks.venvs import PEERS, Skipped, ensure_venv
from trainer.db import ensure_database
from trainer.jobs import INFINITY

SECTION = "throughput"

OPERATIONS = {
    "insert_one": "insert one at a time",
    "insert_batch": "insert in one batch",
    "insert_unique_half": "insert one at a time, half duplicates of a unique key",
    "drain": "execute trivial jobs in-process",
}

HOW = {  # what each queue calls, for the notes column
    "trainer": {"insert_one": "oban.insert", "insert_batch": "oban.insert_all",
                "insert_unique_half": f"unique keys ['id'], period {INFINITY!r}",
                "drain": "oban.drain_queue"},
    "procrastinate": {"insert_one": "defer_async", "insert_batch": "batch_defer_async",
                      "insert_unique_half": "queueing_lock",
                      "drain": "run_worker_async(wait=False), concurrency 1"},
    "oban-py": {"insert_one": "enqueue", "insert_batch": "enqueue_many",
                "insert_unique_half": "", "drain": "oban.testing.drain_queue"},
}

Results = dict[str, dict[str, list[float] | str]]  # operation -> queue -> seconds, or why not


class Runner(Protocol):
    name: str

    def run(self, op: str, jobs: int) -> dict[str, Any]: ...

    def close(self) -> None: ...


def start_peers(server: Any, settings: Settings) -> tuple[list[PeerRunner], dict[str, str]]:
    """The peers that run here, and why each of the others does not."""
    started, skipped = [], {}
    for peer in PEERS:
        if not settings.peers:
            skipped[peer.name] = "skipped: --smoke runs no peer"
            continue
        try:
            python = ensure_venv(peer)
            database = f"bench_{peer.folder}"
            ensure_database(server.conninfo(), database)
            started.append(PeerRunner(peer, python, server.url(database)))
        except (Skipped, RuntimeError) as why:
            skipped[peer.name] = f"skipped: {why}"
            print(f"bench: {peer.name} {skipped[peer.name]}", file=sys.stderr)
    return started, skipped


def measure(settings: Settings, runners: list[Runner]) -> tuple[Results, int]:
    """Seconds per operation and queue, and how many passes were made. Another pass is
    made only when it should end before the run's deadline: on a machine shared with
    other work, fewer passes rather than a run past its time budget."""
    results: Results = {op: {runner.name: [] for runner in runners} for op in OPERATIONS}
    passes = 0
    while passes < settings.throughput_runs:
        began = time.monotonic()
        for op in OPERATIONS:
            for runner in rotated(runners, passes):
                reply = runner.run(op, settings.jobs)
                samples = results[op][runner.name]
                if "skipped" in reply:
                    results[op][runner.name] = f"n/a: {reply['skipped']}"
                elif isinstance(samples, list):
                    samples.append(float(reply["seconds"]))
        passes += 1
        if time.monotonic() + (time.monotonic() - began) > settings.deadline:
            break
    return results, passes


def run(settings: Settings, server: Any) -> list[Row]:
    trainer = TrainerRunner(ensure_database(server.conninfo(), "bench_trainer"))
    peers: list[PeerRunner] = []
    try:
        peers, skipped = start_peers(server, settings)
        results, passes = measure(settings, [trainer, *peers])
    finally:
        for runner in [trainer, *peers]:
            runner.close()
    versions = {peer.name: peer.version for peer in peers}
    return rows_of(settings, results, passes, versions, skipped)


def rows_of(settings: Settings, results: Results, passes: int, versions: dict[str, str],
            skipped: dict[str, str]) -> list[Row]:
    jobs = settings.jobs
    runs = f"{jobs:,} jobs, median of {passes}"
    if passes < settings.throughput_runs:
        runs += f" (not {settings.throughput_runs}: time budget)"
    rows = []
    for op, what in OPERATIONS.items():
        mine = jobs / median(results[op]["trainer"])  # type: ignore[arg-type]
        note = f"{HOW['trainer'][op]}; {runs}, interleaved with the peers"
        if op == "drain":
            note += f"; {target(mine, 2000, at_most=False, text='>= 2,000 jobs/s')}"
        rows.append(Row(SECTION, f"{what}: trainer", mine, "jobs/s", note))
        for peer in (p.name for p in PEERS):
            label = f"{what}: {peer}"
            found = results[op].get(peer, skipped.get(peer, "skipped"))
            if isinstance(found, str):
                rows.append(Row(SECTION, label, None, "jobs/s", found))
                continue
            theirs = jobs / median(found)
            rows.append(Row(SECTION, label, theirs, "jobs/s",
                            f"{versions[peer]}: {HOW[peer][op]}; {runs}"))
            rows.append(Row(SECTION, f"{what}: trainer / {peer}", mine / theirs, "x",
                            target(mine / theirs, 1.0, at_most=False, text=">= 1.0")))
    return rows
