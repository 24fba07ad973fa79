"""The lesson notebooks, every registered lesson: clean, in sync, and working from top to
bottom in a fresh kernel."""

from __future__ import annotations

import threading

import pytest
from jupyter_core.utils import ensure_event_loop

from tests.conftest import ROOT
from tests.notebook_runner import (
    LESSONS,
    assert_every_cell_passes,
    exercises,
    read,
    run,
    solutions,
)
from trainer import authoring
from trainer.errors import ArgumentError
from trainer.grading.checker import Checker

ROOT_README = ROOT / "README.md"
each_lesson = pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])


@each_lesson
@pytest.mark.parametrize("kind", ["solutions", "exercises"])
def test_committed_notebooks_have_no_outputs(lesson, kind):
    path = solutions(lesson) if kind == "solutions" else exercises(lesson)
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_exercises_are_generated_from_the_solutions():
    assert authoring.stale() == [], "run `make exercises` and commit the result"


def test_every_registered_lesson_has_its_notebooks():
    assert [lesson.notebook for lesson in LESSONS] == authoring.notebooks()
    for lesson in LESSONS:
        assert solutions(lesson).exists() and exercises(lesson).exists(), lesson.slug


@each_lesson
def test_first_cell_is_one_short_line(lesson):
    first = next(c for c in read(exercises(lesson)).cells if c.cell_type == "code")
    assert first.source == lesson.first_cell == "from trainer.lesson import *"


@each_lesson
def test_each_step_has_one_check_cell_in_order_and_it_names_this_lesson(lesson):
    checks = [c.source.strip() for c in read(solutions(lesson)).cells
              if c.cell_type == "code" and c.source.startswith("check(")]
    assert checks == [f'check("{step.name}")' for step in lesson.steps]
    checker = Checker(LESSONS)
    for step in lesson.steps:
        assert checker.find(step.name) == (lesson, step)


def test_stub_markers_become_stubs():
    source = "\n".join([
        "class A(Worker, max_attempts=1):  # STUB: class A(Worker):",
        "    def perform(self, job):",
        "        # BEGIN SOLUTION: do the thing.",
        "        return 1",
        "        # END SOLUTION",
        "x = 1",
    ])
    assert authoring.stub_source(source) == "\n".join([
        "class A(Worker):",
        "    def perform(self, job):",
        "        your_turn('do the thing.')",
        "x = 1",
    ])


@pytest.mark.parametrize("source, problem", [
    ("# BEGIN SOLUTION\nx = 1", "without an END"),
    ("x = 1\n# END SOLUTION", "END SOLUTION without a BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
])
def test_unbalanced_markers_are_refused(source, problem):
    with pytest.raises(ArgumentError, match=problem):
        authoring.stub_source(source)


@each_lesson
def test_no_solution_code_leaks_into_the_exercises(lesson):
    exercise = "".join(c.source for c in read(exercises(lesson)).cells if c.cell_type == "code")
    for leaked in ("BEGIN SOLUTION", "STUB:"):
        assert leaked not in exercise


def test_no_refund_solution_leaks_into_the_refund_exercises():
    [refunds] = [lesson for lesson in LESSONS if lesson.number == 4]
    exercise = "".join(c.source for c in read(exercises(refunds)).cells if c.cell_type == "code")
    for leaked in ("refund_order(order, job.args", '"states": Job.states()', "max_attempts=1"):
        assert leaked not in exercise


@each_lesson
def test_solutions_run_top_to_bottom_with_every_test_and_check_passing(lesson):
    cells = run(read(solutions(lesson)))
    assert "ready (embedded" in cells[0].text
    assert sum(c.kind == "test" for c in cells) == len(lesson.steps)
    assert sum(c.kind == "check" for c in cells) == len(lesson.steps)
    assert_every_cell_passes(cells)


def _assert_exercises_wait_for_the_learner(cells):
    for cell in cells:
        if cell.kind == "test":
            assert cell.error, f"a test cell passed on the stubs: {cell.source[:80]!r}"
            assert "Your turn!" in cell.text, cell.text
            assert " passed" not in cell.text, cell.text
        elif cell.kind == "check":
            assert not cell.error, cell.error
            assert "✗" in cell.text, cell.text
        else:
            assert not cell.error, f"set-up cell {cell.source[:60]!r} raised {cell.error}"


@each_lesson
def test_exercises_run_set_up_cleanly_and_every_test_cell_asks_for_your_turn(lesson):
    _assert_exercises_wait_for_the_learner(run(read(exercises(lesson))))


@each_lesson
def test_running_every_cell_twice_in_one_kernel_is_safe(lesson):
    # Two reads, not one list twice: the same cell object twice would share its outputs,
    # and a live view still updating the first copy would write past the cleared list.
    twice = read(solutions(lesson))
    twice.cells = twice.cells + read(solutions(lesson)).cells
    assert_every_cell_passes(run(twice))


@each_lesson
def test_exercises_and_solutions_run_at_the_same_time(lesson):
    results: dict[str, list] = {}

    def execute(name, path):
        try:
            results[name] = run(read(path))
        finally:
            # nbclient made an event loop for this thread; close it, or its sockets are
            # left for the garbage collector.
            ensure_event_loop().close()

    threads = [threading.Thread(target=execute, args=(name, path))
               for name, path in (("solutions", solutions(lesson)),
                                  ("exercises", exercises(lesson)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_every_cell_passes(results["solutions"])
    _assert_exercises_wait_for_the_learner(results["exercises"])


def test_every_sql_file_the_notebooks_and_readme_name_exists():
    import re

    import trainer

    texts = [ROOT_README.read_text()] + ["".join(c.source for c in read(path).cells)
                                         for lesson in LESSONS
                                         for path in (solutions(lesson), exercises(lesson))]
    named = {name for text in texts for name in re.findall(r'trainer\.sql\("([^"]+)"\)', text)}
    assert named, "no trainer.sql(...) mention found at all"
    for name in sorted(named):
        assert trainer.sql(name).strip(), name
