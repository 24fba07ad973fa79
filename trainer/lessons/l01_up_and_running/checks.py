"""What each self-check looks at, step by step.

Lesson 1 works on a database of the learner's own (`repo = new_database("my_oban")`),
because a running queue works in threads of its own, on connections of its own, and so
never sees inside a test's rolled-back transaction: what it is to run must be committed.

So the checks never run a learner's test on the learner's database, but on a database of
the check's own (see `throwaway`). Teeth lines run the test with a broken Migration, Oban
or Printer under the name the test uses; every instance a run leaves started is stopped,
and said so. What a perform prints is kept out of the report.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable
from typing import Any

from trainer import sqlfiles
from trainer.db.repo import Repo, Repository
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, is_stub
from trainer.grading.teeth import learner_worker, missing_test, unwritten_test
from trainer.jobs import Error, Oban, Worker
from trainer.jobs.migration import Migration
from trainer.lessons.l01_up_and_running.mutants import (
    DOWN_KEEPS_TABLE,
    DOWN_NOTHING,
    FAILING_PRINTER,
    LIMIT_ONE,
    NEVER_RUNS,
    NEVER_STARTS,
    NO_QUEUE,
    STARTS_PAUSED,
    UP_NOTHING,
    Broken,
)
from trainer.lessons.l01_up_and_running.throwaway import Run, check_database, run_once
from trainer.notebook.stubs import YourTurn
from trainer.testing import perform_job

TEST_TABLES = "test_migrations_install_and_remove_the_job_tables"
TEST_INSTANCE = "test_an_instance_runs_the_default_queue"
TEST_QUEUE = "test_check_queue_describes_the_running_queue"
TEST_RUNS = "test_a_running_queue_performs_a_job_by_itself"

COMPLETES_WITHIN = 3.0  # seconds the check's own running queue gets to complete a job


def _sql(name: str) -> str:
    return sqlfiles.load("trainer.lessons.l01_up_and_running", name)


def teeth(ns: Namespace, test_name: str, broken: list[Broken], *, migrated: bool = True,
          fresh_each_run: bool = False, starts: bool = True) -> list[Line]:
    """Does the learner's test pass as it is, and fail against each broken variant?"""
    missing = missing_test(ns, test_name)
    if missing is not None:
        return [missing]
    test: Any = ns[test_name]

    def fresh_run(swaps: dict[str, Any] | None = None) -> Run:
        with check_database(migrated=migrated) as database:
            return run_once(test, database, swaps)

    with check_database(migrated=migrated) as shared:
        def run(swaps: dict[str, Any] | None = None) -> Run:
            return fresh_run(swaps) if fresh_each_run else run_once(test, shared, swaps)

        first = run()
        if is_stub(first.error):
            return [unwritten_test(test_name)]
        lines = []
        if starts:
            lines += _instance_lines(first)
        lines.append(Line(f"Your test `{test_name}` passes", first.error is None, (
            "Read the failure: run the %%ipytest cell to see pytest's full report.",
            "Is it the test, or the code it tests? Each step's hint shows the shape of the test.",
        ), describe(first.error) if first.error else ""))
        if first.error is not None:
            lines.append(Line("Whether your test catches a broken "
                              f"{_whats(broken)} can be judged once it passes", False))
            return lines
        for variant in broken:
            swaps = {variant.name: variant.make(ns.get(variant.name))}
            caught = run(swaps).error is not None
            lines.append(Line(f"Your test catches a {variant.what} with {variant.label}",
                              caught, variant.hints,
                              "" if caught else f"your test passed against that broken "
                                                f"{variant.what}"))
    return lines


def _whats(broken: list[Broken]) -> str:
    whats = list(dict.fromkeys(variant.what for variant in broken))
    return " or ".join(whats) or "variant"


def _instance_lines(first: Run) -> list[Line]:
    lines = []
    if first.repos:
        own = all(isinstance(repo, Repository) and repo is not Repo for repo in first.repos)
        lines.append(Line("Your test starts its Oban on your own database", own, (
            "A running queue never sees inside the test's rolled-back transaction on the "
            "lesson's database: give Oban your database.",
            "`with Oban(repo=repo, queues={'default': 10}) as oban:`, with the `repo` "
            "new_database gave you.",
        ), "" if own else "it used the lesson's database"))
    else:
        lines.append(Line("Your test starts an Oban", False, (
            "The test itself starts the instance it looks at, and stops it again.",
            "`with Oban(repo=repo, queues={'default': 10}) as oban:` starts it, and stops "
            "it at the end of the block.",
        )))
    lines.append(Line("Your test stops every instance it starts", not first.left_running, (
        "An instance left running keeps its queues running after the test; a second start "
        "of the same name is refused.",
        "Start it with `with Oban(...) as oban:`: the block stops it, even when an assert "
        "fails.",
    ), "one was still running after it: the check stopped it" if first.left_running else ""))
    return lines


