"""What each self-check of lesson 5 looks at, step by step.

Behaviour lines run the learner's code against the real database, in a transaction that
is rolled back. Teeth lines run the learner's own tests against broken variants: of their
workers, of their configuration or count (swapped in under the same name), or of the job
queue itself. A test that still passes would not catch that bug, and gets a cross.
"""

from __future__ import annotations

from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.teeth import Mutant, learner_worker
from trainer.grading.teeth import teeth as learner_test_teeth
from trainer.lessons.l05_delivering_a_daily_digest.behaviour import (
    configures,
    counts_by_state,
    delivers_digests,
)
from trainer.lessons.l05_delivering_a_daily_digest.common import (
    digest_line,
    in_email_queue,
    swap_teeth,
    worker_line,
)
from trainer.lessons.l05_delivering_a_daily_digest.fan_out import fans_out, retries_one_restaurant
from trainer.lessons.l05_delivering_a_daily_digest.mutants import (
    ALL_IN_ONE_JOB,
    CONFIG_MUTANTS,
    CONTROL_MUTANTS,
    COUNT_MUTANTS,
    FIRST_ONLY,
    INACTIVE_TOO,
    LAX_VALIDATION,
    SENDS_NOTHING,
    SUB_JOB_SENDS_ALL,
)

TEST_DIGEST = "test_digest_goes_to_every_active_restaurant"
TEST_CONFIG = "test_the_digest_configuration_is_valid"
TEST_BAD_CONFIG = "test_a_bad_configuration_is_refused"
TEST_COUNT = "test_counting_the_email_jobs_by_state"
TEST_CONTROL = "test_the_email_queue_can_be_paused_resumed_stopped_and_started"
TEST_FAN_OUT = "test_the_digest_fans_out_one_job_per_restaurant"


def teeth(ns: Namespace, test_name: str, worker: str, broken: list[Mutant]) -> list[Line]:
    return learner_test_teeth(ns, test_name, worker, broken)


# -- the steps -------------------------------------------------------------------------------

def step_worker(ns: Namespace) -> list[Line]:
    digest = learner_worker(ns, "DailyDigest")
    return [digest_line(ns), *([in_email_queue(digest)] if digest else []),
            *delivers_digests(ns),
            *teeth(ns, TEST_DIGEST, "DailyDigest", [SENDS_NOTHING, FIRST_ONLY, INACTIVE_TOO])]


def step_config(ns: Namespace) -> list[Line]:
    return [digest_line(ns), *configures(ns),
            *swap_teeth(ns, TEST_CONFIG, "digest_config", CONFIG_MUTANTS),
            *teeth(ns, TEST_BAD_CONFIG, "DailyDigest", [LAX_VALIDATION])]


def step_count(ns: Namespace) -> list[Line]:
    return [*counts_by_state(ns), *swap_teeth(ns, TEST_COUNT, "jobs_by_state", COUNT_MUTANTS)]


def step_queue_control(ns: Namespace) -> list[Line]:
    return [digest_line(ns), *teeth(ns, TEST_CONTROL, "DailyDigest", CONTROL_MUTANTS)]


def step_fan_out(ns: Namespace) -> list[Line]:
    single = learner_worker(ns, "RestaurantDigest")
    lines = [digest_line(ns), worker_line(ns, "RestaurantDigest", (
        "Define it in the code cell of this step, beside DailyDigest, and run that cell.",
        "`class RestaurantDigest(Worker, queue=\"email\"):` with a perform of its own.",
    ))]
    if single is not None:
        lines.append(in_email_queue(single))
    lines += [*fans_out(ns), *retries_one_restaurant(ns),
              *teeth(ns, TEST_FAN_OUT, "DailyDigest", [ALL_IN_ONE_JOB])]
    # The same test against a broken RestaurantDigest: only its verdict on that is new.
    lines += [line for line in teeth(ns, TEST_FAN_OUT, "RestaurantDigest", [SUB_JOB_SENDS_ALL])
              if line.label.startswith("Your test catches")]
    return lines
