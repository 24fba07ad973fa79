"""The course, headless: each lesson's solutions notebook from a fresh kernel to its
last cell (every test and check passing), and the eight one after another, as a learner
going through the whole course would run them (each in a kernel of its own)."""

from __future__ import annotations

import time

from benchmarks.feedback import whole_notebook
from benchmarks.settings import ROOT, Settings, child_env
from benchmarks.table import Row, median, target
from trainer.db.servers.embedded import EmbeddedServer
from trainer.lessons import all_lessons

SECTION = "course"
COURSE_TARGET_SECONDS = 30.0


def run(settings: Settings, server: EmbeddedServer) -> list[Row]:
    env = child_env(TRAINER_DATABASE="embedded")
    lessons = all_lessons()
    samples: dict[int, list[float]] = {lesson.number: [] for lesson in lessons}
    totals = []
    for _ in range(settings.notebook_runs):
        began = time.perf_counter()
        for lesson in lessons:  # in course order, as a learner takes them
            samples[lesson.number].append(whole_notebook(env, ROOT / lesson.solutions))
        totals.append(time.perf_counter() - began)
    runs = f"median of {settings.notebook_runs}"
    rows = [Row(SECTION, f"lesson {lesson.number} solutions notebook, headless, fresh kernel",
                median(samples[lesson.number]), "s", f"{lesson.slug}; {runs}")
            for lesson in lessons]
    total = median(totals)
    rows.append(Row(SECTION, "whole course: every solutions notebook, one after another",
                    total, "s", f"{len(lessons)} lessons, a fresh kernel each; {runs}; "
                    f"{target(total, COURSE_TARGET_SECONDS, text='< 30 s')}"))
    return rows