# -- step 1: the tables ------------------------------------------------------------------

def own_database_lines(ns: Namespace) -> list[Line]:
    repo = ns.get("repo")
    own = isinstance(repo, Repository) and repo is not Repo
    lines = [Line("`repo` is a database of your own", own, (
        "Run the cell that makes it: `repo = new_database('my_oban')`.",
        "`repo` must be what new_database gave you, not the lesson's Repo.",
    ), "" if own or repo is None else f"repo is {repo!r}")]
    if own:
        try:
            version = Migration.migrated_version(repo)
        except Exception as error:  # noqa: BLE001 - a dropped database, say
            version, problem = 0, describe(error)
        else:
            problem = "" if version == 14 else f"its migrated version is {version}"
        lines.append(Line("The job tables are installed in it (version 14)", version == 14, (
            "Run the cell with `Migration.up(repo)` again.",
            "If your test ran `Migration.down(repo)`, it took the tables away: let the test "
            "use a database of its own, `new_database('my_oban_test')`.",
        ), problem))
    return lines


def step_install_tables(ns: Namespace) -> list[Line]:
    return [*own_database_lines(ns),
            *teeth(ns, TEST_TABLES, [UP_NOTHING, DOWN_NOTHING, DOWN_KEEPS_TABLE],
                   migrated=False, fresh_each_run=True, starts=False)]


# -- steps 2 and 3: an instance, its queue --------------------------------------------------

def step_first_instance(ns: Namespace) -> list[Line]:
    return teeth(ns, TEST_INSTANCE, [NEVER_STARTS, NO_QUEUE])


def step_queue_status(ns: Namespace) -> list[Line]:
    return teeth(ns, TEST_QUEUE, [LIMIT_ONE, STARTS_PAUSED])


# -- step 4: a job run by itself ---------------------------------------------------------------

def printer_line(ns: Namespace) -> Line:
    printer = ns.get("Printer")
    ok = isinstance(printer, type) and issubclass(printer, Worker)
    return Line("A worker class named Printer exists", ok, (
        "Define it in the code cell of step 4 and run that cell.",
        "`class Printer(Worker):`, with `def perform(self, job):` printing the job.",
    ), "" if ok or printer is None else f"Printer is {printer!r}, not a Worker class")


def prints_its_job(printer: type[Worker]) -> Line:
    printed = io.StringIO()
    problem = ""
    try:
        with contextlib.redirect_stdout(printed):
            result = perform_job(printer, {"dish": "sesame noodles"})
        if isinstance(result, Error | BaseException):
            problem = f"perform returned {result!r}"
    except YourTurn:
        raise
    except Exception as error:  # noqa: BLE001 - a learner's perform may raise anything
        problem = describe(error)
    text = printed.getvalue()
    if not problem and "sesame noodles" not in text:
        problem = f"it printed {text.strip()[:60]!r}" if text.strip() else "it printed nothing"
    return Line("Printer prints its job, args and all, and succeeds", not problem, (
        "perform gets the job: print it, and return.",
        "`print(job)` shows every field, args included.",
    ), problem)


def completes_by_itself(printer: type[Worker]) -> Line:
    with check_database(migrated=True) as database, \
            contextlib.redirect_stdout(io.StringIO()):
        with Oban(repo=database, queues={"default": 10}, name="l01 self-check") as oban:
            job = oban.insert(printer.new({"dish": "sesame noodles"}))
            state = _wait_for_final_state(lambda: oban.get_job(job))
    done = state == "completed"
    return Line("A Printer job inserted into a running queue completes by itself", done, (
        "A job completes when perform returns without an error.",
        "Print the job and return nothing: `print(job)`.",
    ), "" if done else f"after {COMPLETES_WITHIN:.0f} s it was {state}")


def _wait_for_final_state(read: Callable[[], Any]) -> str:
    deadline = time.monotonic() + COMPLETES_WITHIN
    while True:
        job = read()
        state = job.state.value if job is not None else "gone"
        if state not in ("available", "executing") or time.monotonic() > deadline:
            return state
        time.sleep(0.01)


def step_runs_by_itself(ns: Namespace) -> list[Line]:
    printer = learner_worker(ns, "Printer")
    lines = [printer_line(ns)]
    if printer is None:
        return lines
    lines += [prints_its_job(printer), completes_by_itself(printer)]
    return lines + teeth(ns, TEST_RUNS, [NEVER_RUNS, FAILING_PRINTER])
