"""Fixtures of the reliability tier: a dedicated server, and children pointed at it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, clean_env
from tests.reliability.workers import INSERT_LOG, RUNS_TABLE
from trainer.bootstrap import embedded_server, migrate
from trainer.db import DEFAULT_DATABASE_NAME, Repository, ensure_database
from trainer.db.servers.embedded import EmbeddedServer


@dataclass
class LessonServer:
    """A server of its own for one test (127.0.0.1, random password), migrated."""

    server: EmbeddedServer
    repo: Repository  # on its trainer_lesson database, outside any sandbox

    @property
    def url(self) -> str:
        return self.server.url()

    def child(self, role: str, log: Path, **options: Any) -> subprocess.Popen[str]:
        """Start `python -m tests.reliability.child ROLE` pointed at this server."""
        with log.open("w") as stderr:
            return subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.child", role, json.dumps(options)],
                env=clean_env(TRAINER_DATABASE_URL=self.url), cwd=ROOT, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
            )


@pytest.fixture
def lesson_server() -> Iterator[LessonServer]:
    server = embedded_server(tcp=True)
    repo = None
    try:
        repo = Repository(ensure_database(server.conninfo(), DEFAULT_DATABASE_NAME))
        migrate(repo)
        repo.execute(RUNS_TABLE)
        repo.execute(INSERT_LOG)
        yield LessonServer(server=server, repo=repo)
    finally:
        if repo is not None:
            repo.close()
        server.stop()


def read_line(child: subprocess.Popen[str], log: Path) -> Any:
    """The child's next JSON line; a clear failure (with its stderr) when it died."""
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:
        child.wait(timeout=30)
        raise AssertionError(f"child exited ({child.returncode}) early:\n{log.read_text()}")
    return json.loads(line)


def stop(children: list[subprocess.Popen[str]]) -> None:
    """Kill what is still running and collect every child: nothing is left behind."""
    for child in children:
        if child.poll() is None:
            child.kill()
    for child in children:
        child.wait(timeout=30)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
