"""The gradebook's two outputs: a CSV row per learner and lesson, and an HTML page of
the class, a coloured cell per step."""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from trainer.grade.run import Graded
from trainer.lessons import all_lessons

COLUMNS = ("learner", "lesson", "notebook", "status", "score", "steps_passed", "steps",
           "crosses", "seconds")
GREEN, RED, GREY = "#dafbe1", "#ffebe9", "#f6f8fa"


def score(graded: Graded) -> float:
    steps = len(graded.submission.lesson.steps)
    return round(100 * len(graded.passed) / steps, 1) if steps else 0.0


def write_csv(rows: Sequence[Graded], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for graded in rows:
            writer.writerow([
                graded.submission.learner, graded.submission.lesson.number,
                str(graded.submission.path), graded.status, score(graded),
                " ".join(graded.passed), len(graded.submission.lesson.steps),
                "; ".join(graded.crosses), f"{graded.seconds:.1f}"])


def write_html(rows: Sequence[Graded], path: Path) -> None:
    lessons = [lesson for lesson in all_lessons()
               if any(g.submission.lesson.number == lesson.number for g in rows)]
    learners = sorted({g.submission.learner for g in rows})
    found = {(g.submission.learner, g.submission.lesson.number): g for g in rows}
    head = "".join(f'<th colspan="{len(lesson.steps) + 1}">{lesson.number} · '
                   f"{html.escape(lesson.title)}</th>" for lesson in lessons)
    sub = "".join("".join(f'<th class="step">{html.escape(step.name)}</th>'
                          for step in lesson.steps) + "<th>score</th>" for lesson in lessons)
    body = []
    for learner in learners:
        cells = [f"<th>{html.escape(learner)}</th>"]
        for lesson in lessons:
            graded = found.get((learner, lesson.number))
            if graded is None:
                cells.append(f'<td colspan="{len(lesson.steps) + 1}" style="background:'
                             f'{GREY}">not handed in</td>')
                continue
            for step in lesson.steps:
                lines = graded.steps.get(step.name)
                colour = GREY if not lines else GREEN if all(ok for _, ok in lines) else RED
                crosses = "\n".join(label for label, ok in lines or [] if not ok)
                mark = "" if not lines else "✓" if colour == GREEN else "✗"
                cells.append(f'<td style="background:{colour}" title="{html.escape(crosses)}">'
                             f"{mark}</td>")
            note = "" if graded.status == "ok" else f"<br><small>{html.escape(graded.status)}"\
                "</small>"
            cells.append(f"<td><strong>{score(graded):g}%</strong>{note}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    path.write_text(
        "<!doctype html><meta charset=utf-8><title>Gradebook</title><style>"
        "body{font-family:system-ui,sans-serif;font-size:14px}"
        "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:3px 6px;"
        "text-align:center}th.step{font-weight:normal;font-size:12px}</style>"
        f"<h1>Gradebook</h1><p>{len(learners)} learners, {len(rows)} notebooks. "
        "Hover over a red cell for its crosses.</p>"
        f"<table><thead><tr><th></th>{head}</tr><tr><th>learner</th>{sub}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>\n", encoding="utf-8")
