"""Lesson 2, signing up: a welcome email in the background, testing modes (inline and
manual), a follow-up scheduled a day later, enqueuing in the user's own transaction."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l02_signing_up import checks

LESSON = Lesson(
    number=2,
    slug="02_signing_up",
    title="Signing up",
    teaches="a first worker with its own queue, only ids in args, inline and manual "
            "testing modes, scheduling a day ahead, enqueuing inside a transaction",
    oban="`use Oban.Worker, queue: :email`, `Oban.insert/1`, `testing: :inline | :manual`, "
         "`with_testing_mode/2`, `assert_enqueued`, `schedule_in: {1, :day}`, "
         "`Ecto.Multi` with `Oban.insert/3`",
    oban_py="`@worker(queue=\"email\")`, `oban.enqueue`, `testing.mode(\"inline\")`, "
            "`assert_enqueued`, `schedule_in=timedelta(days=1)`, enqueuing in a transaction",
    steps=(
        Step("welcome_worker", checks.step_welcome_worker),
        Step("inline_sign_up", checks.step_inline_sign_up, (checks.TEST_INLINE,)),
        Step("manual_sign_up", checks.step_manual_sign_up, (checks.TEST_MANUAL,)),
        Step("follow_up_email", checks.step_follow_up_email, (checks.TEST_FOLLOW_UP,)),
        Step("sign_up_transaction", checks.step_sign_up_transaction, (checks.TEST_ROLLBACK,)),
    ),
)
