"""Lesson 3, placing an order: what perform returns (Error, Snooze, Cancel), how each is
recorded, a custom backoff and a timeout."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l03_placing_an_order import checks

LESSON = Lesson(
    number=3,
    slug="03_placing_an_order",
    title="Placing an order",
    teaches="what perform returns: errors that retry, snoozes, cancels; a custom backoff "
            "and a timeout",
    oban="`{:error, reason}`, `{:snooze, 10}`, `{:cancel, reason}`, `backoff/1`, "
         "`timeout/1`, `perform_job/3`",
    oban_py="raise (or return an Exception), `Snooze(10)`, `Cancel(reason)`, a worker's "
            "`backoff(self, job)`, `process_job` (no timeout)",
    steps=(
        Step("notify", checks.step_notify, (checks.TEST_NOTIFY,)),
        Step("notify_error", checks.step_notify_error, (checks.TEST_ERROR,)),
        Step("notify_snooze", checks.step_notify_snooze, (checks.TEST_SNOOZE,)),
        Step("notify_cancel", checks.step_notify_cancel, (checks.TEST_CANCEL,)),
        Step("notify_backoff", checks.step_notify_backoff, (checks.TEST_BACKOFF,)),
        Step("notify_timeout", checks.step_notify_timeout, (checks.TEST_TIMEOUT,)),
    ),
)
