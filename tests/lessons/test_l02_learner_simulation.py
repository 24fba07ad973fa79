"""A learner's way through lesson 2: a different but correct solution passes everything;
broken workers, broken sign-ups and weak tests each get the cross they deserve."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell

from tests.notebook_runner import (
    CellRun,
    assert_every_cell_passes,
    exercises,
    read,
    replace_code,
    run,
)
from trainer.lessons import lesson

EXERCISES = exercises(lesson(2))

WELCOME = '''class WelcomeEmail(Worker, queue="email", max_attempts=5):
    def perform(self, job):
        send_welcome_email(get_user(job.args["id"]))
'''
FOLLOW_UP = '''class FollowUpEmail(Worker, queue="email"):
    def perform(self, job):
        user = get_user(job.args["id"])
        send_follow_up_email(user)
'''
SIGN_UP2 = '''def create_user(params):
    user = Repo.insert(User(name=params["name"], email=params["email"],
                            address=params.get("address")))
    Oban().insert_all([WelcomeEmail.new({"id": user.id})])
    return user
'''
JOBS4 = '''[WelcomeEmail.new({"id": user.id}),
         FollowUpEmail.new({"id": user.id}, scheduled_at=utcnow() + timedelta(hours=24))]'''
SIGN_UP4 = f'''def create_user(params):
    user = Repo.insert(User(**params))
    Oban().insert_all({JOBS4})
    return user
'''
SIGN_UP5 = f'''def create_user(params):
    with Repo.transaction():
        user = Repo.insert(User(**params))
        jobs = {JOBS4}
        Oban().insert_all(jobs)
    return user
'''
TEST2 = '''%%ipytest

def test_creating_a_user_delivers_a_welcome_email():
    with with_testing_mode("inline"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    [sent] = deliveries("welcome")
    assert sent.user_id == user.id and sent.recipient == "ravi@example.com"
    assert not all_enqueued(queue="email")
'''
TEST3 = '''%%ipytest

def test_creating_a_user_enqueues_a_welcome_email(oban):
    with with_testing_mode("manual"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    jobs = all_enqueued(worker=WelcomeEmail, queue="email")
    assert [job.args for job in jobs] == [{"id": user.id}]
    assert not deliveries()
'''
TEST4 = '''%%ipytest

def test_a_follow_up_email_is_scheduled_a_day_later(oban):
    with with_testing_mode("manual"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    [job] = all_enqueued(worker=FollowUpEmail)
    assert job.state == "scheduled"
    assert abs((job.scheduled_at - utcnow()).total_seconds() - 86400) < 5
    oban.drain_queue(queue="email", with_scheduled=True)
    assert len(deliveries("follow_up", to="ravi@example.com")) == 1
'''
TEST5 = '''%%ipytest

def test_a_rolled_back_sign_up_leaves_no_jobs():
    try:
        with Repo.transaction():
            user = create_user({"name": "Ravi", "email": "ravi@example.com"})
            raise ValueError("roll it back")
    except ValueError:
        pass
    assert all_enqueued(queue="email") == []
    assert get_user(user.id) is None
'''

CORRECT = [WELCOME, SIGN_UP2, TEST2, TEST3, FOLLOW_UP + "\n\n" + SIGN_UP4, TEST4, SIGN_UP5,
           TEST5]


def _plain(test: str) -> str:
    return test.replace("%%ipytest", "")


def test_a_different_correct_solution_passes_every_test_and_check():
    cells = run(replace_code(read(EXERCISES), CORRECT))
    assert_every_cell_passes(cells)


STEP2 = WELCOME + SIGN_UP2
STEP4 = WELCOME + FOLLOW_UP + SIGN_UP4
STEP5 = WELCOME + FOLLOW_UP + SIGN_UP5

# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    (WELCOME.replace(', queue="email"', ""), "welcome_worker",
     "WelcomeEmail jobs go on the email queue"),
    (WELCOME.replace("send_welcome_email(get_user(", "(get_user("), "welcome_worker",
     "Performing a WelcomeEmail job for a user sends them a welcome email"),
    (STEP2.replace("    return user\n", ""), "inline_sign_up",
     "create_user stores the user and returns it"),
    (WELCOME + '''def create_user(params):
    return Repo.insert(User(**params))
''', "inline_sign_up", "In inline mode, a new user gets one welcome email at once"),
    (STEP2.replace('{"id": user.id}', '{"id": user.id, "email": user.email}'),
     "manual_sign_up", "The job's args hold the user's id, and only the id"),
    (STEP2.replace("    return user\n", "    send_welcome_email(user)\n    return user\n"),
     "manual_sign_up", "In manual mode, nothing is sent until the job runs"),
    (WELCOME.replace(', queue="email"', "") + SIGN_UP2, "manual_sign_up",
     "In manual mode, creating a user enqueues one WelcomeEmail on the email queue"),
    (STEP4.replace("timedelta(hours=24)", "timedelta(hours=1)"), "follow_up_email",
     "Creating a user schedules one FollowUpEmail, a day ahead"),
    (STEP4, "sign_up_transaction", "Signing up is all or nothing"),
    # Weak tests: they pass on broken code, so they would not catch the bug.
    (STEP2 + '''
def test_creating_a_user_delivers_a_welcome_email():
    with with_testing_mode("inline"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert get_user(user.id).email == "ravi@example.com"
''', "inline_sign_up", "Your test catches a create_user that stores the user but enqueues "
     "nothing"),
    (STEP2 + '''
def test_creating_a_user_delivers_a_welcome_email():
    with with_testing_mode("inline"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert all_enqueued(worker=WelcomeEmail) == []
''', "inline_sign_up", "Your test catches a WelcomeEmail that loads the user but sends "
     "nothing"),
    (STEP2 + '''
def test_creating_a_user_enqueues_a_welcome_email():
    with with_testing_mode("manual"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert_enqueued(worker=WelcomeEmail, args={"id": user.id})
''', "manual_sign_up", "Your test catches a WelcomeEmail on the default queue"),
    (STEP2 + '''
def test_creating_a_user_enqueues_a_welcome_email():
    with with_testing_mode("manual"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert_enqueued(worker=WelcomeEmail, queue="email", args={"id": user.id})
''', "manual_sign_up", "Your test catches a create_user that puts the whole user in the "
     "job's args"),
    (STEP2 + '''
def test_creating_a_user_enqueues_a_welcome_email():
    with with_testing_mode("manual"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert_enqueued(worker=WelcomeEmail, queue="email")
''', "manual_sign_up", "Your test catches a create_user that enqueues the welcome for "
     "another user's id"),
    (STEP4 + '''
def test_a_follow_up_email_is_scheduled_a_day_later(oban):
    with with_testing_mode("manual"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert_enqueued(worker=FollowUpEmail, args={"id": user.id})
    oban.drain_queue(queue="email", with_scheduled=True)
    assert len(deliveries("follow_up")) == 1
''', "follow_up_email", "Your test catches a follow-up that is due at once, not a day later"),
    (STEP4 + '''
def test_a_follow_up_email_is_scheduled_a_day_later():
    with with_testing_mode("manual"):
        user = create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert_enqueued(worker=FollowUpEmail, args={"id": user.id}, scheduled_in=86400)
''', "follow_up_email", "Your test catches a FollowUpEmail that loads the user but sends "
     "nothing"),
    # Rolls back, but only looks for the user: jobs left elsewhere go unnoticed.
    (STEP5 + _plain(TEST5).replace('    assert all_enqueued(queue="email") == []\n', ""),
     "sign_up_transaction", "Your test catches jobs enqueued outside the sign-up's "
     "transaction"),
    # Never rolls back at all: there is nothing to catch.
    (STEP5 + '''
def test_a_rolled_back_sign_up_leaves_no_jobs():
    with Repo.transaction():
        create_user({"name": "Ravi", "email": "ravi@example.com"})
    assert len(all_enqueued(queue="email")) == 2
''', "sign_up_transaction", "Your test catches jobs enqueued outside the sign-up's "
     "transaction"),
    # The inline test without inline mode: it fails against the learner's own (right) code.
    (STEP2 + _plain(TEST2).replace('    with with_testing_mode("inline"):\n', "    if True:\n"),
     "inline_sign_up", "Whether your test catches broken code can be judged once it passes "
     "against yours"),
]


def _setup() -> nbformat.NotebookNode:
    return next(c for c in read(EXERCISES).cells if c.cell_type == "code")


def _checks(cells: list[CellRun]) -> list[CellRun]:
    return [cell for cell in cells if cell.kind == "check"]


def _crossed(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("✗")]


LEFT_BEHIND = '''print("jobs:", len(Oban(testing="manual").list_jobs()),
      "users:", len(Repo.all(User)),
      "deliveries:", len(deliveries()))'''


def test_each_mistake_gets_a_cross_on_the_matching_line_and_checks_leave_nothing_behind():
    notebook = nbformat.v4.new_notebook(cells=[_setup()])
    for source, step, _ in MISTAKES:
        notebook.cells.append(new_code_cell(source))
        notebook.cells.append(new_code_cell(f'check("{step}")'))
    notebook.cells.append(new_code_cell(LEFT_BEHIND))
    cells = run(notebook)
    checks = _checks(cells)
    assert len(checks) == len(MISTAKES)
    for cell, (source, step, line) in zip(checks, MISTAKES, strict=True):
        assert not cell.error, cell.error
        assert any(line in text for text in _crossed(cell.text)), (
            f"check({step!r}) should cross {line!r} for:\n{source}\nbut printed:\n{cell.text}")
    # Not even the jobs the "outside the transaction" variant committed on its own.
    assert cells[-1].text.strip() == "jobs: 0 users: 0 deliveries: 0", cells[-1].text


def test_a_test_that_fails_on_the_learners_own_code_gets_no_verdict_on_broken_code():
    failing = STEP2 + _plain(TEST2).replace('"ravi@example.com"]', '"someone@else.com"]') \
        .replace('sent.recipient == "ravi@example.com"', 'sent.recipient == "nobody"')
    cells = run(nbformat.v4.new_notebook(cells=[_setup(), new_code_cell(failing),
                                                new_code_cell('check("inline_sign_up")')]))
    text = cells[-1].text
    assert "✗ Your test `test_creating_a_user_delivers_a_welcome_email` passes against your " \
           "code" in text
    assert "Your test catches" not in text
    # The code itself is right, and its lines say so.
    assert "✓ In inline mode, a new user gets one welcome email at once" in text


ONE_BY_ONE = WELCOME + FOLLOW_UP + '''def create_user(params):
    user = Repo.insert(User(**params))
    Oban().insert(WelcomeEmail.new({"id": user.id}))
    Oban().insert(FollowUpEmail.new({"id": user.id}, schedule_in=timedelta(days=1)))
    return user
'''


def test_each_cross_names_its_actual_cause():
    wrong_queue = WELCOME.replace('queue="email"', 'queue="mail"') + SIGN_UP2
    no_follow_up_yet = WELCOME + SIGN_UP2.replace(
        "    user = Repo.insert", "    with Repo.transaction():\n        user = Repo.insert") \
        .replace("    Oban().insert_all", "        Oban().insert_all")
    cells = run(nbformat.v4.new_notebook(cells=[
        _setup(),
        new_code_cell(wrong_queue), new_code_cell('check("manual_sign_up")'),
        new_code_cell(no_follow_up_yet), new_code_cell('check("sign_up_transaction")'),
        new_code_cell(STEP4.replace("timedelta(hours=24)", "timedelta(hours=1)")),
        new_code_cell('check("follow_up_email")'),
        new_code_cell(ONE_BY_ONE), new_code_cell('check("sign_up_transaction")'),
    ]))
    queue, welcome_only, due, not_atomic = (cell.text for cell in _checks(cells))
    # A job on another queue: the hint is about the queue, not about enqueuing.
    assert "the job waits in the 'mail' queue" in queue
    assert "The job is enqueued, but on another queue." in queue
    assert "create_user should enqueue a WelcomeEmail" not in queue
    # The follow-up is there, but due in an hour.
    assert "the follow-up is due in 1 h" in due
    # A learner who skipped the follow-up: the all-or-nothing check makes the welcome fail.
    assert "✓ Signing up is all or nothing: when the WelcomeEmail can't be enqueued" \
        in welcome_only
    assert "FollowUpEmail" not in welcome_only
    # No transaction: the user and the welcome job stay when the follow-up fails.
    assert "enqueuing the FollowUpEmail failed, yet the user and the welcome job stayed" \
        in not_atomic


def test_hints_escalate_and_never_give_the_whole_answer_at_once():
    mistake = new_code_cell(WELCOME + '''def create_user(params):
    return Repo.insert(User(**params))
''')
    checks = [new_code_cell('check("inline_sign_up")') for _ in range(3)]
    cells = run(nbformat.v4.new_notebook(cells=[_setup(), mistake, *checks]))
    for cell in cells:
        assert not cell.error, f"{cell.source[:60]!r} raised {cell.error}\n{cell.text}"
    first, second, third = (cell.text for cell in cells[2:])
    assert "Hint 1:" in first and "Hint 2:" not in first and "bigger hint" in first
    assert "Oban().insert(" not in first
    assert "Hint 2:" in second and "Oban().insert(WelcomeEmail.new" in second
    assert "solutions/02_signing_up.ipynb" in third
