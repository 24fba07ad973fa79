"""A learner's way through the exercises: a different but correct solution passes
everything; broken workers and weak tests each get the cross they deserve."""

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

EXERCISES = exercises(lesson(4))

PERFORM = '''
    def perform(self, job):
        args = job.args
        result = refund_order(get_order(args["id"]), args["reason"])
        return result
'''
EVERY_STATE = ('["suspended", "scheduled", "available", "executing", "retryable", '
               '"completed", "discarded", "cancelled"]')
STEP2 = 'class Refunder(Worker, unique={"keys": ["id"], "period": INFINITY, ' \
        '"fields": ["worker", "queue", "args"]}):' + PERFORM
STEP3 = 'class Refunder(Worker, unique={"keys": ["id"], "period": INFINITY}, ' \
        'max_attempts=1):' + PERFORM
STEP4 = ('class Refunder(Worker, max_attempts=1, unique={"keys": ["id"], '
         f'"period": INFINITY, "states": {EVERY_STATE}}}):' + PERFORM)
STEP6 = ('class Refunder(Worker, max_attempts=1, replace={"scheduled": ["scheduled_at", "args"]},'
         f' unique={{"keys": ["id"], "period": INFINITY, "states": {EVERY_STATE}}}):\n'
         '    @classmethod\n'
         '    def new(cls, args, **options):\n'
         '        return super().new(args, **{"schedule_in": 600, **options})\n' + PERFORM)

TEST2 = '''%%ipytest

def test_only_one_refund_job_per_order(oban):
    for reason in ("It was awful", "I said it was awful"):
        oban.insert(Refunder.new({"id": 7, "reason": reason}))
    [job] = all_enqueued(worker=Refunder)
    assert job.args["id"] == 7
'''
TEST3 = '''%%ipytest

def test_failed_refund_attempts_are_discarded(oban, insert):
    order = insert("order", total=99)
    oban.insert(Refunder.new({"id": order.id, "reason": "Nope"}))
    result = oban.drain_queue(queue="default")
    assert (result.discard, result.success, result.failure) == (1, 0, 0)
'''
TEST4 = TEST3 + '''    again = oban.insert(Refunder.new({"id": order.id, "reason": "Again"}))
    assert again.conflict
    refute_enqueued(worker=Refunder)
'''
TEST5 = '''%%ipytest

def test_discarded_refunds_can_be_retried(oban, insert):
    order = insert("order", total=99)
    oban.insert(Refunder.new({"id": order.id, "reason": "Down"}))
    assert oban.drain_queue(queue="default").discard == 1
    assert oban.retry_all_jobs(worker=Refunder, state="discarded") == 1
    [job] = oban.list_jobs(worker=Refunder)
    assert job.state == "available" and job.max_attempts == 2 and job.attempt == 1
    assert job.errors and job.discarded_at is None
    assert oban.drain_queue(queue="default").discard == 1
'''
TEST6 = '''%%ipytest

def test_refunds_are_debounced(oban):
    first = oban.insert(Refunder.new({"id": 3, "reason": "Late"}, schedule_in=30))
    oban.insert(Refunder.new({"id": 3, "reason": "Late and cold"}))
    job = oban.get_job(first)
    assert (job.scheduled_at - utcnow()).total_seconds() > 590
    assert job.args["reason"] == "Late and cold"
'''

CORRECT = ["class Refunder(Worker):" + PERFORM, STEP2, TEST2, STEP3, TEST3, STEP4, TEST4,
           TEST5, STEP6, TEST6]


def test_a_different_correct_solution_passes_every_test_and_check():
    cells = run(replace_code(read(EXERCISES), CORRECT))
    assert_every_cell_passes(cells)


# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    ("class Refunder(Worker):" + PERFORM, "unique_forever",
     "Two refunds for one order (different reasons) leave one job"),
    ('class Refunder(Worker, unique={"period": INFINITY}):' + PERFORM, "unique_forever",
     "Two refunds for one order (different reasons) leave one job"),
    ('class Refunder(Worker, unique={"keys": ["id"]}):' + PERFORM, "unique_forever",
     "A refund asked for a year ago still blocks a new one"),
    (STEP2, "at_most_once", "A failed refund is discarded at once, never retried"),
    (STEP3, "unique_states", "After a refund is discarded, no second refund can be enqueued"),
    (STEP4, "debounce", "Every refund is scheduled 10 minutes ahead"),
    (STEP6.replace('replace={"scheduled": ["scheduled_at", "args"]},', ""), "debounce",
     "A second request pushes the pending refund 10 minutes out again"),
    # Weak tests: they pass on a broken Refunder, so they would not catch the bug.
    (STEP4 + "\n" + TEST2.replace("%%ipytest", "").replace(
        '("It was awful", "I said it was awful")', '("Same", "Same")'),
     "unique_forever", "Your test catches a Refunder with uniqueness on every arg"),
    (STEP4 + "\n" + '''
def test_only_one_refund_job_per_order(oban):
    oban.insert(Refunder.new({"id": 7, "reason": "It was awful"}))
    assert len(all_enqueued(worker=Refunder)) == 1
''', "unique_forever", "Your test catches a Refunder with no uniqueness at all"),
    (STEP4 + "\n" + '''
def test_failed_refund_attempts_are_discarded(oban, insert):
    order = insert("order", "refund_failure")
    oban.insert(Refunder.new({"id": order.id, "reason": "Nope"}))
    assert oban.drain_queue(queue="default").success == 0
''', "at_most_once", "Your test catches a Refunder with max_attempts 20"),
    (STEP4 + "\n" + TEST3.replace("%%ipytest", ""), "unique_states",
     "Your test catches a Refunder with the default unique states"),
    (STEP4 + "\n" + '''
def test_discarded_refunds_can_be_retried(oban, insert):
    order = insert("order", "refund_failure")
    job = oban.insert(Refunder.new({"id": order.id, "reason": "Down"}))
    oban.drain_queue(queue="default")
    oban.retry_job(job)
    assert oban.get_job(job).discarded_at is None
''', "retry", "Your test catches a Refunder with max_attempts 20"),
    # A retry test that never retries: it passes against every broken retry.
    (STEP4 + "\n" + '''
def test_discarded_refunds_can_be_retried(oban, insert):
    order = insert("order", "refund_failure")
    oban.insert(Refunder.new({"id": order.id, "reason": "Down"}))
    assert oban.drain_queue(queue="default").discard == 1
''', "retry", "Your test catches a job queue with a retry that resets the attempt count"),
    (STEP4 + "\n" + '''
def test_discarded_refunds_can_be_retried(oban, insert):
    order = insert("order", "refund_failure")
    job = oban.insert(Refunder.new({"id": order.id, "reason": "Down"}))
    oban.drain_queue(queue="default")
    oban.retry_job(job)
    assert oban.get_job(job).state == "available"
''', "retry", "Your test catches a job queue with a retry that gives no attempt more"),
    (STEP4 + "\n" + TEST5.replace("%%ipytest", "").replace(
        "    assert job.errors and job.discarded_at is None\n", ""),
     "retry", "Your test catches a job queue with a retry that keeps discarded_at"),
    # A test that fails against the learner's own (right) worker: nothing else is judged.
    (STEP4 + "\n" + TEST3.replace("%%ipytest", "").replace("(1, 0, 0)", "(0, 1, 0)"),
     "at_most_once", "Whether your test catches a broken Refunder can be judged once it "
     "passes against yours"),
    (STEP6 + "\n" + '''
def test_refunds_are_debounced(oban):
    first = oban.insert(Refunder.new({"id": 3, "reason": "Late"}, schedule_in=30))
    second = oban.insert(Refunder.new({"id": 3, "reason": "Late and cold"}))
    assert second.id == first.id
''', "debounce", "Your test catches a Refunder with no replace"),
]


def test_each_mistake_gets_a_cross_on_the_matching_line():
    assert_each_mistake_crossed(run(mistakes_notebook(EXERCISES, MISTAKES)), MISTAKES)


def test_a_failing_test_gets_no_tick_for_catching_anything():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    failing = STEP4 + "\n" + TEST3.replace("%%ipytest", "").replace("(1, 0, 0)", "(0, 1, 0)")
    cells = run(nbformat.v4.new_notebook(cells=[setup, new_code_cell(failing),
                                                new_code_cell('check("at_most_once")')]))
    text = cells[-1].text
    assert "✗ Your test `test_failed_refund_attempts_are_discarded` passes against your " \
           "Refunder" in text
    assert "Your test catches" not in text  # no verdict, tick or cross, on broken Refunders
    assert "✗ Whether your test catches a broken Refunder can be judged once it passes" in text


def test_a_check_run_in_a_fresh_kernel_says_to_run_the_cells_above():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    cells = run(nbformat.v4.new_notebook(cells=[setup, new_code_cell('check("at_most_once")')]))
    text = cells[-1].text
    assert "✗ The cells above this one have run in this kernel" in text
    assert "Run › Run All Above" in text
    assert "you are close" not in text and "0 of " in text


