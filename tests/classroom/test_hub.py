"""The class on a real JupyterHub: three local users, their servers spawned through the
Hub's REST API, a lesson notebook run in each learner's own kernel, each working in their
own database as their own role, and the gradebook reading their saved work from their
homes."""

from __future__ import annotations

import csv
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT, clean_env
from tests.hub import (
    TRAINER_FOLDERS,
    local_users,
    readable_by_others,
    require_hub,
    running_hub,
)
from trainer.authoring import stub_source
from trainer.classroom.provision import drop, provision
from trainer.lessons import lesson

LEARNERS = ["hubann", "hubbo", "hubcy"]
REFUNDS = lesson(4)
WHO_AM_I = 'print(Repo.query("SELECT current_user AS u, current_database() AS d")[0])'
# The learner's last cell: which account ran it, in a file beside the notebook.
GRADED_AS = ("import getpass\nwith open('graded-as.txt', 'w') as out:\n"
             "    out.write(getpass.getuser())")


def _work(learner: str) -> dict:
    """What each learner has done: all of it, nothing, all but the last step."""
    if learner == "hubbo":
        notebook = nbformat.read(ROOT / REFUNDS.exercises, as_version=4)
    else:
        notebook = nbformat.read(ROOT / REFUNDS.solutions, as_version=4)
    if learner == "hubcy":
        last = [c for c in notebook.cells if c.cell_type == "code"
                and c.source.startswith("class Refunder")][-1]
        last.source = stub_source(last.source)
    notebook.cells.append(nbformat.v4.new_code_cell(GRADED_AS))
    return dict(notebook)


@pytest.fixture
def hub_folder() -> Iterator[Path]:
    """The Hub's state, the class's logins and the learners' homes: under /tmp, not
    pytest's own folder, which another pytest run may close to other users meanwhile."""
    folder = Path(tempfile.mkdtemp(prefix="trainer-hub-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_three_learners_on_one_hub_each_in_their_own_database(shared_server, hub_folder):
    require_hub()
    tmp_path = hub_folder
    secrets_file = tmp_path / "class.json"
    homes = tmp_path / "home"
    provision(shared_server.url(), LEARNERS, secrets_file)
    try:
        # The learners' accounts run the trainer's own Python: its folders (perhaps under
        # root's home) must be reachable by them while the test runs.
        with readable_by_others(*TRAINER_FOLDERS, tmp_path), local_users(LEARNERS, homes), \
                running_hub(tmp_path, LEARNERS, secrets_file) as hub:
            for learner in LEARNERS:
                hub.spawn(learner)
            for learner in LEARNERS:
                # The course was copied into the learner's home, and opens on its start page.
                start = hub.api("GET", f"/user/{learner}/api/contents/START_HERE.ipynb")
                assert start.status_code == 200, start.text
                work = _work(learner)
                hub.put_notebook(learner, REFUNDS.exercises, work)
                printed = hub.run_notebook(learner, {"cells": [
                    *work["cells"], {"cell_type": "code", "source": WHO_AM_I}]})
                assert "PostgreSQL" in printed[0] and "ready (url" in printed[0], printed[0]
                assert f"'u': 'trainer_{learner}', 'd': 'trainer_{learner}'" in printed[-1]
                # No cross-talk: the jobs this kernel sees are its own only.
                others = hub.run_notebook(learner, {"cells": [
                    {"cell_type": "code", "source": "from trainer.lesson import *"},
                    {"cell_type": "code", "source":
                        "import psycopg\ntry:\n    psycopg.connect(psycopg.conninfo."
                        "make_conninfo(Repo.conninfo, dbname='trainer_hubann' if "
                        f"'{learner}' != 'hubann' else 'trainer_hubbo'))\n    print('reached')"
                        "\nexcept psycopg.OperationalError as error:\n    print(error)"}]})
                assert "permission denied for database" in others[1], others[1]
            # The gradebook reads each learner's saved work from their home, and runs it
            # as the learner (it runs as root here), never as root.
            for left in homes.glob("*/**/graded-as.txt"):
                left.unlink()
            out = tmp_path / "grades.csv"
            done = subprocess.run([sys.executable, "-m", "trainer.grade", str(homes), "--out",
                                   str(out), "--jobs", "3", "--lesson", "4"],
                                  cwd=ROOT, env=clean_env(),
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            for learner in LEARNERS:
                mark = homes / learner / "chowmojo" / "exercises" / "graded-as.txt"
                assert mark.read_text() == learner
                assert mark.stat().st_uid == pwd.getpwnam(learner).pw_uid
    finally:
        drop(shared_server.url(), LEARNERS, secrets_file)
    with out.open() as table:
        rows = {row["learner"]: row for row in csv.DictReader(table)}
    steps = len(REFUNDS.steps)
    assert sorted(rows) == LEARNERS, rows
    assert [float(rows[name]["score"]) for name in LEARNERS] == [
        100.0, 0.0, round(100 * (steps - 1) / steps, 1)], rows
