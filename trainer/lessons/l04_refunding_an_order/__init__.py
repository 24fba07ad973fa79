"""Lesson 4, refunding an order: unique jobs, at most once, unique across every state,
retrying a discarded job, debouncing with replace."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l04_refunding_an_order import checks

LESSON = Lesson(
    number=4,
    slug="04_refunding_an_order",
    title="Refunding an order",
    teaches="unique jobs (keys, period, states), at most once, retrying by hand, "
            "debouncing with replace",
    oban="`unique: [keys:, period: :infinity, states:]`, `max_attempts: 1`, "
         "`Oban.retry_job/2`, `replace: [scheduled: [:scheduled_at]]`",
    oban_py="`@worker(max_attempts=1)`, `retry_job`; unique jobs and replace are in the paid "
            "edition (Pro) only",
    steps=(
        Step("worker", checks.step_worker),
        Step("unique_forever", checks.step_unique_forever, (checks.TEST_UNIQUE,)),
        Step("at_most_once", checks.step_at_most_once, (checks.TEST_DISCARDED,)),
        Step("unique_states", checks.step_unique_states, (checks.TEST_DISCARDED,)),
        Step("retry", checks.step_retry, (checks.TEST_RETRY,)),
        Step("debounce", checks.step_debounce, (checks.TEST_DEBOUNCE,)),
    ),
)
