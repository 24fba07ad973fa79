"""Room for the embedded server: a /dev/shm too small for another copy (Docker's default
is 64 MB), no room anywhere, and a disk that fills up in the middle of a lesson.

Each test runs its child in a mount namespace of its own, with small tmpfs folders
mounted where the test says: the machine's own folders are never touched."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, clean_env

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")

PREPARE = "from trainer.bootstrap import prepare\nprint(prepare().status_line())"


def in_namespace(mounts: dict[str, int], code: str, env: dict[str, str],
                 prepare_dirs: str = "") -> subprocess.CompletedProcess[str]:
    """Run Python code with tmpfs folders of the given sizes (MB) mounted, privately."""
    script = " && ".join(
        [f"mkdir -p {shlex.quote(path)} && mount -t tmpfs -o size={size}m tmpfs "
         f"{shlex.quote(path)}" for path, size in mounts.items()]
        + ([prepare_dirs] if prepare_dirs else [])
        + [f"exec {shlex.quote(str(Path(sys.executable)))} -c {shlex.quote(code)}"]
    )
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          env=clean_env(**env), cwd=ROOT, capture_output=True, text=True,
                          timeout=180)


def leftovers(*folders: Path) -> list[Path]:
    return [d for folder in folders if folder.exists() for d in folder.glob("pg-*")]


def test_a_small_dev_shm_falls_back_to_a_disk_folder_and_says_so(fresh_home):
    env = {k: v for k, v in fresh_home.items() if k != "TRAINER_RUNTIME_DIR"}
    env["TMPDIR"] = str(Path(fresh_home["TRAINER_RUNTIME_DIR"]).parent / "tmp")
    Path(env["TMPDIR"]).mkdir()
    Path(env["TMPDIR"]).chmod(0o755)
    result = in_namespace({"/dev/shm": 8}, PREPARE, env)
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert "ready (embedded; data on disk in " in line
    assert "since /dev/shm/trainer-0 has 8 MB free" in line


def test_no_room_anywhere_is_one_clear_error_and_leaves_no_partial_copy(fresh_home):
    base = Path(fresh_home["TRAINER_RUNTIME_DIR"]).parent
    tiny = base / "tiny"
    env = {"XDG_CACHE_HOME": fresh_home["XDG_CACHE_HOME"], "TMPDIR": str(tiny),
           "TRAINER_DATABASE": "embedded"}
    code = PREPARE + "\n"
    result = in_namespace({"/dev/shm": 8, str(tiny): 8}, code, env,
                          prepare_dirs=f"chmod 755 {shlex.quote(str(tiny))}")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("trainer.errors.DatabaseUnavailable: there is no room for the "
                           "embedded PostgreSQL server")
    assert "/dev/shm/trainer-0 has 8 MB free" in last and f"{tiny}/trainer-0 has" in last
    assert "TRAINER_RUNTIME_DIR" in last and re.search(r"needs about \d+ MB", last)
    assert leftovers(tiny / "trainer-0") == []


DISK_FULL = """
from trainer.bootstrap import prepare
from trainer.db import Repo
prepare()
Repo.execute("CREATE TABLESPACE tiny LOCATION '{folder}'")
Repo.execute("CREATE TABLE big (t text) TABLESPACE tiny")
try:
    for _ in range(1000):
        Repo.execute("INSERT INTO big SELECT string_agg(md5(random()::text), '') "
                     "FROM generate_series(1, 2000)")
except Exception as error:
    print(type(error).__name__, error)
print(Repo.query("SELECT 1 AS still_working"))
"""


def test_a_disk_that_fills_up_mid_lesson_gets_a_clear_error(fresh_home):
    folder = Path(fresh_home["TRAINER_RUNTIME_DIR"]).parent / "space"
    user = "trainer-postgres"
    result = in_namespace({str(folder): 2}, DISK_FULL.format(folder=folder), fresh_home,
                          prepare_dirs=f"chown {user}: {shlex.quote(str(folder))}")
    assert result.returncode == 0, result.stderr
    first, still = result.stdout.strip().splitlines()[-2:]
    assert first.startswith("DatabaseUnavailable the database server's disk is full (")
    assert "Free some space" in first and "TRAINER_RUNTIME_DIR" in first
    assert still == "[{'still_working': 1}]"


def test_no_room_for_the_template_is_one_clear_error_too(fresh_home):
    tiny = Path(fresh_home["TRAINER_RUNTIME_DIR"]).parent / "tiny"
    env = {"TRAINER_RUNTIME_DIR": str(tiny), "TRAINER_DATABASE": "embedded",
           "XDG_CACHE_HOME": str(tiny / "cache")}
    result = in_namespace({str(tiny): 8}, PREPARE, env,
                          prepare_dirs=f"chmod 755 {shlex.quote(str(tiny))}")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("trainer.errors.DatabaseUnavailable: there is no room to prepare "
                           "the embedded PostgreSQL server's template in ")
    assert "needs about 48 MB" in last and "TRAINER_RUNTIME_DIR" in last
