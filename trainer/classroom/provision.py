"""Provisioning a class on a shared server, as its administrator: per learner, a login
role with a random password and a database it owns that no other role may connect to.

Both are marked with a comment, so `drop` removes what provisioning made and nothing
else, and provisioning again is harmless: what exists is kept, passwords included. The
passwords go to a secrets file only its owner may read (0600), never to the screen.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from trainer import sqlfiles
from trainer.classroom.credentials import read_logins
from trainer.classroom.names import identifier
from trainer.db.connect import connect
from trainer.errors import ArgumentError, ConfigurationError

MARKER = "chowmojo-trainer classroom learner"


def _sql(name: str, **parts: Any) -> sql.Composed | str:
    text = sqlfiles.load("trainer.classroom", name)
    return sql.SQL(text).format(**parts) if parts else text  # type: ignore[arg-type]


@dataclass(frozen=True)
class Learner:
    name: str
    role: str
    database: str
    password: str
    url: str  # the learner's own login, to the learner's own database

    def as_json(self) -> dict[str, str]:
        return {"role": self.role, "database": self.database, "password": self.password,
                "url": self.url}


@contextmanager
def _admin(admin_url: str) -> Iterator[psycopg.Connection]:
    with connect(admin_url, autocommit=True) as conn:
        yield conn


def load_secrets(path: Path) -> dict[str, dict[str, str]]:
    return read_logins(path) if path.exists() else {}


def save_secrets(path: Path, learners: dict[str, dict[str, str]]) -> None:
    """Written to a new file made 0600 before anything is in it, then moved in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp: a new file of a name nobody could have made first, 0600 from the start.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(learners, out, indent=1, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def provision(admin_url: str, learners: Iterable[str], secrets_file: Path
              ) -> list[tuple[Learner, str]]:
    """Each learner's role and database, made when missing; (learner, what was done)."""
    known = load_secrets(secrets_file)
    done: list[tuple[Learner, str]] = []
    with _admin(admin_url) as conn:
        for name in learners:
            learner, what = _provision_one(conn, admin_url, name, known.get(name))
            known[name] = learner.as_json()
            done.append((learner, what))
            save_secrets(secrets_file, known)  # after each: an interruption loses nothing
    return done


def _provision_one(conn: psycopg.Connection, admin_url: str, name: str,
                   saved: dict[str, str] | None) -> tuple[Learner, str]:
    key = identifier(name)
    role, database = sql.Identifier(key), sql.Identifier(key)
    marker = sql.Literal(MARKER)
    found_role = conn.execute(_sql("role_exists"), {"role": key}).fetchone()
    if found_role is not None and found_role[1] != MARKER:
        raise ConfigurationError(f"a role {key!r} exists that provisioning did not make: "
                                 "it is left alone; rename the learner or drop it yourself")
    found_db = conn.execute(_sql("database_exists"), {"database": key}).fetchone()
    if found_db is not None and (found_db[1] != MARKER or found_db[2] != key):
        raise ConfigurationError(f"a database {key!r} exists that provisioning did not "
                                 f"make (owner {found_db[2]!r}): it is left alone; rename "
                                 "the learner or drop it yourself")
    # Both looked at before anything is made: a refusal leaves nothing half-made.
    password = saved.get("password") if saved and found_role is not None else None
    did = []
    if found_role is None:
        password = secrets.token_urlsafe(24)
        conn.execute(_sql("create_role", role=role, password=sql.Literal(password)))
        conn.execute(_sql("mark_role", role=role, marker=marker))
        did.append("role made")
    elif password is None:  # the role is ours but its password was lost: a new one
        password = secrets.token_urlsafe(24)
        conn.execute(_sql("set_password", role=role, password=sql.Literal(password)))
        did.append("new password")
    if found_db is None:
        conn.execute(_sql("create_database", database=database, role=role))
        conn.execute(_sql("mark_database", database=database, marker=marker))
        did.append("database made")
    conn.execute(_sql("close_database", database=database))  # again: a grant may have crept in
    assert password is not None
    url = psycopg.conninfo.make_conninfo(admin_url, user=key, password=password, dbname=key)
    return (Learner(name, key, key, password, _as_url(url)),
            ", ".join(did) or "already there, kept")


def _as_url(conninfo: str) -> str:
    """A postgresql:// URL of a conninfo (the form TRAINER_DATABASE_URL takes), keeping
    every setting of the administrator's (sslmode and the like) but the login."""
    from urllib.parse import quote, urlencode

    parts = {k: str(v) for k, v in psycopg.conninfo.conninfo_to_dict(conninfo).items()}
    netloc = f"{quote(parts.pop('user'), safe='')}:{quote(parts.pop('password'), safe='')}@"
    database = quote(parts.pop("dbname"), safe="")
    host = parts.pop("host", "")
    if host and not host.startswith("/") and "," not in host:
        # A name or address goes before the path (IPv6 in brackets); no host at all means
        # libpq's own default, and a socket folder or a list of hosts goes in the query.
        port = parts.pop("port", "")
        netloc += (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    elif host:
        parts["host"] = host
    query = f"?{urlencode(parts, quote_via=quote)}" if parts else ""  # a space as %20, never +
    return f"postgresql://{netloc}/{database}{query}"


def drop(admin_url: str, learners: Iterable[str] | None, secrets_file: Path) -> list[str]:
    """Remove the learners' databases and roles (all provisioned ones when `learners` is
    None), and only those provisioning made; what was removed."""
    known = load_secrets(secrets_file)
    removed: list[str] = []
    gone: set[str] = set()  # learners whose role and database are both gone
    try:
        with _admin(admin_url) as conn:
            made = {(kind, name) for kind, name in conn.execute(_sql("provisioned"),
                                                                {"marker": MARKER})}
            keys = ([identifier(name) for name in learners] if learners is not None
                    else sorted({name for _, name in made}))
            for key in keys:
                _drop_one(conn, key, made, removed)
                gone.add(key)
    finally:  # even when the server refused one: the file keeps only who is left
        left = {name: login for name, login in known.items() if identifier(name) not in gone}
        if secrets_file.exists() and left != known:
            save_secrets(secrets_file, left)
    return removed


def _drop_one(conn: psycopg.Connection, key: str, made: set[tuple[str, str]],
              removed: list[str]) -> None:
    if ("database", key) in made:
        conn.execute(_sql("drop_database", database=sql.Identifier(key)))
        removed.append(f"database {key}")
    if ("role", key) in made:
        for (owned,) in conn.execute(_sql("owned_databases"), {"role": key}).fetchall():
            conn.execute(_sql("drop_database", database=sql.Identifier(owned)))
            removed.append(f"database {owned} (the learner's own)")
        conn.execute(_sql("drop_owned", role=sql.Identifier(key)))
        conn.execute(_sql("drop_role", role=sql.Identifier(key)))
        removed.append(f"role {key}")


def check_admin_url(url: str | None) -> str:
    if not url:
        raise ArgumentError("the administrator's URL is needed: --admin-url "
                            "postgresql://admin:secret@host:5432/postgres, or "
                            "TRAINER_ADMIN_URL")
    return url
