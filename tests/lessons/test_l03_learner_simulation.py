"""A learner's way through lesson 3: a different but correct solution passes everything;
broken notifiers and weak tests each get the cross they deserve."""

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

EXERCISES = exercises(lesson(3))

# perform written another way: a match on the answer, the Error keeping the whole answer.
PERFORM = '''
    def perform(self, job):
        order = get_order(job.args["id"])
        if order.dispatched_at:
            return Cancel("already dispatched")
        answer = notify_restaurant(order)
        match answer:
            case (503, _):
                return Error(answer)
            case (429, _):
                return Snooze(10)
        return answer
'''
HEAD = 'class RestaurantNotifier(Worker, queue="notifications"):'
# The other steps' perform, each as it would be written at that step.
PERFORM1 = '''
    def perform(self, job):
        return notify_restaurant(get_order(job.args["id"]))
'''
PERFORM2 = '''
    def perform(self, job):
        status, body = notify_restaurant(get_order(job.args["id"]))
        return Error((status, body)) if status >= 500 else (status, body)
'''
PERFORM3 = '''
    def perform(self, job):
        status, body = notify_restaurant(get_order(job.args["id"]))
        if status == 429:
            return Snooze(10)
        return Error((status, body)) if status >= 500 else (status, body)
'''
BACKOFF = '''
    def backoff(self, job):
        return 3 * job.attempt + 2
'''
TIMEOUT = '''
    def timeout(self, job):
        return timedelta(milliseconds=300)
'''
STEP1, STEP2, STEP3 = HEAD + PERFORM1, HEAD + PERFORM2, HEAD + PERFORM3
STEP4 = HEAD + PERFORM
STEP5 = HEAD + BACKOFF + PERFORM
STEP6 = HEAD + TIMEOUT + BACKOFF + PERFORM

TEST1 = '''%%ipytest

def test_notifying_a_restaurant_of_an_order(insert):
    order = insert("order", total=2500)
    status, body = perform_job(RestaurantNotifier, {"id": order.id})
    assert (status, body) == (200, "ok")
'''
TEST2 = '''%%ipytest

def test_an_unavailable_restaurant_is_retried(oban, insert):
    order = insert("order", "unavailable")
    result = perform_job(RestaurantNotifier, {"id": order.id})
    assert isinstance(result, Error)
    assert result.reason[0] == 503
    oban.insert(RestaurantNotifier.new({"id": order.id}))
    drained = oban.drain_queue(queue="notifications")
    assert drained.failure == 1 and drained.discard == 0
    [job] = oban.list_jobs(worker=RestaurantNotifier, state="retryable")
    assert job.attempt == 1 and len(job.errors) == 1
'''
TEST3 = '''%%ipytest

def test_a_rate_limited_notification_snoozes(oban, insert):
    order = insert("order", "rate_limited")
    assert perform_job(RestaurantNotifier, {"id": order.id}) == Snooze(10)
    job = oban.insert(RestaurantNotifier.new({"id": order.id}))
    assert oban.drain_queue(queue="notifications").snoozed == 1
    job = assert_enqueued(worker=RestaurantNotifier, state="scheduled", scheduled_in=10)
    assert job.attempt == 0 and job.meta["snoozed"] == 1
'''
TEST4 = '''%%ipytest

def test_a_dispatched_order_is_cancelled(oban, insert):
    order = insert("order", "unavailable", dispatched_at=utcnow())
    assert perform_job(RestaurantNotifier, {"id": order.id}) == Cancel("already dispatched")
    oban.insert(RestaurantNotifier.new({"id": order.id}))
    assert oban.drain_queue(queue="notifications") == {"cancelled": 1, "failure": 0,
                                                       "success": 0}
    refute_enqueued(worker=RestaurantNotifier)
'''
TEST5 = '''%%ipytest

def test_notifications_are_retried_soon():
    notifier = RestaurantNotifier()
    for attempt, wait in [(1, 5), (2, 8), (3, 11), (10, 32)]:
        assert notifier.backoff(build_job(RestaurantNotifier, {"id": 9}, attempt=attempt)) == wait
'''
TEST6 = '''%%ipytest
import pytest

def test_a_hanging_notification_times_out(insert):
    order = insert("order", "hangs")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="timed out"):
        perform_job(RestaurantNotifier, {"id": order.id})
    assert time.monotonic() - started < 1
'''
TEST6 = TEST6.replace("%%ipytest\n", "%%ipytest\nimport time\n")

CORRECT = [STEP1, TEST1, STEP2, TEST2, STEP3, TEST3, STEP4, TEST4, STEP5, TEST5,
           STEP6, TEST6]


def test_a_different_correct_solution_passes_every_test_and_check():
    cells = run(replace_code(read(EXERCISES), CORRECT))
    assert_every_cell_passes(cells)