def test_hints_escalate_and_never_give_the_whole_answer_at_once():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    mistake = new_code_cell("class Refunder(Worker):" + PERFORM)
    checks = [new_code_cell('check("unique_forever")') for _ in range(3)]
    cells = run(nbformat.v4.new_notebook(cells=[setup, mistake, *checks]))
    first, second, third = (cell.text for cell in cells[2:])
    assert "Hint 1:" in first and "Hint 2:" not in first and "bigger hint" in first
    assert "Hint 2:" in second
    assert "solutions/04_refunding_an_order.ipynb" in third
    assert "solutions/" not in first


def _lines(text: str, mark: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith(mark)]


def test_each_cross_names_its_actual_cause():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    keys_forgotten = 'class Refunder(Worker, unique={"period": INFINITY}):' + PERFORM
    counts_nothing = STEP4 + '''
def test_only_one_refund_job_per_order(oban):
    for reason in ("It was awful", "I said it was awful"):
        oban.insert(Refunder.new({"id": 7, "reason": reason}))
    assert oban.list_jobs(worker=Refunder)
'''
    never_refutes = STEP4 + TEST3.replace("%%ipytest", "") + \
        '''    oban.insert(Refunder.new({"id": order.id, "reason": "Again"}))
'''
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(keys_forgotten), new_code_cell('check("unique_forever")'),
        new_code_cell(counts_nothing), new_code_cell('check("unique_forever")'),
        new_code_cell(never_refutes), new_code_cell('check("unique_states")'),
    ]))
    keys, counting, refuting = (cell.text for cell in cells if cell.kind == "check")
    # The period is right: only the keys are wrong, and the hint says so.
    assert "✓ A refund asked for a year ago still blocks a new one" in keys
    assert _lines(keys, "✗")[0] == "✗ Two refunds for one order (different reasons) leave one job"
    assert not [line for line in _lines(keys, "✗") if "year ago" in line]
    assert "the reason counts too" in keys and "Set the unique period" not in keys
    # The test already uses two reasons: the hint is about what it does not check.
    assert "✗ Your test catches a Refunder with uniqueness on every arg, reason included" \
        in counting
    assert "Now check what was stored" in counting and "different reasons, as two" \
        not in counting
    # The test already inserts again after the drain: the hint is about refuting.
    assert "✗ Your test catches a Refunder with the default unique states" in refuting
    assert "Now check what waits" in refuting
    assert "After the drain, insert another refund" not in refuting


def test_an_earlier_steps_check_still_finds_its_test_after_later_test_cells_ran():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(STEP2), new_code_cell(TEST2), new_code_cell(STEP3),
        new_code_cell(TEST3), new_code_cell('check("unique_forever")'),
    ]))
    text = cells[-1].text
    assert "Your test `test_only_one_refund_job_per_order` exists" not in text
    assert "✓ Your test `test_only_one_refund_job_per_order` passes against your Refunder" in text


def test_the_debounce_hints_code_works_with_the_lessons_own_test():
    from trainer.lessons.l04_refunding_an_order.checks import DEBOUNCED_NEW

    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    method = DEBOUNCED_NEW.replace("@classmethod def new", "@classmethod\n    def new") \
        .replace("): return", "):\n        return")
    refunder = ('class Refunder(Worker, max_attempts=1, replace={"scheduled": '
                '["scheduled_at", "args"]}, unique={"keys": ["id"], "period": INFINITY, '
                f'"states": {EVERY_STATE}}}):\n    {method}\n' + PERFORM)
    cells = run(nbformat.v4.new_notebook(cells=[setup, new_code_cell(refunder),
                                                new_code_cell(TEST6),
                                                new_code_cell('check("debounce")')]))
    test_cell, check_cell = cells[-2], cells[-1]
    assert " passed" in test_cell.text and "failed" not in test_cell.text, test_cell.text
    assert "✗" not in check_cell.text, check_cell.text


def test_times_in_messages_never_read_in_minus_zero_and_never_leak_the_checks_own_clock():
    from trainer.lessons.l04_refunding_an_order.checks import _due

    assert (_due(-0.3), _due(0.4), _due(29.6), _due(-5.2)) == (
        "due now", "due now", "due in 30 s", "due 5 s ago")
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    no_replace = STEP6.replace('replace={"scheduled": ["scheduled_at", "args"]},', "")
    cells = run(nbformat.v4.new_notebook(cells=[setup, new_code_cell(no_replace),
                                                new_code_cell('check("debounce")')]))
    text = cells[-1].text
    assert "left the pending refund due when the first one had set it" in text
    assert "due in 60 s" not in text and "-0 s" not in text
