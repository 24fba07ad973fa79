"""The testcontainers path, against a real Docker engine.

Under CI (`.ci/run`) an engine and a locally built PostgreSQL image are provided through
TRAINER_CI_DOCKER_HOST and TRAINER_CI_POSTGRES_IMAGE, and these tests must run. Elsewhere
they run when a daemon answers, and are skipped, saying why, when none does.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import IN_CI, ROOT, clean_env, run_python
from trainer.db.servers import docker as _docker

pytestmark = pytest.mark.docker

REPORT = """
import json
import docker
from trainer.bootstrap import prepare
from trainer.jobs import Oban, Worker
from trainer.db import Repo

class Hello(Worker, unique=True):
    def perform(self, job):
        return None

db = prepare()
oban = Oban()
first = oban.insert(Hello.new({"n": 1}))
again = oban.insert(Hello.new({"n": 1}))
drained = oban.drain_queue(queue="default")
client = docker.from_env()
container = client.containers.get(db.server.container.get_wrapped_container().id)
print(json.dumps({
    "status": db.status_line(),
    "database": Repo.query("SELECT current_database() AS d")[0]["d"],
    "bindings": container.attrs["HostConfig"]["PortBindings"],
    "password": db.server.password,
    "container": container.id,
    "conflict": [first.conflict, again.conflict, first.id == again.id],
    "drained": drained.as_dict(),
}))
client.close()
"""


@pytest.fixture(scope="module")
def docker_env() -> dict[str, str]:
    import os

    host = os.environ.get("TRAINER_CI_DOCKER_HOST") or os.environ.get(
        "DOCKER_HOST", "unix:///var/run/docker.sock")
    problem = _docker.ping(host=host)
    if problem is not None:
        if IN_CI:
            pytest.fail(f"CI must test the Docker path, but Docker is not reachable: {problem}")
        pytest.skip(f"no Docker daemon answers: {problem}")
    image = os.environ.get("TRAINER_CI_POSTGRES_IMAGE", _docker.DEFAULT_IMAGE)
    return {"DOCKER_HOST": host, "TRAINER_POSTGRES_IMAGE": image,
            "TESTCONTAINERS_RYUK_DISABLED": "true"}


def our_containers(env: dict[str, str]) -> list[str]:
    """Full ids of the containers carrying the trainer's owner label."""
    result = subprocess.run(
        ["docker", "ps", "-aq", "--no-trunc", "--filter", f"label={_docker.OWNER_LABEL}"],
        env={**clean_env(), **env}, capture_output=True, text=True, check=True,
    )
    return result.stdout.split()


def test_docker_is_chosen_when_the_daemon_answers(docker_env):
    result = run_python(REPORT, timeout=180, **docker_env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert f"ready (docker; image {docker_env['TRAINER_POSTGRES_IMAGE']})" in report["status"]
    assert report["database"] == "trainer_lesson"
    assert report["conflict"] == [False, True, True]
    assert report["drained"]["success"] == 1
    # Published on the loopback address only, with a password of our own.
    bindings = report["bindings"]["5432/tcp"]
    assert [b["HostIp"] for b in bindings] == ["127.0.0.1"]
    assert report["password"] != "test" and len(report["password"]) >= 32
    # Stopped and removed when the process ended.
    assert report["container"] not in our_containers(docker_env)


def test_docker_can_be_forced_and_fails_clearly_without_a_daemon():
    result = run_python("from trainer.bootstrap import prepare; prepare()",
                        TRAINER_DATABASE="docker")
    assert result.returncode != 0
    assert ("TRAINER_DATABASE=docker, but Docker is not reachable: no socket at "
            "/nonexistent/docker.sock") in result.stderr


def test_a_container_whose_owner_was_killed_is_removed_at_the_next_start(docker_env):
    code = "import sys\nfrom trainer.bootstrap import prepare\ndb = prepare()\n" \
           "print(db.server.container.get_wrapped_container().id, flush=True)\nsys.stdin.read()"
    with subprocess.Popen([sys.executable, "-c", code], env=clean_env(**docker_env), cwd=ROOT,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as owner:
        assert owner.stdout is not None
        container_id = owner.stdout.readline().strip()
        assert container_id
        owner.kill()
        owner.wait()
    assert container_id in our_containers(docker_env)  # orphaned for now
    result = run_python("from trainer.bootstrap import prepare; print(prepare().backend)",
                        timeout=180, **docker_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "docker"
    assert container_id not in our_containers(docker_env)
