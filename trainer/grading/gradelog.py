"""What the gradebook reads: with TRAINER_GRADE_LOG set (by `python -m trainer.grade`,
for the kernel it runs a learner's notebook in), every self-check appends one JSON line
there, each checked line with its verdict, the teeth checks included."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from trainer.grading.report import Line

ENV = "TRAINER_GRADE_LOG"


def record(lesson: int, step: str, lines: Sequence[Line]) -> None:
    where = os.environ.get(ENV)
    if not where:
        return
    entry = {"lesson": lesson, "step": step,
             "lines": [{"label": line.label, "ok": line.ok} for line in lines]}
    with open(where, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")
