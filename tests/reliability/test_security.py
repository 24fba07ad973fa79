"""Security and the user's data.

- The embedded server listens on no TCP address at all (a Unix socket in a folder only
  its owner may enter); a server started with tcp=True listens on 127.0.0.1 only, with a
  random password. (The Docker path: tests/test_docker.py.)
- Pointed at a server the user already uses (TRAINER_DATABASE_URL), the trainer works in
  a database of its own, `trainer_lesson`, and changes nothing outside it: tables, rows,
  functions and types elsewhere on that server are exactly as they were.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import psutil
import psycopg
import pytest
from psycopg import sql

from tests.conftest import ROOT, clean_env, run_python
from tests.reliability.conftest import LessonServer
from trainer.bootstrap import embedded_server
from trainer.db import DEFAULT_DATABASE_NAME
from trainer.db.servers.embedded import EmbeddedServer


def _listening(pid: int) -> list[str]:
    """The TCP addresses a server process listens on."""
    return sorted({conn.laddr.ip for conn in psutil.Process(pid).net_connections(kind="inet")
                   if conn.status == psutil.CONN_LISTEN})


def test_the_embedded_server_listens_on_no_tcp_address(database):
    server = database.server
    assert isinstance(server, EmbeddedServer) and not server.tcp
    with psycopg.connect(database.conninfo) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
    assert server.pid is not None
    assert _listening(server.pid) == []
    assert server.server_dir.stat().st_mode & 0o077 == 0  # the socket's folder is private


def test_a_tcp_server_listens_on_loopback_only_with_a_random_password(
        lesson_server: LessonServer):
    server = lesson_server.server
    with psycopg.connect(server.conninfo()) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    assert server.pid is not None
    assert _listening(server.pid) == ["127.0.0.1"]
    assert server.password is not None and len(server.password) >= 20
    assert server.password not in ("test", "postgres", "password")
    for password in ("wrong", "test", "postgres", ""):
        bad = psycopg.conninfo.make_conninfo(server.conninfo(), password=password)
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(bad, connect_timeout=5)


# -- the user's own server -----------------------------------------------------------------

@pytest.fixture
def users_server() -> Iterator[EmbeddedServer]:
    """A server the user already uses: a `shop` database with customers and orders of its
    own (a table name the trainer uses too), and a table in `postgres`."""
    server = embedded_server(tcp=True)
    try:
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            # A user's own server: it has never seen the trainer (the embedded template
            # comes with the trainer's database ready).
            conn.execute("DROP DATABASE IF EXISTS trainer_lesson")
            conn.execute("CREATE DATABASE shop")
            conn.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)")
            conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
        with psycopg.connect(server.conninfo("shop"), autocommit=True) as conn:
            conn.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text, "
                         "email text UNIQUE)")
            conn.execute("INSERT INTO customers (name, email) VALUES "
                         "('Ada', 'ada@example.com'), ('Linus', 'linus@example.com')")
            conn.execute("CREATE TABLE orders (id serial PRIMARY KEY, item text)")
            conn.execute("INSERT INTO orders (item) VALUES ('a bicycle')")
        yield server
    finally:
        server.stop()


def _snapshot(server: EmbeddedServer) -> dict[str, Any]:
    """Everything in every database but the trainer's: relations (with the file that
    holds their rows: TRUNCATE or a rewrite changes it), functions, types, and rows."""
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname")]
    found: dict[str, Any] = {"databases": names}
    for name in names:
        if name == DEFAULT_DATABASE_NAME:
            continue
        with psycopg.connect(server.conninfo(name)) as conn:
            system = (["pg_catalog", "information_schema", "pg_toast"],)
            relations = conn.execute(
                "SELECT c.oid::int, n.nspname, c.relname, c.relkind, c.relfilenode::int "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname <> ALL(%s) ORDER BY 2, 3", system).fetchall()
            functions = conn.execute(
                "SELECT p.oid::int, p.proname FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname <> ALL(%s) ORDER BY 2", system).fetchall()
            types = conn.execute(
                "SELECT t.oid::int, t.typname FROM pg_type t "
                "JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname <> ALL(%s) ORDER BY 2", system).fetchall()
            rows = {
                f"{schema}.{table}": conn.execute(
                    sql.SQL("SELECT * FROM {}.{} ORDER BY 1").format(
                        sql.Identifier(schema), sql.Identifier(table))).fetchall()
                for _, schema, table, kind, _ in relations if kind == "r"
            }
        found[name] = {"relations": relations, "functions": functions, "types": types,
                       "rows": rows}
    return found


LESSON = """
import json
from trainer.bootstrap import migrate, prepare
from trainer.course.chowmojo import get_order, insert, refund_order
from trainer.jobs import INFINITY, Oban, Worker
from trainer.db import Repo

