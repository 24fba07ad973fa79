"""A database of the learner's own (lesson 1): made empty on the lesson's server, made
afresh when asked again, never one the trainer needs; the job tables installed there and
taken away again, as Oban's migrations do."""

from __future__ import annotations

import pytest

from trainer.db import Repo
from trainer.db.own_database import new_database
from trainer.errors import ArgumentError
from trainer.jobs import Oban, Worker
from trainer.jobs.migration import Migration

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


class Hello(Worker):
    def perform(self, job):
        return None


def test_a_new_database_is_empty_and_apart_from_the_lessons(database):
    repo = new_database("own_db_test")
    assert repo.query("SELECT current_database() AS db") == [{"db": "trainer_lesson_own_db_test"}]
    assert repo.query(TABLES) == []
    assert Migration.migrated_version(repo) == 0
    assert Migration.migrated_version(Repo) == 14  # the lesson's is untouched


def test_the_job_tables_go_up_at_version_14_and_down_again(database):
    repo = new_database("own_db_test")
    assert "oban_jobs" in Migration.up(repo)
    assert Migration.migrated_version(repo) == 14
    assert Migration.up(repo) == []  # twice is harmless
    tables = [row["tablename"] for row in repo.query(TABLES)]
    assert tables == ["oban_jobs", "oban_peers", "trainer_migrations"]
    oban = Oban(testing="manual", repo=repo)
    oban.insert(Hello.new({}))
    assert oban.drain_queue(queue="default") == {"success": 1}
    assert Migration.down(repo) is True
    assert [row["tablename"] for row in repo.query(TABLES)] == ["trainer_migrations"]
    assert repo.query("SELECT typname FROM pg_type WHERE typname = 'oban_job_state'") == []
    assert Migration.migrated_version(repo) == 0
    assert Migration.down(repo) is False
    assert "oban_jobs" in Migration.up(repo)  # and up again, from nothing


def test_asking_again_starts_afresh(database):
    first = new_database("own_db_test")
    Migration.up(first)
    again = new_database("own_db_test")
    assert Migration.migrated_version(again) == 0
    assert Migration.migrated_version(first) == 0  # the same database, under the old name


@pytest.mark.parametrize(("name", "problem"), [
    ("My DB", "lower-case letters"), ("", "lower-case letters"), (7, "lower-case letters"),
    ("x" * 41, "at most 40"), ("postgres", "would replace"), ("template1", "would replace"),
    ("trainer_lesson", "would replace"), ("trainer_mine", "does not start with 'trainer_'"),
])
def test_names_that_are_not_allowed_are_refused_and_nothing_is_dropped(database, name, problem):
    with pytest.raises(ArgumentError, match=problem):
        new_database(name)
    assert Migration.migrated_version(Repo) == 14


def test_down_never_runs_on_the_lesson_database_and_versions_are_checked(database):
    with pytest.raises(ArgumentError, match="never run on the lesson's database"):
        Migration.down(Repo)
    assert Migration.migrated_version(Repo) == 14
    repo = new_database("own_db_test")
    with pytest.raises(ArgumentError, match=r"version=12\): .* version=14 \(install"):
        Migration.up(repo, version=12)
    with pytest.raises(ArgumentError, match=r"version=1 \(remove everything\)"):
        Migration.down(repo, version=3)
    with pytest.raises(ArgumentError, match="must be a Repository"):
        Migration.up("postgresql://elsewhere")  # type: ignore[arg-type]
    assert Migration.migrated_version(repo) == 0
