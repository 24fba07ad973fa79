"""Per-learner isolation on one shared server, with real roles: each learner's login
reaches their own database only; provisioning twice changes nothing; dropping removes
what provisioning made and nothing else; a learner's kernel finds its own database."""

from __future__ import annotations

import json
import stat

import psycopg
import pytest
from psycopg import sql

from tests.conftest import run_python
from trainer.classroom.__main__ import main
from trainer.classroom.names import identifier
from trainer.classroom.provision import MARKER, _as_url, drop, provision
from trainer.db.connect import connect
from trainer.errors import ArgumentError, ConfigurationError


def _logins(path):
    return json.loads(path.read_text())


def _connect(url: str, **changes: str) -> psycopg.Connection:
    return psycopg.connect(psycopg.conninfo.make_conninfo(url, **changes), connect_timeout=5)


def test_each_learner_reaches_their_own_database_and_nothing_else(shared_server, tmp_path,
                                                                  capsys):
    secrets = tmp_path / "class.json"
    assert main(["provision", "--learners", "alice,bob", "--admin-url", shared_server.url(),
                 "--secrets", str(secrets)]) == 0
    printed = capsys.readouterr().out
    logins = _logins(secrets)
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert sorted(logins) == ["alice", "bob"]
    for learner in logins.values():
        assert learner["password"] not in printed and len(learner["password"]) >= 24
    alice, bob = logins["alice"], logins["bob"]
    with _connect(alice["url"]) as conn:
        assert conn.execute("SELECT current_user, current_database()").fetchone() == (
            "trainer_alice", "trainer_alice")
        conn.execute("CREATE TABLE notes (body text)")  # it is alice's to build in
    # Bob's database, and the administrator's, are not alice's.
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        _connect(alice["url"], dbname="trainer_bob")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _connect(bob["url"], password=alice["password"])
    with connect(shared_server.url(), autocommit=True) as admin:
        admin.execute("CREATE TABLE IF NOT EXISTS instructor_notes (body text)")
    with _connect(alice["url"], dbname="postgres") as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM instructor_notes")
    with _connect(alice["url"]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("CREATE ROLE sneaky")


def test_provisioning_twice_is_harmless_and_foreign_names_are_left_alone(shared_server,
                                                                         tmp_path):
    secrets = tmp_path / "class.json"
    [(first, what)] = provision(shared_server.url(), ["carol"], secrets)
    assert what == "role made, database made"
    [(again, what)] = provision(shared_server.url(), ["carol"], secrets)
    assert what == "already there, kept" and again.password == first.password
    with _connect(first.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    # A role of that name that provisioning did not make is never taken over.
    with connect(shared_server.url(), autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS trainer_dave")
        admin.execute("CREATE ROLE trainer_dave")
    with pytest.raises(ConfigurationError, match="'trainer_dave' exists that provisioning"):
        provision(shared_server.url(), ["dave"], secrets)
    assert "dave" not in _logins(secrets)
    # A lost secrets file: the role is kept, with a new password that works.
    secrets.unlink()
    [(lost, what)] = provision(shared_server.url(), ["carol"], secrets)
    assert what == "new password" and lost.password != first.password
    with _connect(lost.url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("trainer_carol",)


def test_dropping_removes_what_provisioning_made_and_nothing_else(shared_server, tmp_path):
    secrets = tmp_path / "class.json"
    [(erin, _), _] = provision(shared_server.url(), ["erin", "frank"], secrets)
    with _connect(erin.url) as conn:  # lesson 1: a database of erin's own
        conn.autocommit = True
        conn.execute("CREATE DATABASE trainer_erin_my_oban")
    with connect(shared_server.url(), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS keep_me")
        admin.execute("CREATE DATABASE keep_me")
    assert drop(shared_server.url(), ["erin"], secrets) == [
        "database trainer_erin", "database trainer_erin_my_oban (the learner's own)",
        "role trainer_erin"]
    assert sorted(_logins(secrets)) == ["frank"]
    with connect(shared_server.url()) as admin:
        databases = {row[0] for row in admin.execute("SELECT datname FROM pg_database")}
        roles = {row[0] for row in admin.execute("SELECT rolname FROM pg_roles")}
    assert {"keep_me", "trainer_frank", "postgres"} <= databases
    assert "trainer_erin" not in databases and "trainer_erin" not in roles
    assert drop(shared_server.url(), ["erin"], secrets) == []  # twice: nothing left to do
    assert "role trainer_frank" in drop(shared_server.url(), None, secrets)


@pytest.mark.parametrize(("argv", "problem"), [
    (["provision", "--learners", ""], "at least one name"),
    (["provision", "--learners", "9lives"], "starts with a letter"),
    (["provision", "--learners", "ann.lee,ann-lee"], "would share the database"),
])
def test_bad_learner_names_are_refused_before_anything_is_made(shared_server, tmp_path, argv,
                                                               problem, capsys):
    secrets = tmp_path / "class.json"
    assert main([*argv, "--admin-url", shared_server.url(), "--secrets", str(secrets)]) == 1
    assert problem in capsys.readouterr().err
    assert not secrets.exists()


def test_without_an_administrators_url_it_says_what_is_needed(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TRAINER_ADMIN_URL", raising=False)
    assert main(["provision", "--learners", "alice", "--secrets", str(tmp_path / "s")]) == 1
    assert "--admin-url postgresql://" in capsys.readouterr().err
    with pytest.raises(ArgumentError, match="a learner's name is a non-empty string"):
        identifier("   ")


LESSON_KERNEL = """
from trainer.bootstrap import prepare
from trainer.db import Repo
from trainer.db.own_database import new_database
database = prepare()
print(database.status_line())
print(Repo.query("SELECT current_user AS me, current_database() AS db")[0])
mine = new_database("my_oban")
print(mine.query("SELECT current_database() AS db")[0])
"""


def test_a_learners_kernel_uses_their_own_database_as_their_own_role(shared_server, tmp_path):
    secrets = tmp_path / "class.json"
    provision(shared_server.url(), ["gina", "hal"], secrets)
    done = run_python(LESSON_KERNEL, TRAINER_LEARNER="gina",
                      TRAINER_CLASSROOM_FILE=str(secrets))
    assert done.returncode == 0, done.stderr
    assert "learner gina's own database" in done.stdout
    assert "{'me': 'trainer_gina', 'db': 'trainer_gina'}" in done.stdout
    assert "{'db': 'trainer_gina_my_oban'}" in done.stdout
    # Hal may not reach what gina made.
    hal = _logins(secrets)["hal"]
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        _connect(hal["url"], dbname="trainer_gina_my_oban")
    # A learner the class does not know is told whom to ask.
    unknown = run_python(LESSON_KERNEL, JUPYTERHUB_USER="ivy",
                         TRAINER_CLASSROOM_FILE=str(secrets))
    assert unknown.returncode != 0
    assert "no login for learner 'ivy'" in unknown.stderr
    assert "provision --learners ivy" in unknown.stderr


def test_a_learner_cannot_plant_a_database_for_one_provisioned_later(shared_server, tmp_path,
                                                                      capsys):
    secrets = tmp_path / "class.json"
    [(ivy, _)] = provision(shared_server.url(), ["ivy"], secrets)
    with _connect(ivy.url) as conn:  # ivy may make databases, and mark her own
        conn.autocommit = True
        conn.execute("CREATE DATABASE trainer_jon")
        conn.execute(sql.SQL("COMMENT ON DATABASE trainer_jon IS {}").format(sql.Literal(MARKER)))
    assert main(["provision", "--learners", "jon", "--admin-url", shared_server.url(),
                 "--secrets", str(secrets)]) == 1
    assert "'trainer_jon' exists that provisioning did not make (owner 'trainer_ivy')" \
        in capsys.readouterr().err
    assert "jon" not in _logins(secrets)
    with connect(shared_server.url()) as admin:  # refused before anything was made
        assert admin.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'trainer_jon'"
                             ).fetchone() == (0,)
    # Nor is ivy's database taken for jon's when dropping: it goes with ivy, as hers.
    assert drop(shared_server.url(), ["ivy", "jon"], secrets) == [
        "database trainer_ivy", "database trainer_jon (the learner's own)", "role trainer_ivy"]
    with connect(shared_server.url()) as admin:
        assert admin.execute("SELECT count(*) FROM pg_database WHERE datname LIKE "
                             "'trainer_j%'").fetchone() == (0,)


def test_an_administrator_without_the_rights_gets_one_clear_error(shared_server, tmp_path,
                                                                   capsys):
    with connect(shared_server.url(), autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS weak_admin")
        admin.execute("CREATE ROLE weak_admin LOGIN PASSWORD 'weak-admin-pw'")
    weak = psycopg.conninfo.make_conninfo(shared_server.url(), user="weak_admin",
                                          password="weak-admin-pw")
    secrets = tmp_path / "class.json"
    assert main(["provision", "--learners", "kim", "--admin-url", weak,
                 "--secrets", str(secrets)]) == 1
    said = capsys.readouterr().err
    assert "the server refused: permission denied to create role" in said
    assert "needs CREATEROLE and CREATEDB" in said and "Traceback" not in said
    assert not secrets.exists()


@pytest.mark.parametrize(("admin", "expected"), [
    ("postgresql://admin:s@db.example.org:5432/postgres?sslmode=require",
     {"host": "db.example.org", "port": "5432", "sslmode": "require"}),
    ("host=::1 port=5433 user=admin dbname=postgres", {"host": "::1", "port": "5433"}),
    ("host='/run/my pg' port=5433 user=admin dbname=postgres options='-c search_path=x'",
     {"host": "/run/my pg", "port": "5433", "options": "-c search_path=x"}),
    ("user=admin dbname=postgres", {}),
])
def test_a_learners_url_keeps_the_administrators_settings_but_the_login(admin, expected):
    conninfo = psycopg.conninfo.make_conninfo(admin, user="trainer_lu", password="p/w:@ x",
                                              dbname="trainer_lu")
    url = _as_url(conninfo)
    assert url.startswith("postgresql://")
    assert psycopg.conninfo.conninfo_to_dict(url) == {
        "user": "trainer_lu", "password": "p/w:@ x", "dbname": "trainer_lu", **expected}