prepare()

class Refunder(Worker, max_attempts=1,
               unique={"keys": ["id"], "period": INFINITY, "states": "all"}):
    def perform(self, job):
        return refund_order(get_order(job.args["id"]), job.args["reason"])

oban = Oban()
good, bad = insert("order", total=1000), insert("order", "refund_failure")
for order, reason in ((good, "cold"), (good, "cold again"), (bad, "late")):
    oban.insert(Refunder.new({"id": order.id, "reason": reason}))
oban.insert_all([Refunder.new({"id": n, "reason": "batch"}) for n in range(100, 110)])
drained = oban.drain_queue(queue="default")
retried = oban.retry_all_jobs(state="discarded")
cancelled = oban.cancel_all_jobs()
oban.rescue_orphaned_jobs(after=0)
with Repo.sandbox():
    insert("order")
    oban.insert(Refunder.new({"id": 1, "reason": "in a sandbox"}))
Repo.execute("TRUNCATE oban_jobs, orders, deliveries RESTART IDENTITY")
migrate(Repo)
print(json.dumps({"db": Repo.query("SELECT current_database() AS db")[0]["db"],
                  "drained": drained.as_dict(), "retried": retried, "cancelled": cancelled}))
"""


LESSON_TABLES = ["deliveries", "oban_jobs", "oban_peers", "orders", "restaurants", "reviews",
                 "trainer_migrations", "users"]


def _lesson_tables(server: EmbeddedServer) -> list[str]:
    with psycopg.connect(server.conninfo(DEFAULT_DATABASE_NAME)) as conn:
        return [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def test_the_lesson_leaves_the_users_databases_untouched(users_server):
    before = _snapshot(users_server)
    # The URL names the user's own database: the trainer must not work in it.
    result = run_python(LESSON, timeout=120, TRAINER_DATABASE_URL=users_server.url("shop"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["db"] == DEFAULT_DATABASE_NAME
    assert report["drained"] == {"success": 11, "failure": 0, "discard": 1, "cancelled": 0,
                                 "snoozed": 0}
    assert (report["retried"], report["cancelled"]) == (1, 1)

    after = _snapshot(users_server)
    assert after["databases"] == sorted([*before["databases"], DEFAULT_DATABASE_NAME])
    for name in before["databases"]:
        assert after[name] == before[name], f"database {name!r} was changed"
    assert before["shop"]["rows"]["public.customers"] == [
        (1, "Ada", "ada@example.com"), (2, "Linus", "linus@example.com")]
    assert before["shop"]["rows"]["public.orders"] == [(1, "a bicycle")]
    assert before["postgres"]["rows"]["public.notes"] == [(1, "keep me")]
    # The work happened, in the trainer's own database.
    assert _lesson_tables(users_server) == LESSON_TABLES


@pytest.mark.slow
def test_the_job_suite_leaves_the_users_databases_untouched(users_server):
    """The job-queue and testing-helper suites, run against the user's server."""
    before = _snapshot(users_server)
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         "tests/jobs", "tests/test_testing.py", "tests/reliability/test_bad_input.py"],
        env=clean_env(TRAINER_DATABASE_URL=users_server.url("shop")), cwd=ROOT,
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    after = _snapshot(users_server)
    for name in before["databases"]:
        assert after[name] == before[name], f"database {name!r} was changed"
    assert _lesson_tables(users_server) == LESSON_TABLES
