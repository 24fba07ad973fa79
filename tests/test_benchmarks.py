"""The benchmarks keep working: `python -m benchmarks --smoke` runs each once on a tiny
size (50 jobs, one repetition, no peers). No timing is asserted: only that every row is
there and every measured value is a positive number."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT, clean_env
from trainer.lessons import all_lessons

OPERATIONS = ["insert one at a time", "insert in one batch",
              "insert one at a time, half duplicates of a unique key",
              "execute trivial jobs in-process"]
PEERS = ["procrastinate", "oban-py"]
RUNNING = "trivial jobs through running queues, concurrency 10"
CROSS_TALK = "cross-talk: kernels that saw another learner's rows"
START = "insert to perform start, single job, idle running queue"

EXPECTED = [
    "embedded, cold (empty cache: initdb)",
    "embedded, warm (template cluster cached)",
    "URL, cold (new database: create + migrate)",
    "URL, warm (database migrated)",
    "Docker (image present)",
    "first query in a fresh process",
    "fresh kernel to first %%ipytest result, embedded",
    "fresh kernel to first %%ipytest result, URL",
    "fresh kernel to first %%ipytest result, Docker",
    "%%ipytest cell: step-3 test (order, job, drain, assert)",
    "%%ipytest cell: trivial test (def test_nothing(): pass)",
    "step-3 cell / trivial cell",
    "solutions notebook, headless, fresh kernel",
    *(f"lesson {lesson.number} solutions notebook, headless, fresh kernel"
      for lesson in all_lessons()),
    "whole course: every solutions notebook, one after another",
    "floor: SELECT 1 round trip",
    "floor: bare INSERT, same shape as oban_jobs",
    "plain insert: oban.insert(job)",
    "unique insert, new key (keys ['id'], INFINITY)",
    "unique insert, duplicate key (conflict)",
    "unique insert / plain insert",
    "unique insert / bare INSERT floor",
    "unique insert / SELECT 1 floor",
    "unique insert, empty table",
    "unique insert, table full of unrelated jobs",
    "unique insert, full / empty",
    "unique insert, after delete churn",
    "unique insert, churned / empty",
    *(f"{op}: {who}" for op in OPERATIONS for who in ["trainer", *PEERS]),
    *(f"{RUNNING}: {who}" for who in ["trainer", *PEERS]),
    *(f"{START}, {stat}: {who}" for stat in ["median", "p95"] for who in ["trainer", "oban-py"]),
    *(f"test cell feedback, {who}: {stat}" for who in ["one learner alone",
                                                       "the whole class at once"]
      for stat in ["p50", "p95"]),
    "the whole class p95 / one learner alone p95",
    "connections held at most, the whole class",
    CROSS_TALK,
    "grading a class: seconds per notebook",
]
# Not measured in a smoke run here: no Docker daemon is given, and peers are skipped.
MAY_BE_SKIPPED = {label for label in EXPECTED
                  if "Docker" in label or label.endswith(tuple(f": {p}" for p in PEERS))}


def table_rows(output: str) -> dict[str, str]:
    """measurement -> median cell, from the Markdown table the benchmark prints."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 4 and not set(cells[0]) <= {"-"}:
            rows[cells[1]] = cells[2]
    rows.pop("measurement", None)  # the header
    return rows


def test_every_benchmark_runs_once_on_a_tiny_size():
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke"], cwd=ROOT,
                          env=clean_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = table_rows(done.stdout)
    assert [label for label in EXPECTED if label not in rows] == [], done.stdout
    assert "FAILED" not in done.stdout
    assert rows.pop(CROSS_TALK) == "0", done.stdout  # a count that must be nought
    for label, cell in rows.items():
        if cell == "-" and label in MAY_BE_SKIPPED:
            continue
        number = re.match(r"[\d,]*\.?\d+", cell)
        assert number is not None, f"{label}: {cell!r} is not a number"
        assert float(number.group().replace(",", "")) > 0, f"{label}: {cell}"
