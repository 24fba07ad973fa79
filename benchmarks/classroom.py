"""A class on one shared server: learners provisioned as `python -m trainer.classroom`
does it, each one's kernel (in their own database, as their own role) running lesson 4's
solutions notebook cell by cell, all at once. Measured: each `%%ipytest` cell's feedback
time against one learner alone, the connections the server held at most, and whether any
kernel saw another learner's data (cross-talk)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psycopg

from benchmarks.kernels import running_kernel
from benchmarks.settings import ROOT, Settings, child_env
from benchmarks.table import Row, median
from trainer import sqlfiles
from trainer.classroom.provision import drop, provision
from trainer.db.servers.embedded import EmbeddedServer
from trainer.lessons import lesson

SECTION = "classroom"
# Run by each learner's kernel after the lesson: one row of their own, committed, then
# everything that kernel can see of orders, and who and where it is.
MARK_AND_LOOK = """
import json
Repo.insert(Order(notes={name!r}, total=1))
print(json.dumps({{"notes": sorted(o.notes for o in Repo.all(Order)),
                   **Repo.query("SELECT current_user AS role, current_database() AS db")[0]}}))
"""


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _learner(name: str, secrets: Path, cells: list[str]) -> tuple[list[float], dict]:
    """One learner's kernel through the notebook: each test cell's seconds, and what it
    saw at the end."""
    env = child_env(TRAINER_LEARNER=name, TRAINER_CLASSROOM_FILE=str(secrets),
                    TRAINER_DATABASE=None)
    timings = []
    with running_kernel(env) as kernel:
        for cell in cells:
            seconds = kernel.execute(cell)
            if cell.startswith("%%ipytest"):
                timings.append(seconds)
        seen = kernel.output(MARK_AND_LOOK.format(name=name))
    return timings, json.loads(seen)


def run(settings: Settings, server: EmbeddedServer) -> list[Row]:
    notebook = nbformat.read(ROOT / lesson(4).solutions, as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    learners = [f"bench{n:02d}" for n in range(1, settings.learners + 1)]
    with tempfile.TemporaryDirectory(prefix="trainer-bench-class-") as folder:
        secrets = Path(folder) / "class.json"
        provision(server.url(), learners, secrets)
        try:
            alone, _ = _learner(learners[0], secrets, cells)
            drop(server.url(), learners[:1], secrets)  # its marker row goes with it
            provision(server.url(), learners[:1], secrets)
            peak, stop = [0, 0], threading.Event()

            def sample() -> None:
                with psycopg.connect(server.url(), autocommit=True) as conn:
                    while not stop.wait(0.1):
                        used, allowed = conn.execute(
                            sqlfiles.load("benchmarks", "connections")).fetchone()
                        peak[:] = [max(peak[0], used - 1), allowed]  # less this one

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            with ThreadPoolExecutor(max_workers=len(learners)) as pool:
                results = list(pool.map(lambda name: _learner(name, secrets, cells),
                                        learners))
            stop.set()
            sampler.join()
        finally:
            drop(server.url(), learners, secrets)
    together = [seconds for timings, _ in results for seconds in timings]
    # The lesson stores an order of its own too; what counts is whose marker rows show.
    crossed = sum(1 for name, (_, seen) in zip(learners, results, strict=True)
                  if [note for note in seen["notes"] if note in learners] != [name]
                  or (seen["role"], seen["db"]) != (f"trainer_{name}", f"trainer_{name}"))
    n = len(learners)
    runs = f"{len(alone)} test cells of lesson 4"
    return [
        Row(SECTION, "test cell feedback, one learner alone: p50", median(alone) * 1000, "ms",
            runs),
        Row(SECTION, "test cell feedback, one learner alone: p95", _p95(alone) * 1000, "ms",
            runs),
        Row(SECTION, "test cell feedback, the whole class at once: p50", median(together) * 1000,
            "ms", f"{n} learners, {len(together)} cells, on {os.cpu_count()} cores"),
        Row(SECTION, "test cell feedback, the whole class at once: p95", _p95(together) * 1000,
            "ms", f"{n} learners, {len(together)} cells"),
        Row(SECTION, "the whole class p95 / one learner alone p95",
            _p95(together) / _p95(alone), "x", "every kernel starts, migrates and tests at once"),
        Row(SECTION, "connections held at most, the whole class", float(peak[0]), "count",
            f"{n} learners, of max_connections {peak[1]}"),
        Row(SECTION, "cross-talk: kernels that saw another learner's rows",
            float(crossed), "count", f"of {n}: each wrote one row in its own database, "
            "then listed what it could see"),
    ]
