"""Workers for the reliability tier, importable by name from any process.

A job names its worker `tests.reliability.workers.<Class>`, so a child process that
drains the queue finds the class by importing this module. `perform` records every
execution in `reliability_runs`, a table of the tests' own (see `RUNS_TABLE`), before
doing its work: a job that ran twice leaves two rows.
"""

from __future__ import annotations

import os
import time

from trainer.course.chowmojo import get_order, refund_order
from trainer.db import Repo
from trainer.jobs import INFINITY, Worker

RUNS_TABLE = """
CREATE TABLE IF NOT EXISTS reliability_runs (
    job_id   bigint NOT NULL,
    order_id bigint,
    attempt  integer NOT NULL,
    pid      integer NOT NULL
)
"""

# Every job that was ever stored, logged by a trigger: proof that a duplicate never
# existed, even for a moment.
INSERT_LOG = """
CREATE TABLE IF NOT EXISTS reliability_inserted (job_id bigint NOT NULL, order_id text);
CREATE OR REPLACE FUNCTION reliability_log_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reliability_inserted (job_id, order_id) VALUES (NEW.id, NEW.args ->> 'id');
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER reliability_log_insert AFTER INSERT ON oban_jobs
    FOR EACH ROW EXECUTE FUNCTION reliability_log_insert();
"""


def record_run(job_id: int | None, order_id: object, attempt: int) -> None:
    Repo.execute(
        "INSERT INTO reliability_runs (job_id, order_id, attempt, pid) VALUES (%s, %s, %s, %s)",
        (job_id, order_id, attempt, os.getpid()),
    )


class LoadRefunder(Worker, max_attempts=1,
                   unique={"keys": ["id"], "period": INFINITY, "states": "all"}):
    """The lesson's at-most-once refund: unique per order forever, one attempt."""

    def perform(self, job):
        record_run(job.id, job.args["id"], job.attempt)
        return refund_order(get_order(job.args["id"]), job.args["reason"])


class SlowRefunder(Worker, queue="slow"):
    """Records its run, then hangs on its first attempt when args say so (to be killed)."""

    def perform(self, job):
        record_run(job.id, job.args.get("id"), job.attempt)
        if job.args.get("hang") and job.attempt == 1:
            time.sleep(600)
        return None


class SteadyRefunder(Worker, queue="steady", max_attempts=1):
    """An at-most-once job that records its run and takes a moment (to be killed among)."""

    def perform(self, job):
        record_run(job.id, job.args.get("id"), job.attempt)
        time.sleep(0.002)
        return None


class SteadyUnique(SteadyRefunder, unique={"keys": ["id"], "period": INFINITY,
                                           "states": "all"}):
    """SteadyRefunder, one job per id ever."""