def _test(source: str) -> str:
    return source.replace("%%ipytest", "")


# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    # Wrong notifiers.
    ("class RestaurantNotifier(Worker):" + PERFORM1, "notify",
     "Its jobs go to the notifications queue"),
    (HEAD + '''
    def perform(self, job):
        notify_restaurant(get_order(job.args["id"]))
''', "notify", "Notifying the restaurant of an ordinary order succeeds, with its answer"),
    (STEP1, "notify_error", "A 503 from the restaurant's service becomes Error((503, body))"),
    (HEAD + '''
    def perform(self, job):
        status, body = notify_restaurant(get_order(job.args["id"]))
        if status == 503:
            raise RuntimeError(body)
        return status, body
''', "notify_error", "A 503 from the restaurant's service becomes Error((503, body))"),
    ('class RestaurantNotifier(Worker, queue="notifications", max_attempts=1):' + PERFORM2,
     "notify_error", "A drained notification that got a 503 is retryable, its error recorded"),
    (STEP3.replace("Snooze(10)", "Snooze(60)"), "notify_snooze",
     "A 429 from the restaurant's service becomes Snooze(10)"),
    (STEP2, "notify_snooze",
     "A drained notification that got a 429 runs again in 10 s, its attempt given back"),
    (STEP3, "notify_cancel", "An order already dispatched becomes Cancel('already dispatched')"),
    (HEAD + '''
    def perform(self, job):
        order = get_order(job.args["id"])
        status, body = notify_restaurant(order)
        if status == 503:
            return Error((status, body))
        if order.dispatched_at is not None:
            return Cancel("already dispatched")
        return Snooze(10) if status == 429 else (status, body)
''', "notify_cancel",
     "A dispatched order is cancelled even when the service is down (checked before notifying)"),
    (STEP4, "notify_backoff", "Each wait is longer than the one before by the same step (linear)"),
    (HEAD + "\n    def backoff(self, job):\n        return 10\n" + PERFORM, "notify_backoff",
     "Each wait is longer than the one before by the same step (linear)"),
    (HEAD + "\n    def backoff(self, job):\n        return 60 * job.attempt\n" + PERFORM,
     "notify_backoff", "No wait is longer than 5 minutes, even at the last attempt"),
    (HEAD + "\n    def backoff(self, job):\n        return job.attempt / 2\n" + PERFORM,
     "notify_backoff", "backoff(job) gives a whole number of seconds after every attempt"),
    (STEP5, "notify_timeout", "timeout(job) sets a limit"),
    (HEAD + "\n    def timeout(self, job):\n        return 3\n" + BACKOFF + PERFORM,
     "notify_timeout", "The limit is short: a second at most"),
    (HEAD + "\n    def timeout(self, job):\n        return 0.000001\n" + BACKOFF + PERFORM,
     "notify_timeout", "An ordinary notification still finishes within the limit"),
    # Weak tests: they pass on a broken notifier, so they would not catch the bug.
    (STEP1 + '''
def test_notifying_a_restaurant_of_an_order(insert):
    perform_job(RestaurantNotifier, {"id": insert("order").id})
''', "notify", "Your test catches a RestaurantNotifier with a notifier that fails every order"),
    (STEP4 + '''
def test_an_unavailable_restaurant_is_retried(oban, insert):
    order = insert("order")
    assert perform_job(RestaurantNotifier, {"id": order.id}) == (200, "ok")
''', "notify_error",
     "Your test catches a RestaurantNotifier with a notifier that ignores what the restaurant "
     "answered"),
    (STEP4 + '''
def test_an_unavailable_restaurant_is_retried(oban, insert):
    job = oban.insert(RestaurantNotifier.new({"id": insert("order", "unavailable").id}))
    assert oban.drain_queue(queue="notifications") == {"failure": 1}
    assert oban.get_job(job).state == "retryable"
''', "notify_error",
     "Your test catches a RestaurantNotifier with a notifier that raises instead of returning "
     "Error"),
    (STEP4 + '''
def test_an_unavailable_restaurant_is_retried(oban, insert):
    order = insert("order", "unavailable")
    assert isinstance(perform_job(RestaurantNotifier, {"id": order.id}), Error)
''', "notify_error",
     "Your test catches a RestaurantNotifier with a notifier that gives up after one attempt"),
    (STEP4 + '''
def test_a_rate_limited_notification_snoozes(oban, insert):
    oban.insert(RestaurantNotifier.new({"id": insert("order", "rate_limited").id}))
    assert oban.drain_queue(queue="notifications") == {"snoozed": 1}
''', "notify_snooze",
     "Your test catches a RestaurantNotifier with a snooze of 60 seconds, not 10"),
    (STEP4 + '''
def test_a_rate_limited_notification_snoozes(oban, insert):
    order = insert("order", "rate_limited")
    assert perform_job(RestaurantNotifier, {"id": order.id}) != (200, "ok")
''', "notify_snooze",
     "Your test catches a RestaurantNotifier with an Error instead of a Snooze for a 429"),
    (STEP4 + '''
def test_a_dispatched_order_is_cancelled(oban, insert):
    order = insert("order")
    assert perform_job(RestaurantNotifier, {"id": order.id}) == (200, "ok")
''', "notify_cancel",
     "Your test catches a RestaurantNotifier with no Cancel for a dispatched order"),
    (STEP4 + '''
def test_a_dispatched_order_is_cancelled(oban, insert):
    order = insert("order", dispatched_at=utcnow())
    assert perform_job(RestaurantNotifier, {"id": order.id}) != (200, "ok")
''', "notify_cancel",
     "Your test catches a RestaurantNotifier with an Error instead of a Cancel"),
    (STEP5 + '''
def test_notifications_are_retried_soon():
    job = build_job(RestaurantNotifier, {"id": 1}, attempt=1)
    assert RestaurantNotifier().backoff(job) == 5
''', "notify_backoff",
     "Your test catches a RestaurantNotifier with the same backoff after every attempt"),
    (STEP5 + '''
def test_notifications_are_retried_soon():
    waits = [RestaurantNotifier().backoff(build_job(RestaurantNotifier, {"id": 1}, attempt=n))
             for n in (1, 2, 3)]
    assert waits == sorted(waits) and waits[0] < waits[-1]
''', "notify_backoff", "Your test catches a RestaurantNotifier with Oban's default backoff"),
    (STEP6 + '''
def test_a_hanging_notification_times_out(insert):
    assert perform_job(RestaurantNotifier, {"id": insert("order").id}) == (200, "ok")
''', "notify_timeout", "Your test catches a RestaurantNotifier with no timeout"),
    # A test that fails against the learner's own (right) notifier: nothing else is judged.
    (STEP4 + _test(TEST4).replace('"cancelled": 1', '"cancelled": 2'), "notify_cancel",
     "Whether your test catches a broken RestaurantNotifier can be judged once it passes "
     "against yours"),
]


