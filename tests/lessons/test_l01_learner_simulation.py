"""A learner's way through lesson 1: a different but correct solution passes everything;
weak tests, a wrong Printer and a test on the wrong database each get the cross they
deserve; and a check leaves nothing behind."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell

from tests.notebook_runner import (
    assert_each_mistake_crossed,
    assert_every_cell_passes,
    exercises,
    mistakes_notebook,
    read,
    replace_code,
    run,
)
from trainer.lessons import lesson

EXERCISES = exercises(lesson(1))

TEST_TABLES = '''%%ipytest

def tables(db):
    return {row["tablename"] for row in db.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_migrations_install_and_remove_the_job_tables():
    db = new_database("lesson_one_scratch")
    assert Migration.migrated_version(db) == 0
    Migration.up(db)
    assert Migration.migrated_version(db) == 14
    assert {"oban_jobs", "oban_peers"} <= tables(db)
    assert Migration.down(db) is True
    assert Migration.migrated_version(db) == 0
    assert "oban_jobs" not in tables(db)
'''
TEST_INSTANCE = '''%%ipytest

def test_an_instance_runs_the_default_queue():
    oban = Oban(repo=repo, queues={"default": 10}).start()
    try:
        assert oban.config["queues"]["default"]["limit"] == 10
        assert oban.check_queue(queue="default")["queue"] == "default"
    finally:
        oban.stop()
'''
TEST_QUEUE = '''%%ipytest

def test_check_queue_describes_the_running_queue():
    with Oban(repo=repo, queues={"default": 10}) as oban:
        status = oban.check_queue(queue="default")
        assert (status["limit"], status["paused"], status["running"]) == (10, False, [])
        assert status["node"] == oban.node and status["started_at"]
'''
PRINTER = '''class Printer(Worker):
    def perform(self, job):
        print("Printing job", job.id, "with", job.args)
        return "printed"
'''
TEST_RUNS = '''%%ipytest
import time


def wait_until_done(oban, job, seconds=3):
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        current = oban.get_job(job)
        if current.state.value not in ("available", "executing"):
            return current
        time.sleep(0.02)
    return oban.get_job(job)


def test_a_running_queue_performs_a_job_by_itself():
    with Oban(repo=repo, queues={"default": 10}) as oban:
        job = oban.insert(Printer.new({"dish": "mapo tofu"}))
        done = wait_until_done(oban, job)
    assert done.state == "completed"
    assert done.attempt == 1
'''
CORRECT = [TEST_TABLES, TEST_INSTANCE, TEST_QUEUE, PRINTER, TEST_RUNS]


def test_a_different_correct_solution_passes_every_test_and_check():
    assert_every_cell_passes(run(replace_code(read(EXERCISES), CORRECT)))


def _test(source: str) -> str:
    return source.replace("%%ipytest", "")


SET_UP = 'repo = new_database("my_oban")\nMigration.up(repo)\n'
WAIT = '''
import time


def test_a_running_queue_performs_a_job_by_itself():
    with Oban(repo=repo, queues={"default": 10}) as oban:
        job = oban.insert(Printer.new({"dish": "mapo tofu"}))
        ends = time.monotonic() + 2
        while oban.get_job(job).state in ("available", "executing") and time.monotonic() < ends:
            time.sleep(0.01)
        assert oban.get_job(job).state == "completed"
'''

# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    # Weak migration tests.
    ('''
def test_migrations_install_and_remove_the_job_tables():
    db = new_database("my_oban_test")
    Migration.up(db)
    assert Migration.migrated_version(db) == 14
''', "install_tables", "Your test catches a migration with a down that removes nothing"),
    ('''
def test_migrations_install_and_remove_the_job_tables():
    db = new_database("my_oban_test")
    Migration.up(db)
    assert Migration.migrated_version(db) == 14
    Migration.down(db)
    assert Migration.migrated_version(db) == 0
''', "install_tables",
     "Your test catches a migration with a down that forgets the version but leaves oban_jobs"),
    ('''
def test_migrations_install_and_remove_the_job_tables():
    db = new_database("my_oban_test")
    Migration.up(db)
    Migration.down(db)
    assert db.query("SELECT to_regclass('oban_jobs')::text AS t") == [{"t": None}]
''', "install_tables", "Your test catches a migration with an up that installs nothing"),
    # Went down in a cell and never came back up: the next steps would have no tables.
    (_test(TEST_TABLES) + "\nMigration.down(repo)\n", "install_tables",
     "The job tables are installed in it (version 14)"),
    # Weak instance tests.
    ('''
def test_an_instance_runs_the_default_queue():
    with Oban(repo=repo, queues={"default": 10}) as oban:
        assert oban.config["queues"] == {"default": {"limit": 10, "paused": False}}
''', "first_instance", "Your test catches a job queue with an instance that never starts"),
    ('''
def test_an_instance_runs_the_default_queue():
    with Oban(queues={"default": 10}) as oban:
        assert oban.check_queue(queue="default") is not None
''', "first_instance", "Your test starts its Oban on your own database"),
    ('''
def test_an_instance_runs_the_default_queue():
    oban = Oban(repo=repo, queues={"default": 10}).start()
    assert oban.check_queue(queue="default") is not None
''', "first_instance", "Your test stops every instance it starts"),
    ('''
def test_check_queue_describes_the_running_queue():
    with Oban(repo=repo, queues={"default": 10}) as oban:
        status = oban.check_queue(queue="default")
    assert status["paused"] is False and status["running"] == []
''', "queue_status",
     "Your test catches a job queue with a queue that runs one job at a time, whatever you asked"),
    ('''
def test_check_queue_describes_the_running_queue():
    with Oban(repo=repo, queues={"default": 10}) as oban:
        status = oban.check_queue(queue="default")
    assert status["limit"] == 10
''', "queue_status", "Your test catches a job queue with a queue that starts paused"),
    # Wrong Printers.
    (PRINTER.replace('"Printing job", job.id, "with", job.args', '"printing"'),
     "runs_by_itself", "Printer prints its job, args and all, and succeeds"),
    (PRINTER.replace('return "printed"', 'return Error("out of paper")'),
     "runs_by_itself", "A Printer job inserted into a running queue completes by itself"),
    # Weak running-queue tests: a drain does the queue's work, a wait that accepts failure.
    (PRINTER + '''
def test_a_running_queue_performs_a_job_by_itself():
    oban = Oban(repo=repo, testing="manual")
    job = oban.insert(Printer.new({"dish": "mapo tofu"}))
    oban.drain_queue(queue="default")
    assert oban.get_job(job).state == "completed"
''', "runs_by_itself",
     "Your test catches a job queue with an instance that never starts its queues"),
    (PRINTER + WAIT.replace('assert oban.get_job(job).state == "completed"',
                            'assert oban.get_job(job).state != "available"'),
     "runs_by_itself", "Your test catches a Printer with a perform that fails"),
    # On the lesson's database the queue never sees the test's job.
    (PRINTER + WAIT.replace("Oban(repo=repo, ", "Oban("), "runs_by_itself",
     "Your test starts its Oban on your own database"),
]


def test_each_mistake_gets_a_cross_on_the_matching_line():
    cells = run(mistakes_notebook(EXERCISES, MISTAKES, prefix=SET_UP))
    assert_each_mistake_crossed(cells, MISTAKES)


def test_a_check_leaves_no_job_no_database_and_no_instance_behind():
    """...and stops only what it started: the learner's own running instance carries on."""
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    count = "len(Oban(repo=repo).list_jobs())"
    mine = "mine = Oban(repo=repo, queues={'default': 1}, name='Mine')\nmine.start()\n"
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(SET_UP + PRINTER + _test(TEST_RUNS) + mine
                             + f"before = {count}"),
        new_code_cell('check("runs_by_itself")'),
        new_code_cell("from trainer.db import queries\n"
                      "from trainer.db.own_database import full_name\n"
                      "from trainer.jobs.runtime.instance import started\n"
                      f"print('jobs', before, {count})\n"
                      "print('instances', len(started()))\n"
                      "print('database', Repo.query(queries.load('database_exists'), "
                      "{'name': full_name('l01_self_check')}))"),
    ]))
    assert "✗" not in cells[2].text and "Printing job" not in cells[2].text, cells[2].text
    assert not cells[3].error, cells[3].error
    assert cells[3].text.split("\n")[:3] == ["jobs 0 0", "instances 1", "database []"]


def test_a_stub_test_and_a_missing_test_are_told_apart():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    stub = _test(TEST_QUEUE).split("    with")[0] + "    your_turn('later')\n"
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(SET_UP), new_code_cell('check("first_instance")'),
        new_code_cell(stub), new_code_cell('check("queue_status")'),
    ]))
    missing, stubbed = cells[2].text, cells[4].text
    assert "✗ Your test `test_an_instance_runs_the_default_queue` exists" in missing
    assert "✗ Your test `test_check_queue_describes_the_running_queue` is written" in stubbed
