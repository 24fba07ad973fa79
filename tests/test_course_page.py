"""The start page and the progress record behind it: every check leaves its result in a
small file, two kernels checking at once both keep theirs, a file that cannot be written
loses the record and never the check, and the start page shows where each lesson stands."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell

from tests.conftest import ROOT
from tests.notebook_runner import read, run
from trainer import start_page
from trainer.grading import progress
from trainer.lessons import all_lessons, lesson
from trainer.notebook.course_view import course, lesson_progress


def test_a_record_is_kept_per_lesson_and_step_and_read_back(tmp_path):
    where = tmp_path / "deep" / "progress.json"
    assert progress.load(where) == {}
    assert progress.record(4, "worker", passed=True, good=3, total=3, where=where)
    assert progress.record(4, "retry", passed=False, good=1, total=5, where=where)
    assert progress.record(4, "worker", passed=False, good=2, total=3, where=where)
    saved = progress.load(where)
    assert saved["4"]["worker"]["passed"] is False and saved["4"]["worker"]["good"] == 2
    assert saved["4"]["retry"]["total"] == 5
    # Nothing half-written is left beside it.
    assert sorted(p.name for p in where.parent.iterdir()) == ["progress.json", "progress.lock"]


def test_a_file_that_cannot_be_written_loses_the_record_not_the_check(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert not progress.record(4, "worker", passed=True, good=1, total=1,
                               where=blocked / "progress.json")
    assert "could not save this check's result" in caplog.text
    garbled = tmp_path / "progress.json"
    garbled.write_text("{not json")
    assert progress.load(garbled) == {}
    assert progress.record(4, "worker", passed=True, good=1, total=1, where=garbled)
    assert progress.load(garbled)["4"]["worker"]["passed"] is True


def test_an_oddly_shaped_record_keeps_what_makes_sense(tmp_path, monkeypatch):
    odd = tmp_path / "progress.json"
    odd.write_text(json.dumps({"4": [], "3": {"retry": "yes", "backoff": {"passed": True}},
                               "0": "nothing"}))
    assert progress.load(odd) == {"3": {"backoff": {"passed": True}}}
    assert progress.record(4, "worker", passed=True, good=1, total=1, where=odd)
    assert progress.load(odd)["4"]["worker"]["passed"] is True
    monkeypatch.setenv("TRAINER_PROGRESS", str(odd))
    assert "Refunding an order" in course()._repr_html_()


RECORD_MANY = """
import sys
from pathlib import Path
from trainer.grading import progress
for n in range(40):
    assert progress.record(int(sys.argv[1]), f"step{n}", passed=True, good=1, total=1,
                           where=Path(sys.argv[2]))
"""


def test_two_kernels_recording_at_once_both_keep_every_result(tmp_path):
    where = tmp_path / "progress.json"
    children = [subprocess.Popen([sys.executable, "-c", RECORD_MANY, str(number), str(where)],
                                 cwd=ROOT) for number in (1, 2)]
    assert [child.wait(timeout=60) for child in children] == [0, 0]
    saved = json.loads(where.read_text())
    assert sorted(saved) == ["1", "2"] and all(len(saved[k]) == 40 for k in saved)


def test_the_course_view_marks_each_step_as_last_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_PROGRESS", str(tmp_path / "progress.json"))
    refunds = lesson(4)
    first, second = refunds.steps[0].name, refunds.steps[1].name
    progress.record(4, first, passed=True, good=3, total=3)
    progress.record(4, second, passed=False, good=1, total=4)
    row = lesson_progress(refunds, progress.load())
    assert row.marks[:3] == (True, False, None)
    assert row.summary == f"1 of {len(refunds.steps)} steps pass"
    view = course()
    text, page = repr(view), view._repr_html_()
    assert "4  Refunding an order" in text and "✓✗·" in text
    assert 'href="exercises/04_refunding_an_order.ipynb"' in page
    assert 'href="solutions/04_refunding_an_order.ipynb"' in page
    assert page.count("<tr>") == len(all_lessons()) + 1
    for step in refunds.steps:
        progress.record(4, step.name, passed=True, good=1, total=1)
    assert lesson_progress(refunds, progress.load()).summary.startswith("done: all")


def test_the_start_page_lists_every_lesson_and_shows_the_checks_a_lesson_left(tmp_path):
    page = read(ROOT / start_page.NOTEBOOK)
    links = page.cells[1].source
    for each in all_lessons():
        assert f"]({each.exercises})" in links and f"]({each.solutions})" in links
        assert each.teaches and each.oban and each.oban_py, each.slug
    # A learner's check in one kernel, then the start page in another.
    refunds = lesson(4)
    setup = next(c for c in read(ROOT / refunds.exercises).cells if c.cell_type == "code")
    where = tmp_path / "progress.json"
    env_cell = new_code_cell(f"import os; os.environ['TRAINER_PROGRESS'] = {str(where)!r}")
    run(nbformat.v4.new_notebook(cells=[env_cell, setup, new_code_cell('check("worker")')]))
    assert progress.load(where)["4"]["worker"]["passed"] is False
    page.cells.insert(0, env_cell)
    [_, shown] = run(page)
    assert not shown.error
    assert "Refunding an order" in shown.text and "✗" in shown.text
    assert "0 of " in shown.text


def test_progress_prints_in_a_terminal(tmp_path):
    env = {**os.environ, "TRAINER_PROGRESS": str(tmp_path / "progress.json")}
    shown = subprocess.run([sys.executable, "-m", "trainer.notebook.course_view"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=60, check=True)
    assert shown.stdout.count("not started") == len(all_lessons())
    assert str(tmp_path) in shown.stderr