def test_each_mistake_gets_a_cross_on_the_matching_line():
    assert_each_mistake_crossed(run(mistakes_notebook(EXERCISES, MISTAKES)), MISTAKES)


def test_a_pytest_raises_that_does_not_raise_is_a_caught_bug_not_a_crash():
    # pytest.raises' "DID NOT RAISE" is a BaseException: the check must count it as the
    # learner's test failing against the broken notifier, not stop with it.
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(STEP6), new_code_cell(TEST6), new_code_cell('check("notify_timeout")'),
    ]))
    check = cells[-1]
    assert not check.error, check.error
    assert "✓ Your test catches a RestaurantNotifier with no timeout" in check.text, check.text


def test_a_missing_timeout_is_reported_without_waiting_out_the_hang():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    hangs_test = STEP5 + _test(TEST6)  # the test is there; the timeout is not
    cells = run(nbformat.v4.new_notebook(cells=[setup, new_code_cell(hangs_test),
                                                new_code_cell('check("notify_timeout")')]))
    text = cells[-1].text
    assert "✗ timeout(job) sets a limit" in text
    assert "can be judged once timeout(job) sets a short limit" in text
    assert "stopped at the limit" not in text  # the check never ran the hanging service
    assert "Your test catches" not in text


def test_hints_escalate_and_never_give_the_whole_answer_at_once():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    checks = [new_code_cell('check("notify_snooze")') for _ in range(3)]
    cells = run(nbformat.v4.new_notebook(cells=[setup, new_code_cell(STEP2), *checks]))
    first, second, third = (cell.text for cell in cells[2:])
    assert "Hint 1:" in first and "Hint 2:" not in first and "bigger hint" in first
    assert "return Snooze(10)" not in first
    assert "Hint 2:" in second and "return Snooze(10)" in second
    assert "solutions/03_placing_an_order.ipynb" in third
    assert "solutions/" not in first


def test_each_cross_says_what_the_notifier_actually_did():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    one_attempt = ('class RestaurantNotifier(Worker, queue="notifications", max_attempts=1):'
                   + PERFORM2)
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(STEP1), new_code_cell('check("notify_error")'),
        new_code_cell(one_attempt), new_code_cell('check("notify_error")'),
        new_code_cell(STEP3.replace("Snooze(10)", "Snooze(60)")),
        new_code_cell('check("notify_snooze")'),
    ]))
    ignored, discarded, long_snooze = (cell.text for cell in cells if cell.kind == "check")
    assert "perform returned (503," in ignored
    assert "the job was discarded: it has no attempt left" in discarded
    assert "perform returned Snooze(seconds=60)" in long_snooze
    assert "due in 60 s" in long_snooze
