"""A database of the learner's own, beside the lesson's, on the same server: lesson 1
installs the job tables there itself, so nothing it does touches the lesson database.

Its full name starts with the lesson database's (`trainer_lesson_my_oban`): in a class
sharing one server, each learner's lesson database has a name of its own, and so has
every database a learner makes. No other role may connect to it."""

from __future__ import annotations

import re
import threading

import psycopg
from psycopg import sql

from trainer.db import queries
from trainer.db.connect import connect
from trainer.db.repo import Repo, Repository
from trainer.db.resolve import DEFAULT_DATABASE_NAME, database_name
from trainer.errors import ArgumentError

NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
RESERVED = ("postgres", "template0", "template1")
MAX_IDENTIFIER = 63  # longer names PostgreSQL would cut short, silently

_lock = threading.Lock()
_open: dict[str, Repository] = {}  # name -> the Repository handed out for it


def new_database(name: str) -> Repository:
    """An empty database for `name` on the lesson's server, and a Repository on it.

    Asking again for the same name starts it afresh: the old one, and everything in it,
    is dropped first (its Repository's connections too), so re-running a cell is safe.
    """
    _check_name(name)
    admin = Repo.conninfo
    full = full_name(name)
    if len(full) > MAX_IDENTIFIER:
        raise ArgumentError(f"new_database({name!r}): its full name {full!r} would be longer "
                            f"than PostgreSQL's {MAX_IDENTIFIER} characters; choose a "
                            "shorter name")
    with _lock:
        _forget(name)
        with connect(admin, autocommit=True) as conn:
            identifier = sql.Identifier(full)
            try:
                conn.execute(queries.composed("drop_database", name=identifier))
            except psycopg.errors.InsufficientPrivilege:
                # On a shared server, another learner's database may have this full name.
                raise ArgumentError(f"new_database({name!r}): a database {full!r} exists "
                                    "that belongs to someone else; choose another name, "
                                    "e.g. new_database('my_oban_2')") from None
            conn.execute(queries.composed("create_database", name=identifier))
            conn.execute(queries.composed("close_database", name=identifier))
        repo = Repository(psycopg.conninfo.make_conninfo(admin, dbname=full))
        _open[name] = repo
        return repo


def full_name(name: str) -> str:
    """The name on the server of `new_database(name)`: after the lesson database's."""
    lesson = psycopg.conninfo.conninfo_to_dict(Repo.conninfo).get("dbname") or database_name()
    return f"{lesson}_{name}"


def drop_database(name: str) -> None:
    """Close what `new_database(name)` handed out and drop the database, if it is there."""
    _check_name(name)
    with _lock:
        _forget(name)
        with connect(Repo.conninfo, autocommit=True) as conn:
            conn.execute(queries.composed("drop_database", name=sql.Identifier(full_name(name))))


def _forget(name: str) -> None:
    """Close the Repository handed out for `name`, if any (its connections would hold the
    database open). Called with _lock held."""
    old = _open.pop(name, None)
    if old is not None:
        old.close()


def _check_name(name: object) -> None:
    lesson = database_name()
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ArgumentError(
            f"new_database({name!r}): a name is lower-case letters, digits and underscores, "
            "starting with a letter, at most 40 characters, e.g. new_database('my_oban')")
    if name in (*RESERVED, lesson, DEFAULT_DATABASE_NAME) or name.startswith("trainer_"):
        raise ArgumentError(
            f"new_database({name!r}) would replace a database the trainer or PostgreSQL "
            f"needs; choose a name of your own that does not start with 'trainer_', "
            "e.g. new_database('my_oban')")
