"""The gradebook on a small class: a finished notebook, an untouched one, one with its
last step undone, one that is not JSON, one that is not a notebook, one that hangs, one
whose kernel dies half-way and one that writes lines of its own into the grade log. Every
row says what happened; none is lost."""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from tests.conftest import ROOT, clean_env
from trainer.authoring import stub_source
from trainer.lessons import lesson

REFUNDS = lesson(4)


def _write(folder: Path, learner: str, notebook: nbformat.NotebookNode | str) -> None:
    where = folder / learner / "exercises"
    where.mkdir(parents=True)
    text = notebook if isinstance(notebook, str) else nbformat.writes(notebook)
    (where / REFUNDS.notebook).write_text(text)


def _class(folder: Path) -> None:
    solutions = nbformat.read(ROOT / REFUNDS.solutions, as_version=4)
    _write(folder, "ada", solutions)
    _write(folder, "ben", nbformat.read(ROOT / REFUNDS.exercises, as_version=4))
    # The last step's worker cell left as the exercise has it.
    undone = nbformat.read(ROOT / REFUNDS.solutions, as_version=4)
    last_worker = [c for c in undone.cells if c.cell_type == "code"
                   and c.source.startswith("class Refunder")][-1]
    last_worker.source = stub_source(last_worker.source)
    _write(folder, "cy", undone)
    _write(folder, "dee", "{this is not json")
    _write(folder, "eve", '{"cells": "not a list", "nbformat": 4, "nbformat_minor": 5, '
                          '"metadata": {}}')
    hangs = nbformat.read(ROOT / REFUNDS.solutions, as_version=4)
    hangs.cells.insert(9, new_code_cell("import time\ntime.sleep(600)"))
    _write(folder, "fay", hangs)
    dies = nbformat.read(ROOT / REFUNDS.solutions, as_version=4)
    first_check = next(i for i, c in enumerate(dies.cells) if c.source.startswith("check("))
    dies.cells.insert(first_check + 1, new_code_cell("import os\nos._exit(1)"))
    _write(folder, "gus", dies)
    # A notebook writing lines of its own into the grade log: they are not checks.
    scribbles = nbformat.read(ROOT / REFUNDS.solutions, as_version=4)
    scribbles.cells.insert(2, new_code_cell(
        "import os\nwith open(os.environ['TRAINER_GRADE_LOG'], 'a') as log:\n"
        "    log.write('{\"lesson\": 4}\\n[1, 2]\\n{\"lesson\": 4, \"step\": 7}\\n')"))
    _write(folder, "hal", scribbles)
    # Not graded: the course copy's solutions (newer than ben's untouched exercise), a
    # checkpoint, and a notebook that is no lesson's.
    (folder / "ben" / "solutions").mkdir()
    answers = folder / "ben" / "solutions" / REFUNDS.notebook
    answers.write_text((ROOT / REFUNDS.solutions).read_text())
    later = answers.stat().st_mtime + 60
    os.utime(answers, (later, later))
    (folder / "ada" / "exercises" / ".ipynb_checkpoints").mkdir()
    (folder / "ada" / "exercises" / ".ipynb_checkpoints" / REFUNDS.notebook).write_text("{}")
    (folder / "ada" / "scratch.ipynb").write_text("{}")


