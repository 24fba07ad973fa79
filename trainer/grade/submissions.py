"""Finding what to grade: SUBMISSIONS/<learner>/.../<lesson notebook>.ipynb. The learner
is the first folder under SUBMISSIONS (on a JupyterHub with local users, point it at
/home); the lesson is the notebook's name, one a registered lesson has."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trainer.grading.manifest import Lesson
from trainer.lessons import all_lessons


@dataclass(frozen=True)
class Submission:
    learner: str
    lesson: Lesson
    path: Path
    folder: Path  # the learner's own folder: SUBMISSIONS/<learner>


def find(root: Path) -> list[Submission]:
    """Every learner's lesson notebooks, by learner then lesson. A learner with two copies
    of one lesson is graded on the one changed last. Checkpoints and the course copy's
    `solutions/` folder are never graded."""
    by_name = {lesson.notebook: lesson for lesson in all_lessons()}
    chosen: dict[tuple[str, int], Submission] = {}
    for path in sorted(root.glob("*/**/*.ipynb")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue  # .ipynb_checkpoints, hidden folders
        if "solutions" in relative.parts[1:-1]:
            continue  # the course copy's answers, never the learner's own work
        lesson = by_name.get(path.name)
        if lesson is None:
            continue
        learner = relative.parts[0]
        key = (learner, lesson.number)
        if key not in chosen or path.stat().st_mtime > chosen[key].path.stat().st_mtime:
            chosen[key] = Submission(learner, lesson, path, root / learner)
    return [chosen[key] for key in sorted(chosen)]
