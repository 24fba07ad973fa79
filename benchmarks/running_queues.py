"""Jobs run by running queues, not drains: the trainer's `Oban(queues=...).start()`
against oban-py's started Oban and procrastinate's worker, 10 jobs at once each.

Same server, each queue in a database of its own (the throughput section's), same run,
interleaved as there: a pass runs every queue once, in an order that rotates from pass
to pass. Then one job at a time on an idle running queue: from just before the insert to
the moment perform begins, the trainer's and oban-py's.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from benchmarks.peer_proxy import PeerRunner
from benchmarks.settings import Settings
from benchmarks.table import Row, median, rotated, target
from benchmarks.throughput import Runner, start_peers
from benchmarks.trainer_queues import IDLE_SECONDS, TrainerQueues
from benchmarks.venvs import PEERS
from trainer.db import ensure_database

SECTION = "running queues"
RUN = "trivial jobs through running queues, concurrency 10"
START = "insert to perform start, single job, idle running queue"
STOP = "stopping an idle running instance"
STOP_RUNS = 20
START_PEERS = ("oban-py",)  # procrastinate's insert-to-perform latency is not measured

HOW = {  # what each queue runs, for the notes column
    "trainer": 'Oban(queues={"default": 10}).start(): a producer, job threads reused',
    "oban-py": 'Oban(pool, queues={"default": 10}).start(): a producer, asyncio tasks',
    "procrastinate": "run_worker_async(concurrency=10, wait=True), LISTEN/NOTIFY on",
}

Samples = dict[str, list[float]]  # queue -> seconds


def measure(settings: Settings, runners: list[Runner]) -> tuple[Samples, int]:
    """Seconds per queue to run `settings.jobs` inserted jobs, and how many passes were
    made (another only when it should end before the run's deadline, as in throughput)."""
    results: Samples = {runner.name: [] for runner in runners}
    passes = 0
    while passes < settings.throughput_runs:
        began = time.monotonic()
        for runner in rotated(runners, passes):
            results[runner.name].append(float(runner.run("run_queue", settings.jobs)["seconds"]))
        passes += 1
        if time.monotonic() + (time.monotonic() - began) > settings.deadline:
            break
    return results, passes


def start_latency(settings: Settings, runners: list[Runner]) -> Samples:
    """Insert-to-perform seconds, `settings.start_runs` samples per queue that has them."""
    return {runner.name: [float(s) for s in runner.run("start_latency", settings.start_runs)
                          ["samples"]]
            for runner in runners if runner.name in ("trainer", *START_PEERS)}


def run(settings: Settings, server: Any) -> list[Row]:
    trainer = TrainerQueues(ensure_database(server.conninfo(), "bench_trainer"))
    runners: list[Runner] = [trainer]
    peers: list[PeerRunner] = []
    try:
        peers, skipped = start_peers(server, settings)
        runners += peers
        results, passes = measure(settings, runners)
        latency = start_latency(settings, runners)
        stops = [float(s) for s in trainer.run("stop_idle", STOP_RUNS)["samples"]]
    finally:
        for runner in runners:
            runner.close()
    versions = {peer.name: peer.version for peer in peers}
    return [*run_rows(settings, results, passes, versions, skipped),
            *start_rows(settings, latency, versions, skipped), *stop_rows(stops)]


def stop_rows(stops: list[float]) -> list[Row]:
    ms = [seconds * 1000 for seconds in stops]
    how = (f"{len(ms)} instances, each started, its listener connected and waiting, then "
           "stopped (the stop wakes the listener through a pipe)")
    return [Row(SECTION, f"{STOP}, median: trainer", median(ms), "ms",
                f"{how}; {target(median(ms), 50, text='median under 50 ms')}"),
            Row(SECTION, f"{STOP}, p95: trainer", p95(ms), "ms", how)]


def run_rows(settings: Settings, results: Samples, passes: int, versions: dict[str, str],
             skipped: dict[str, str]) -> list[Row]:
    jobs = settings.jobs
    runs = (f"{jobs:,} jobs inserted first, timed from start to the last one completed; "
            f"median of {passes}")
    if passes < settings.throughput_runs:
        runs += f" (not {settings.throughput_runs}: time budget)"
    mine = jobs / median(results["trainer"])
    rows = [Row(SECTION, f"{RUN}: trainer", mine, "jobs/s",
                f"{HOW['trainer']}; {runs}, interleaved with the peers")]
    for peer in (p.name for p in PEERS):
        if peer not in results:
            rows.append(Row(SECTION, f"{RUN}: {peer}", None, "jobs/s",
                            skipped.get(peer, "skipped")))
            continue
        theirs = jobs / median(results[peer])
        rows.append(Row(SECTION, f"{RUN}: {peer}", theirs, "jobs/s",
                        f"{versions[peer]}: {HOW[peer]}; {runs}"))
        rows.append(Row(SECTION, f"{RUN}: trainer / {peer}", mine / theirs, "x",
                        target(mine / theirs, 1.0, at_most=False, text=">= 1.0")))
    return rows


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def start_rows(settings: Settings, latency: Samples, versions: dict[str, str],
               skipped: dict[str, str]) -> list[Row]:
    runs = (f"{settings.start_runs} samples, each after the queue has been idle "
            f"{IDLE_SECONDS * 1000:.0f} ms; perform records time.perf_counter()")
    rows = []
    for who in ("trainer", *START_PEERS):
        if who not in latency:
            why = skipped.get(who, "skipped")
            rows += [Row(SECTION, f"{START}, {stat}: {who}", None, "ms", why)
                     for stat in ("median", "p95")]
            continue
        ms = [seconds * 1000 for seconds in latency[who]]
        how = ("oban.insert(job) on the started Oban (it wakes the producer at once)"
               if who == "trainer" else
               f"{versions[who]}: await oban.enqueue(job) on the started Oban "
               "(its insert notification wakes the producer)")
        note = f"{how}; {runs}"
        if who == "trainer":
            note += f"; {target(median(ms), 10, text='median under 10 ms')}"
        rows.append(Row(SECTION, f"{START}, median: {who}", median(ms), "ms", note))
        rows.append(Row(SECTION, f"{START}, p95: {who}", p95(ms), "ms", runs))
    return rows
