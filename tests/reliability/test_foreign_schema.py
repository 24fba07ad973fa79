"""URL mode on a database the trainer did not make: something of its names already there
(an Oban or oban-py install), or a role that may not create tables. One clear error
naming the database, what was found and what to do; and nothing of theirs is changed."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.conftest import run_python
from trainer.bootstrap import embedded_server
from trainer.db.servers.embedded import EmbeddedServer

PREPARE = "from trainer.bootstrap import prepare\nprint(repr(prepare()))"


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    started = embedded_server(tcp=True)
    try:
        yield started
    finally:
        started.stop()


def _database(server: EmbeddedServer, name: str, setup: str) -> None:
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(server.conninfo(name), autocommit=True) as conn:
        conn.execute(setup)


@pytest.mark.parametrize(("setup", "found"), [
    ("CREATE TABLE oban_jobs (id bigserial PRIMARY KEY, payload text)",
     'relation "oban_jobs" already exists'),
    ("CREATE TYPE oban_job_state AS ENUM ('ready', 'done')",
     'type "oban_job_state" already exists'),
])
def test_a_database_with_tables_of_another_shape_gets_one_clear_error(server, setup, found):
    _database(server, "their_app", setup)
    result = run_python(PREPARE, TRAINER_DATABASE_URL=server.url(),
                        TRAINER_DATABASE_NAME="their_app")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("trainer.errors.ConfigurationError: the database 'their_app'")
    assert found in last and "TRAINER_DATABASE_NAME" in last
    # Theirs, untouched.
    with psycopg.connect(server.conninfo("their_app")) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    assert tables == (["oban_jobs"] if "TABLE" in setup else [])


def test_a_role_that_may_not_create_tables_gets_one_clear_error(server):
    _database(server, "shared", "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute("CREATE ROLE visitor LOGIN PASSWORD 'visitor-secret'")
    url = f"postgresql://visitor:visitor-secret@127.0.0.1:{server.port}/postgres"
    result = run_python(PREPARE, TRAINER_DATABASE_URL=url, TRAINER_DATABASE_NAME="shared")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "may not create its tables in the database 'shared'" in last
    assert "TRAINER_DATABASE_NAME" in last and "visitor-secret" not in result.stderr


def test_the_database_repr_never_shows_the_password(server):
    result = run_python(PREPARE, TRAINER_DATABASE_URL=server.url())
    assert result.returncode == 0, result.stderr
    assert "Database(backend='url'" in result.stdout
    assert server.password is not None and server.password not in result.stdout
