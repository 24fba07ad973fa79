"""How big each benchmark is (full run or `--smoke`), and the environment children get."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "04_refunding_an_order.ipynb"


@dataclass(frozen=True)
class Settings:
    smoke: bool
    ready_runs: int       # database time-to-ready, each backend, cold and warm
    kernel_runs: int      # fresh kernel to first %%ipytest result
    cell_runs: int        # step-3 test cell against a trivial test cell, each
    notebook_runs: int    # the whole solutions notebook, headless
    latency_runs: int     # single inserts and round trips, each kind
    jobs: int             # jobs per throughput measurement
    throughput_runs: int  # passes over every throughput measurement, at most
    start_runs: int       # insert-to-perform-start samples on an idle running queue
    learners: int         # simulated learners at once on one shared server (classroom)
    peers: bool           # install and run procrastinate and oban-py
    budget: float         # seconds the whole run should take, at most (see throughput)
    started: float = field(default_factory=time.monotonic)  # when the run began

    @property
    def deadline(self) -> float:
        """time.monotonic() by which the run should be over."""
        return self.started + self.budget

    @classmethod
    def full(cls) -> Settings:
        return cls(smoke=False, ready_runs=5, kernel_runs=5, cell_runs=20, notebook_runs=3,
                   latency_runs=1000, jobs=10_000, throughput_runs=3, start_runs=200,
                   learners=20, peers=True, budget=540)

    @classmethod
    def tiny(cls) -> Settings:
        return cls(smoke=True, ready_runs=1, kernel_runs=1, cell_runs=1, notebook_runs=1,
                   latency_runs=20, jobs=50, throughput_runs=1, start_runs=5, learners=2,
                   peers=False,
                   budget=600)


def child_env(**overrides: str | None) -> dict[str, str]:
    """Our environment without the trainer's database settings, plus `overrides`
    (None removes a variable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_DATABASE")}
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
