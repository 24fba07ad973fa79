"""Running one learner's notebook headless in a fresh kernel, as a learner's Run All
would, and reading every self-check it ran from the grade log."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from trainer.grade.submissions import Submission
from trainer.grading import gradelog


@dataclass
class Graded:
    submission: Submission
    status: str  # "ok", or what went wrong: "malformed: ...", "crashed", "timed out ..."
    seconds: float
    # per step name: the checked lines, (label, ok), as the step's last check left them
    steps: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)

    @property
    def passed(self) -> list[str]:
        return [step.name for step in self.submission.lesson.steps
                if self.steps.get(step.name) and all(ok for _, ok in self.steps[step.name])]

    @property
    def crosses(self) -> list[str]:
        return [f"{step}: {label}" for step, lines in self.steps.items()
                for label, ok in lines if not ok]


def kernel_env(log: Path, progress: Path) -> dict[str, str]:
    """The grading kernel's environment: a database of its own (never a learner's), its
    checks' results to `log`, and no learner's progress file touched."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRAINER_DATABASE", "TRAINER_CLASSROOM", "JUPYTERHUB_"))
           and k != "TRAINER_LEARNER"}
    env.update({"TRAINER_DATABASE": "embedded", gradelog.ENV: str(log),
                "TRAINER_PROGRESS": str(progress)})
    return env


def grade(submission: Submission, timeout: float) -> Graded:
    began = time.perf_counter()
    try:
        notebook = nbformat.read(submission.path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - any unreadable file is "malformed"
        return Graded(submission, f"malformed: {_first_line(error)}", 0.0)
    with tempfile.TemporaryDirectory(prefix="trainer-grade-") as folder:
        log = Path(folder) / "checks.jsonl"
        status = _execute(notebook, submission, kernel_env(log, Path(folder) / "p.json"),
                          timeout)
        graded = Graded(submission, status, time.perf_counter() - began)
        for entry in _entries(log):
            if entry.get("lesson") == submission.lesson.number:
                graded.steps[entry["step"]] = [(line["label"], bool(line["ok"]))
                                               for line in entry["lines"]]
    return graded


def _execute(notebook: nbformat.NotebookNode, submission: Submission, env: dict[str, str],
             timeout: float) -> str:
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            allow_errors=True, record_timing=False,
                            resources={"metadata": {"path": str(submission.path.parent)}})
    try:
        client.execute(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except CellTimeoutError:
        return f"timed out: a cell ran longer than {timeout:g} s"
    except DeadKernelError:
        return "crashed: the kernel died"
    except Exception as error:  # noqa: BLE001 - said in the row, the other rows go on
        return f"crashed: {_first_line(error)}"
    return "ok"


def _entries(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    found = []
    for line in log.read_text("utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a killed kernel
    return found


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