def test_every_learner_gets_a_row_that_says_what_happened(tmp_path):
    submissions = tmp_path / "home"
    _class(submissions)
    out, page = tmp_path / "grades.csv", tmp_path / "grades.html"
    done = subprocess.run(
        [sys.executable, "-m", "trainer.grade", str(submissions), "--out", str(out),
         "--html", str(page), "--jobs", "2", "--timeout", "15"],
        cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "graded 8 notebooks of 8 learners" in done.stdout
    with out.open() as table:
        rows = {row["learner"]: row for row in csv.DictReader(table)}
    assert sorted(rows) == ["ada", "ben", "cy", "dee", "eve", "fay", "gus", "hal"]
    steps = [step.name for step in REFUNDS.steps]
    assert rows["ada"]["status"] == "ok" and float(rows["ada"]["score"]) == 100
    assert rows["ada"]["steps_passed"].split() == steps and rows["ada"]["crosses"] == ""
    assert rows["ben"]["status"] == "ok" and float(rows["ben"]["score"]) == 0
    assert "worker: Your code for this step is written" in rows["ben"]["crosses"]
    # Teeth checks are graded too: an unwritten test is a cross of its own.
    assert "unique_forever: Your test `test_only_one_refund_job_per_order` is written" \
        in rows["ben"]["crosses"]
    assert rows["cy"]["steps_passed"].split() == steps[:-1]
    assert rows["cy"]["crosses"].startswith("debounce: ")
    assert rows["dee"]["status"].startswith("malformed: NotJSONError")
    assert rows["eve"]["status"].startswith("malformed: ")
    assert rows["fay"]["status"] == "timed out: a cell ran longer than 15 s"
    assert rows["fay"]["steps_passed"].split() == steps[:1]  # what ran before the hang
    assert rows["gus"]["status"].startswith("crashed")
    assert rows["gus"]["steps_passed"].split() == steps[:1]
    assert rows["hal"]["status"] == "ok" and float(rows["hal"]["score"]) == 100
    html = page.read_text()
    assert html.count("<tr>") == 2 + 8 and "✓" in html and "✗" in html
    assert "timed out" in html and "malformed" in html


def test_an_empty_folder_or_bad_options_say_what_is_wrong(tmp_path):
    def grade(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "trainer.grade", *argv], cwd=ROOT,
                              env=clean_env(), capture_output=True, text=True, timeout=60)

    empty = grade(str(tmp_path))
    assert empty.returncode == 1 and "no lesson notebooks under" in empty.stderr
    missing = grade(str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "is not a folder of learners' folders" in missing.stderr
    jobs = grade(str(tmp_path), "--jobs", "0")
    assert jobs.returncode == 2 and "from 1 to 64" in jobs.stderr
    unknown = grade(str(tmp_path), "--lesson", "42")
    assert unknown.returncode == 2 and "--lesson 42: the lessons are 0, 1" in unknown.stderr


def test_a_grading_kernel_inherits_none_of_the_instructors_secrets(monkeypatch, tmp_path):
    from trainer.grade.run import kernel_env

    for name, value in {"TRAINER_ADMIN_URL": "postgresql://admin:secret@db/postgres",
                        "TRAINER_HUB_TOKEN": "t0ken", "PGPASSWORD": "secret",
                        "TRAINER_CLASSROOM_FILE": "/srv/secrets.json",
                        "TRAINER_DATABASE_URL": "postgresql://x@db/y", "LC_ALL": "C.UTF-8",
                        "JUPYTERHUB_API_TOKEN": "t0ken"}.items():
        monkeypatch.setenv(name, value)
    env = kernel_env(tmp_path / "log", tmp_path / "progress.json")
    assert not any("secret" in value or "t0ken" in value for value in env.values())
    assert env["TRAINER_DATABASE"] == "embedded" and env["LC_ALL"] == "C.UTF-8"
    assert env["PATH"] == os.environ["PATH"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root grades as someone else")
def test_run_by_root_a_notebook_runs_as_its_owner_and_one_without_an_account_is_refused():
    from tests.hub import TRAINER_FOLDERS, local_users, readable_by_others

    # Under /tmp, not pytest's own folder, which other users may not enter.
    folder = Path(tempfile.mkdtemp(prefix="trainer-grade-owner-", dir="/tmp"))
    try:
        notebook = nbformat.read(ROOT / REFUNDS.solutions, as_version=4)
        notebook.cells.append(new_code_cell(
            "import os\nwith open('graded-as.txt', 'w') as out:\n    out.write(str(os.getuid()))"))
        _write(folder / "class", "gradeowner", notebook)
        _write(folder / "class", "gone", notebook)
        lost = 4242  # a uid no account has
        for path in [folder / "class" / "gone", *(folder / "class" / "gone").rglob("*")]:
            os.chown(path, lost, lost)
        # A link to the course's own answers (root's) is not the learner's work.
        answers = lesson(3)
        (folder / "class" / "gradeowner" / "exercises" / answers.notebook).symlink_to(
            ROOT / answers.solutions)
        with local_users(["gradeowner"], folder / "home"), \
                readable_by_others(*TRAINER_FOLDERS, folder / "class"):
            owner = pwd.getpwnam("gradeowner").pw_uid
            for path in [folder / "class" / "gradeowner",
                         *(folder / "class" / "gradeowner").rglob("*")]:
                os.chown(path, owner, owner, follow_symlinks=False)
            # And a copy of someone else's (root's) file put into the learner's folder.
            planted = folder / "class" / "gradeowner" / "exercises" / lesson(2).notebook
            planted.write_text((ROOT / lesson(2).solutions).read_text())
            done = subprocess.run(
                [sys.executable, "-m", "trainer.grade", str(folder / "class"), "--out",
                 str(folder / "grades.csv"), "--timeout", "60"],
                cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            mark = folder / "class" / "gradeowner" / "exercises" / "graded-as.txt"
            assert mark.read_text() == str(owner) and mark.stat().st_uid == owner
        with (folder / "grades.csv").open() as table:
            rows = {(row["learner"], int(row["lesson"])): row for row in csv.DictReader(table)}
        assert rows["gradeowner", 4]["status"] == "ok", rows
        assert float(rows["gradeowner", 4]["score"]) == 100, rows
        assert rows["gradeowner", 3]["status"] == (
            f"malformed: NotAFile: {answers.notebook} is a link, not a notebook of the "
            "learner's own"), rows
        assert rows["gradeowner", 2]["status"] == (
            "not graded: the notebook belongs to uid 0, not to the owner of gradeowner/ "
            f"(uid {owner})"), rows
        assert rows["gone", 4]["status"].startswith("not graded: its owner, uid 4242, has no "
                                                    "account here"), rows
        assert not (folder / "class" / "gone" / "exercises" / "graded-as.txt").exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
