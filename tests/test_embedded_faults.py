"""The embedded server's start and life, when things go wrong: a start killed at any
moment, a leftover folder with no keeper recorded, a restrictive umask, a forked child,
and the groups the server runs with."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, clean_env, processes_under, run_python, wait_for
from trainer.db.servers.embedded import sweep_orphans
from trainer.db.servers.folders import SERVICE_USER, server_folders

PREPARE = "from trainer.bootstrap import prepare\nprint(prepare().status_line())"


@pytest.mark.parametrize("delay", [0.5, 0.9, 1.3, 1.8, 2.5, 3.5])
def test_a_start_killed_at_any_moment_leaves_nothing_running_and_the_next_start_works(
        fresh_home, delay):
    base = Path(fresh_home["TRAINER_RUNTIME_DIR"]).parent
    child = subprocess.Popen([sys.executable, "-c", "from trainer.lesson import *"],
                             env=clean_env(**fresh_home), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)  # somewhere in the start: initdb, the template's server, the copy...
    child.kill()
    child.wait(timeout=30)
    wait_for(lambda: not processes_under(base), "the killed start's processes to stop")
    result = run_python(PREPARE, **fresh_home)
    assert result.returncode == 0, result.stderr
    assert "ready (embedded)" in result.stdout


def test_a_leftover_folder_with_no_keeper_recorded_is_swept():
    folder = server_folders()[0] / "pg-999999-leftover"
    folder.mkdir()
    (folder / "owner.json").write_text(json.dumps({"pid": 999999, "started": 0.0}))
    hour_ago = time.time() - 3600
    os.utime(folder, (hour_ago, hour_ago))
    try:
        assert folder in sweep_orphans()
        assert not folder.exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_restrictive_umask_does_not_stop_a_fresh_start(fresh_home):
    result = run_python("import os\nos.umask(0o077)\n" + PREPARE, **fresh_home)
    assert result.returncode == 0, result.stderr
    assert "ready (embedded)" in result.stdout


def test_a_cache_folder_too_deep_for_a_socket_still_builds_the_template(fresh_home):
    # A home folder deep enough that `<cache>/.../.s.PGSQL.5432` passes 107 bytes.
    deep = Path(fresh_home["XDG_CACHE_HOME"]) / ("a-long-folder-name-" * 5)
    deep.mkdir(parents=True)
    for folder in (deep, *deep.parents):
        if folder == Path(fresh_home["XDG_CACHE_HOME"]).parent:
            break
        folder.chmod(0o755)
    result = run_python(PREPARE, **{**fresh_home, "XDG_CACHE_HOME": str(deep)})
    assert result.returncode == 0, result.stderr
    assert "ready (embedded)" in result.stdout
    assert len(str(deep / "chowmojo-trainer" / "cluster-x.partial" / ".s.PGSQL.5432")) > 107
    runtime = Path(fresh_home["TRAINER_RUNTIME_DIR"])
    assert not list(runtime.glob("*/template-*"))  # its socket folder, removed after


def test_the_server_runs_with_its_own_group_only(database):
    status = Path(f"/proc/{database.server.pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    gids = {int(gid) for gid in fields["Gid"].split()}
    groups = {int(gid) for gid in fields["Groups"].split()}
    expected = pwd.getpwnam(SERVICE_USER).pw_gid if os.geteuid() == 0 else os.getgid()
    assert gids == {expected}
    if os.geteuid() == 0:
        assert 0 not in groups and groups <= {expected}


FORKING_OWNER = """
import json, os, sys, time
from trainer.bootstrap import prepare
db = prepare()
child = os.fork()
if child == 0:
    time.sleep(120)
    os._exit(0)
print(json.dumps({"server": db.server.pid, "child": child}), flush=True)
sys.stdin.read()
"""


def test_a_forked_child_does_not_keep_a_killed_owners_server_alive(fresh_home):
    owner = subprocess.Popen([sys.executable, "-c", FORKING_OWNER], env=clean_env(**fresh_home),
                             cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert owner.stdout is not None
    started = json.loads(owner.stdout.readline())
    try:
        owner.kill()
        owner.wait(timeout=30)
        wait_for(lambda: not psutil.pid_exists(started["server"])
                  or psutil.Process(started["server"]).status() == psutil.STATUS_ZOMBIE,
                  "the killed owner's server to stop")
        assert psutil.pid_exists(started["child"])  # while the child still lives
    finally:
        try:
            os.kill(started["child"], 9)
        except ProcessLookupError:
            pass
        for stream in (owner.stdin, owner.stdout):
            if stream is not None:
                stream.close()
