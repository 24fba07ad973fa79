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

from trainer.grade.account import Account, KernelFor, NotGraded, hand_over, kernel_account
from trainer.grade.files import MAX_LOG_BYTES, MAX_NOTEBOOK_BYTES, NotAFile, read_bounded
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


# What a grading kernel inherits, by name: a learner's notebook runs in it, so nothing
# else of the instructor's (TRAINER_ADMIN_URL, a Hub token, PGPASSWORD...) goes along.
KEPT = frozenset({"PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ",
                  "TERM", "TMPDIR", "TEMP", "TMP", "VIRTUAL_ENV", "TRAINER_RUNTIME_DIR"})
KEPT_PREFIXES = ("LC_", "XDG_", "JUPYTER_", "IPYTHONDIR")
ACCOUNT_SPECIFIC = ("HOME", "USER", "LOGNAME", "XDG_", "JUPYTER_", "IPYTHONDIR",
                    "TRAINER_RUNTIME_DIR", "TMPDIR", "TEMP", "TMP")


def kernel_env(log: Path, progress: Path) -> dict[str, str]:
    """The grading kernel's environment: a database of its own (never a learner's), its
    checks' results to `log`, and no learner's progress file touched."""
    env = {k: v for k, v in os.environ.items() if k in KEPT or k.startswith(KEPT_PREFIXES)}
    env.update({"TRAINER_DATABASE": "embedded", gradelog.ENV: str(log),
                "TRAINER_PROGRESS": str(progress)})
    return env


def grade(submission: Submission, timeout: float) -> Graded:
    began = time.perf_counter()
    try:
        found = read_bounded(submission.path, MAX_NOTEBOOK_BYTES)
        notebook = nbformat.reads(found.text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - any unreadable file is "malformed"
        return Graded(submission, f"malformed: {_first_line(error)}", 0.0)
    try:
        account = kernel_account(found.uid, submission.folder)
    except NotGraded as error:
        return Graded(submission, str(error), 0.0)
    with tempfile.TemporaryDirectory(prefix="trainer-grade-") as folder:
        work = Path(folder) if account is None else hand_over(Path(folder), account)
        log = work / "checks.jsonl"
        env = kernel_env(log, work / "p.json")
        if account is not None:
            # Its own home and runtime folders: none of the grader's is the learner's.
            env = {k: v for k, v in env.items() if not k.startswith(ACCOUNT_SPECIFIC)}
            env.update(account.env())
        status = _execute(notebook, submission, env, timeout, account, Path(folder))
        graded = Graded(submission, status, time.perf_counter() - began)
        for entry in _entries(log):
            if entry.get("lesson") == submission.lesson.number:
                graded.steps[entry["step"]] = [(line["label"], bool(line["ok"]))
                                               for line in entry["lines"]]
    return graded


def _well_formed(entry: Any) -> bool:
    """A line as gradelog writes it; anything else (a notebook's own writing) is skipped."""
    return (isinstance(entry, dict) and isinstance(entry.get("step"), str)
            and isinstance(entry.get("lines"), list)
            and all(isinstance(line, dict) and isinstance(line.get("label"), str)
                    and "ok" in line for line in entry["lines"]))


def _execute(notebook: nbformat.NotebookNode, submission: Submission, env: dict[str, str],
             timeout: float, account: Account | None, folder: Path) -> str:
    manager = KernelFor(account, kernel_name="python3",
                        connection_file=str(folder / "kernel.json"))
    client = NotebookClient(notebook, km=manager, timeout=timeout, kernel_name="python3",
                            allow_errors=True, record_timing=False,
                            resources={"metadata": {"path": str(submission.path.parent)}})
    as_whom = account.popen() if account is not None else {}
    try:
        # cleanup_kc: the kernel is shut down after, as when nbclient makes its own manager.
        client.execute(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cleanup_kc=True, **as_whom)
    except CellTimeoutError:
        return f"timed out: a cell ran longer than {timeout:g} s"
    except DeadKernelError:
        return "crashed: the kernel died"
    except Exception as error:  # noqa: BLE001 - said in the row, the other rows go on
        return f"crashed: {_first_line(error)}"
    return "ok"


def _entries(log: Path) -> list[dict[str, Any]]:
    """The log's lines; none when the kernel left no ordinary file there (a learner's
    kernel may have put a link or a FIFO in its place)."""
    try:
        text = read_bounded(log, MAX_LOG_BYTES).text
    except (OSError, NotAFile):
        return []
    found = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a killed kernel
        if _well_formed(entry):
            found.append(entry)
    return found


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
