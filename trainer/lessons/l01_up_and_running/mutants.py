"""The broken variants lesson 1's teeth checks run the learner's tests against: broken
migrations, broken instances, and a Printer that fails. Each is given to the learner's
test under the name it uses (Migration, Oban, Printer) while the test runs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from trainer import sqlfiles
from trainer.db.repo import Repository
from trainer.grading.mutants import variant
from trainer.jobs import Job, Oban, Worker
from trainer.jobs.migration import Migration


def _sql(name: str) -> str:
    return sqlfiles.load("trainer.lessons.l01_up_and_running", name)


@dataclass(frozen=True)
class Broken:
    """One broken variant: `name` is what the learner's test calls it by, `make` builds
    the variant from what that name holds in the notebook."""

    label: str
    what: str  # "migration", "job queue", "Printer": said in the check's line
    hints: tuple[str, ...]
    name: str
    make: Any  # Callable[[Any], Any]


# -- migrations -------------------------------------------------------------------------

class UpInstallsNothing(Migration):
    @staticmethod
    def up(repo: Repository | None = None, *, version: int = 14) -> list[str]:
        return []


class DownLeavesEverything(Migration):
    @staticmethod
    def down(repo: Repository, *, version: int = 1) -> bool:
        return True


class DownLeavesTheTable(Migration):
    @staticmethod
    def down(repo: Repository, *, version: int = 1) -> bool:
        repo.execute(_sql("uninstall_all_but_the_table"))
        return True


UP_NOTHING = Broken("an up that installs nothing", "migration", (
    "After Migration.up, check that the table is really there.",
    "Ask PostgreSQL: `repo.query(\"SELECT to_regclass('oban_jobs') AS t\")` gives "
    "`[{'t': 'oban_jobs'}]` when it is; or check `Migration.migrated_version(repo) == 14`.",
), "Migration", lambda _: UpInstallsNothing)
DOWN_NOTHING = Broken("a down that removes nothing", "migration", (
    "Run Migration.down too, and check what it left.",
    "After `Migration.down(repo)`, `assert Migration.migrated_version(repo) == 0`.",
), "Migration", lambda _: DownLeavesEverything)
DOWN_KEEPS_TABLE = Broken("a down that forgets the version but leaves oban_jobs", "migration", (
    "The version number can say 0 while a table is still there: after down, look at the "
    "table itself.",
    "`assert repo.query(\"SELECT to_regclass('oban_jobs') AS t\") == [{'t': None}]`.",
), "Migration", lambda _: DownLeavesTheTable)


# -- instances --------------------------------------------------------------------------

class NeverStarts(Oban):
    """start() does nothing: no queue ever runs."""

    def start(self) -> Oban:
        return self


class _StartsOtherQueues(Oban):
    """Starts with other queues than configured; `config` still shows the configured ones."""

    def _queues_run(self, configured: tuple[Any, ...]) -> tuple[Any, ...]:
        raise NotImplementedError

    def start(self) -> Oban:
        configured = self.queues
        self.queues = self._queues_run(configured)
        try:
            return super().start()
        finally:
            self.queues = configured


class RunsNoQueue(_StartsOtherQueues):
    def _queues_run(self, configured: tuple[Any, ...]) -> tuple[Any, ...]:
        return ()


class LimitOne(_StartsOtherQueues):
    def _queues_run(self, configured: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(replace(queue, limit=1) for queue in configured)


class StartsPaused(_StartsOtherQueues):
    def _queues_run(self, configured: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(replace(queue, paused=True) for queue in configured)


NEVER_STARTS = Broken("an instance that never starts", "job queue", (
    "oban.config only says what you asked for. Check that the queue really runs.",
    "`assert oban.check_queue(queue='default') is not None`: it fails when nothing runs.",
), "Oban", lambda _: NeverStarts)
NO_QUEUE = Broken("an instance that runs no queue", "job queue", (
    "A started instance may still run no queue: ask it about the default queue.",
    "`assert oban.check_queue(queue='default') is not None`.",
), "Oban", lambda _: RunsNoQueue)
LIMIT_ONE = Broken("a queue that runs one job at a time, whatever you asked", "job queue", (
    "Compare what the running queue reports with what you configured.",
    "`assert oban.check_queue(queue='default')['limit'] == 10`.",
), "Oban", lambda _: LimitOne)
STARTS_PAUSED = Broken("a queue that starts paused", "job queue", (
    "A paused queue runs nothing: check the running queue is not paused.",
    "`assert oban.check_queue(queue='default')['paused'] is False`.",
), "Oban", lambda _: StartsPaused)
NEVER_RUNS = Broken("an instance that never starts its queues", "job queue", (
    "Let the running queue do the work: insert, then wait for the job to complete, "
    "with no drain.",
    "Poll `oban.get_job(job).state` until it has left 'available' and 'executing' or a "
    "deadline a second away has passed, then assert it is 'completed'.",
), "Oban", lambda _: NeverStarts)


def _failing(printer: type[Worker]) -> type[Worker]:
    broken = variant(printer)

    def perform(self: Worker, job: Job) -> Any:
        raise RuntimeError("the printer is out of paper")

    broken.perform = perform  # type: ignore[method-assign]
    return broken


FAILING_PRINTER = Broken("a perform that fails", "Printer", (
    "A job that has run is not always a job that succeeded: check the state it ends in.",
    "Wait for a final state, then `assert oban.get_job(job).state == 'completed'`.",
), "Printer", _failing)
