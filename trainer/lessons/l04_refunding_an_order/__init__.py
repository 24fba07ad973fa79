"""Lesson 4, refunding an order: unique jobs, at most once, unique across every state,
retrying a discarded job, debouncing with replace."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l04_refunding_an_order import checks

LESSON = Lesson(
    number=4,
    slug="04_refunding_an_order",
    title="Refunding an order",
    steps=(
        Step("worker", checks.step_worker),
        Step("unique_forever", checks.step_unique_forever, (checks.TEST_UNIQUE,)),
        Step("at_most_once", checks.step_at_most_once, (checks.TEST_DISCARDED,)),
        Step("unique_states", checks.step_unique_states, (checks.TEST_DISCARDED,)),
        Step("retry", checks.step_retry, (checks.TEST_RETRY,)),
        Step("debounce", checks.step_debounce, (checks.TEST_DEBOUNCE,)),
    ),
)
