"""Lesson 6, backfilling reviews: many jobs at once with insert_all, priorities, a
recursive backfill, and a monitor that snoozes until its batch is done."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l06_backfilling_reviews import checks

LESSON = Lesson(
    number=6,
    slug="06_backfilling_reviews",
    title="Backfilling reviews",
    teaches="inserting many jobs at once, priorities, recursive jobs, a monitor that "
            "snoozes until a batch (grouped by meta) is done",
    oban="`Oban.insert_all/2`, `priority: 3`, `drain_queue(with_limit:, with_recursion: "
         "true)`, `{:snooze, seconds}`, `meta:`",
    oban_py="`oban.enqueue_many`, `@worker(priority=3)`, "
            "`drain_queue(with_recursion=True)`, `Snooze(5)`, `meta=`",
    steps=(
        Step("sentiment_analyzer", checks.step_analyzer),
        Step("backfill", checks.step_backfill, (checks.TEST_BACKFILL,)),
        Step("backfill_priority", checks.step_priority,
             (checks.TEST_PRIORITY, checks.TEST_FIRST)),
        Step("recursive_backfill", checks.step_recursion, (checks.TEST_RECURSIVE,)),
        Step("backfill_monitor", checks.step_monitor, (checks.TEST_MONITOR,)),
    ),
)
