"""Feedback latency, what a learner feels: a fresh kernel to the first test result, one
`%%ipytest` cell with a database test against a trivial one, the whole notebook."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.kernels import Kernel, running_kernel
from benchmarks.settings import ROOT, SOLUTIONS, Settings, child_env
from benchmarks.table import Row, median, rotated, target
from trainer.db.servers import docker as _docker
from trainer.db.servers.embedded import EmbeddedServer

SECTION = "feedback"

# A trivial test, not a truly empty cell: pytest with no test to run exits with code 5,
# which ipytest would report as a failure. Like every test, it runs in the sandbox.
TRIVIAL_CELL = "%%ipytest\n\n\ndef test_nothing():\n    pass\n"


def code_cells() -> list[str]:
    notebook = nbformat.read(SOLUTIONS, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def until_first_test(cells: list[str]) -> list[str]:
    """The cells a learner runs, in order, up to the first test cell's result."""
    first = next(i for i, source in enumerate(cells) if source.startswith("%%ipytest"))
    return cells[: first + 1]


def step_three(cells: list[str]) -> tuple[str, str]:
    """Step 3's worker and test cells (insert an order, insert a job, drain, assert): the
    last Refunder and the last test cell before its self-check, found by what they hold."""
    before = cells[: cells.index('check("at_most_once")')]
    worker = next(c for c in reversed(before) if c.startswith("class Refunder"))
    test = next(c for c in reversed(before) if c.startswith("%%ipytest"))
    return worker, test


def backends(server: EmbeddedServer) -> list[tuple[str, dict[str, str] | None, str]]:
    """(name, kernel environment or None, why skipped) for each database backend."""
    found: list[tuple[str, dict[str, str] | None, str]] = [
        ("embedded", child_env(TRAINER_DATABASE="embedded"), ""),
        ("URL", child_env(TRAINER_DATABASE="url", TRAINER_DATABASE_URL=server.url(),
                          TRAINER_DATABASE_NAME="bench_kernel"), ""),
    ]
    problem = _docker.ping()
    if problem is None:
        found.append(("Docker", child_env(TRAINER_DATABASE="docker"), ""))
    else:
        found.append(("Docker", None, f"skipped: Docker not reachable: {problem}"))
    return found


def first_result(env: dict[str, str], cells: list[str],
                 then: Callable[[Kernel], None] | None = None) -> float:
    """Seconds from starting a kernel to the first test cell's result; `then` runs in the
    same kernel afterwards, untimed."""
    began = time.perf_counter()
    with running_kernel(env) as kernel:
        for cell in cells:
            kernel.execute(cell)
        seconds = time.perf_counter() - began
        if then is not None:
            then(kernel)
    return seconds


def test_cells(settings: Settings, kernel: Kernel, worker: str, test: str
               ) -> tuple[list[float], list[float]]:
    """The step-3 test cell and the trivial cell, alternately, in one warm kernel."""
    kernel.execute(worker)
    kernel.execute(test)
    kernel.execute(TRIVIAL_CELL)  # one of each untimed: the first run imports more
    timings: dict[str, list[float]] = {test: [], TRIVIAL_CELL: []}
    for turn in range(settings.cell_runs):
        for cell in rotated([test, TRIVIAL_CELL], turn):
            timings[cell].append(kernel.execute(cell))
    return timings[test], timings[TRIVIAL_CELL]


def whole_notebook(env: dict[str, str], path: Path = SOLUTIONS) -> float:
    """A solutions notebook from a fresh kernel to its last cell; raises on any error."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "exercises")}})
    began = time.perf_counter()
    client.execute(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def run(settings: Settings, server: EmbeddedServer) -> list[Row]:
    cells = code_cells()
    first_cells = until_first_test(cells)
    worker, test = step_three(cells)
    cell_timings: list[tuple[list[float], list[float]]] = []

    def time_test_cells(kernel: Kernel) -> None:  # in the last embedded kernel, once warm
        cell_timings.append(test_cells(settings, kernel, worker, test))

    rows = []
    for name, env, skipped in backends(server):
        label = f"fresh kernel to first %%ipytest result, {name}"
        if env is None:
            rows.append(Row(SECTION, label, None, "s", skipped))
            continue
        samples = []
        for run_index in range(settings.kernel_runs):
            last_embedded = name == "embedded" and run_index == settings.kernel_runs - 1
            then = time_test_cells if last_embedded else None
            samples.append(first_result(env, first_cells, then))
        seconds = median(samples)
        note = (f"{len(first_cells)} cells, the setup line to the step-1 test; median of "
                f"{settings.kernel_runs}")
        if name == "embedded":
            note += f"; {target(seconds, 2.0, text='< 2 s')}"
        rows.append(Row(SECTION, label, seconds, "s", note))

    step3, trivial = cell_timings[0]
    runs = f"median of {settings.cell_runs}, interleaved"
    rows.append(Row(SECTION, "%%ipytest cell: step-3 test (order, job, drain, assert)",
                    median(step3) * 1000, "ms", f"embedded; {runs}"))
    rows.append(Row(SECTION, "%%ipytest cell: trivial test (def test_nothing(): pass)",
                    median(trivial) * 1000, "ms",
                    f"not truly empty: pytest fails a cell with no test; {runs}"))
    ratio = median(step3) / median(trivial)
    rows.append(Row(SECTION, "step-3 cell / trivial cell", ratio, "x",
                    target(ratio, 1.5, text="<= 1.5x")))
    env = child_env(TRAINER_DATABASE="embedded")
    seconds = median([whole_notebook(env) for _ in range(settings.notebook_runs)])
    rows.append(Row(SECTION, "solutions notebook, headless, fresh kernel", seconds, "s",
                    f"nbclient, embedded, {len(cells)} code cells; median of "
                    f"{settings.notebook_runs}"))
    return rows
