"""A learner's way through lesson 5: a different but correct solution passes everything;
broken workers, configurations and counts, and weak tests, each get the cross they deserve;
the running demo leaves nothing behind."""

from __future__ import annotations

import copy

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
    solutions,
)
from trainer.lessons import lesson

LESSON = lesson(5)
EXERCISES = exercises(LESSON)

STEP1 = '''
class DailyDigest(Worker, queue="email", max_attempts=5):
    def perform(self, job):
        restaurants = active_restaurants()
        for restaurant in restaurants:
            send_digest(get_restaurant(restaurant.id))
        return len(restaurants)
'''
TEST1 = '''%%ipytest

def test_digest_goes_to_every_active_restaurant(insert):
    open_ones = [insert("restaurant") for _ in range(3)]
    shut = insert("restaurant", "without_address")
    perform_job(DailyDigest, {})
    got = {delivery.restaurant_id for delivery in deliveries("digest")}
    assert got >= {restaurant.id for restaurant in open_ones}
    assert shut.id not in got
'''
CONFIG = '''
def digest_config():
    return dict(queues={"email": {"paused": True, "limit": 1}},
                plugins=[Cron(crontab=[("* * * * *", DailyDigest, {"max_attempts": 3})])])
'''
TEST2 = '''%%ipytest
import pytest

def test_the_digest_configuration_is_valid():
    config = digest_config()
    Oban.validate(**config)
    email = Oban(**config).config["queues"]["email"]
    assert email["limit"] == 1 and email["paused"]
    crons = [plugin for plugin in config["plugins"] if isinstance(plugin, Cron)]
    assert len(crons) == 1
    assert [(e.expression.text, e.worker.__name__) for e in crons[0].entries] == [
        ("* * * * *", "DailyDigest")]

def test_a_bad_configuration_is_refused():
    with pytest.raises(ValueError):
        Oban.validate(plugins=[Cron(crontab=[("61 * * * *", DailyDigest)])])
    with pytest.raises(ValueError, match="paused"):
        Oban.validate(queues={"email": {"limit": 1, "pasued": True}})
'''
COUNT = '''
COUNT_BY_STATE = """
    SELECT state::text AS state, count(id) AS count
    FROM oban_jobs WHERE queue = 'email'
    GROUP BY 1
"""

def jobs_by_state():
    return {row["state"]: row["count"] for row in Repo.query(COUNT_BY_STATE)}
'''
TEST3 = '''%%ipytest

class Other(Worker, queue="reports"):
    def perform(self, job):
        return None

def test_counting_the_email_jobs_by_state(oban):
    for _ in range(2):
        oban.insert(DailyDigest.new({}))
    oban.insert(Other.new({}))
    assert jobs_by_state() == {"available": 2}
    assert oban.drain_queue(queue="email").success == 2
    assert jobs_by_state() == {"completed": 2}
'''
TEST4 = '''%%ipytest

def test_the_email_queue_can_be_paused_resumed_stopped_and_started():
    oban = Oban(**digest_config()).start()
    try:
        assert oban.check_queue(queue="email")["paused"]
        oban.resume_queue(queue="email")
        assert not oban.check_queue(queue="email")["paused"]
        oban.pause_queue(queue="email")
        assert oban.check_queue(queue="email")["paused"]
        oban.stop_queue(queue="email")
        assert oban.check_queue(queue="email") is None
        oban.start_queue(queue="email", limit=2, paused=True)
        assert oban.check_queue(queue="email")["limit"] == 2
    finally:
        oban.stop()
'''
STEP5 = '''
class RestaurantDigest(Worker, queue="email", max_attempts=3):
    def perform(self, job):
        restaurant = get_restaurant(job.args["id"])
        send_digest(restaurant)

class DailyDigest(Worker, queue="email"):
    def perform(self, job):
        jobs = [RestaurantDigest.new({"id": r.id}) for r in active_restaurants()]
        Oban().insert_all(jobs)
'''
TEST5 = '''%%ipytest

def test_the_digest_fans_out_one_job_per_restaurant(oban, insert):
    a, b = insert("restaurant"), insert("restaurant")
    insert("restaurant", "without_address")
    oban.insert(DailyDigest.new({}))
    oban.drain_queue(queue="email")
    assert sorted(j.args["id"] for j in all_enqueued(worker=RestaurantDigest)) == sorted(
        [a.id, b.id])
    assert deliveries("digest") == []
    assert oban.drain_queue(queue="email", with_recursion=True).success == 2
    assert sorted(d.restaurant_id for d in deliveries("digest")) == sorted([a.id, b.id])
'''

CORRECT = [STEP1, TEST1, TEST2, TEST3, TEST4, STEP5, TEST5]


def _with_placeholders_replaced(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercises with the two cells whose placeholder is not a your_turn(...) line
    (the configuration, the count query) written."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("def digest_config():"):
            cell.source = CONFIG
        elif cell.cell_type == "code" and cell.source.startswith("COUNT_BY_STATE"):
            cell.source = COUNT
    return notebook


def test_the_exercises_placeholders_are_what_the_simulation_replaces():
    cells = [c.source for c in read(EXERCISES).cells if c.cell_type == "code"]
    assert sum(s.startswith("def digest_config():") for s in cells) == 1
    assert sum(s.startswith("COUNT_BY_STATE") for s in cells) == 1
    config = next(s for s in cells if s.startswith("def digest_config():"))
    assert '"queues": {},' in config and '"plugins": [],' in config


def test_a_different_correct_solution_passes_every_test_and_check():
    notebook = replace_code(_with_placeholders_replaced(read(EXERCISES)), CORRECT)
    cells = run(notebook)
    assert_every_cell_passes(cells)
    demo = next(cell for cell in cells if "clock.frozen()" in cell.source)
    # Cron's job and the two inserted by hand (Cron's may be missing on a very busy machine).
    assert "paused:  {'available': " in demo.text and "resumed: {'completed': " in demo.text
    assert "'cron_expr': '* * * * *'" in demo.text or "paused:  {'available': 2}" in demo.text


GOOD1 = 'class DailyDigest(Worker, queue="email"):\n    def perform(self, job):\n' \
        '        for r in active_restaurants():\n            send_digest(r)\n'
GOOD_CONFIG = GOOD1 + CONFIG
GOOD_COUNT = GOOD_CONFIG + COUNT


def _test(source: str) -> str:
    return source.replace("%%ipytest", "")


# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    ('class DailyDigest(Worker):\n    def perform(self, job):\n'
     '        for r in active_restaurants():\n            send_digest(r)\n',
     "digest_worker", "DailyDigest jobs go to the email queue"),
    ('class DailyDigest(Worker, queue="email"):\n    def perform(self, job):\n'
     '        for r in Repo.all(Restaurant):\n            send_digest(r)\n',
     "digest_worker", "The digest job runs without an error"),
    ('class DailyDigest(Worker, queue="email"):\n    def perform(self, job):\n'
     '        send_digest(active_restaurants()[0])\n',
     "digest_worker", "Every active restaurant gets one digest"),
    (GOOD1 + '''
def test_digest_goes_to_every_active_restaurant(insert):
    only = insert("restaurant")
    insert("restaurant", "without_address")
    perform_job(DailyDigest, {})
    assert [d.restaurant_id for d in deliveries("digest")] == [only.id]
''', "digest_worker",
     "Your test catches a DailyDigest with a digest for the first active restaurant only"),
    (GOOD1 + '''
def test_digest_goes_to_every_active_restaurant(insert):
    first, second = insert("restaurant"), insert("restaurant")
    perform_job(DailyDigest, {})
    sent_to = [d.restaurant_id for d in deliveries("digest")]
    assert first.id in sent_to and second.id in sent_to
''', "digest_worker", "Your test catches a DailyDigest with a digest sent to inactive "
     "restaurants too"),
    (GOOD1 + CONFIG.replace('"paused": True', '"paused": False'), "digest_config",
     "The email queue starts paused"),
    (GOOD1 + CONFIG.replace('"limit": 1', '"limit": 10'), "digest_config",
     "The email queue runs one job at a time"),
    (GOOD1 + CONFIG.replace('"* * * * *"', '"0 * * * *"'), "digest_config",
     "A Cron plugin inserts a DailyDigest every minute"),
    (GOOD1 + 'def digest_config():\n    return {"queues": {"email": {"limit": 1, '
     '"paused": True}}, "plugins": [Cron(crontab=[("* * * * 7", DailyDigest)])]}\n',
     "digest_config", "The configuration is valid"),
    (GOOD_CONFIG + '''
def test_the_digest_configuration_is_valid():
    assert Oban.validate(**digest_config()) is None
''', "digest_config",
     "Your test catches a configuration whose email queue starts running, not paused"),
    (GOOD_CONFIG + '''
def test_the_digest_configuration_is_valid():
    config = digest_config()
    assert Oban(**config).config["queues"]["email"]["paused"]
    [cron] = config["plugins"]
    assert cron.entries[0].expression.text == "* * * * *"
''', "digest_config", "Your test catches a configuration whose email queue runs 10 jobs at once"),
    (GOOD_CONFIG + '''
import pytest

def test_a_bad_configuration_is_refused():
    with pytest.raises(ValueError, match="cron expression"):
        Oban.validate(plugins=[Cron(crontab=[("* * * *", DailyDigest)])])
''', "digest_config",
     "Your test catches a job queue with a validate that lets every option through"),
    (GOOD_CONFIG + COUNT.replace("WHERE queue = 'email'", ""), "digest_count",
     "It leaves the jobs of other queues out"),
    (GOOD_COUNT + '''
def test_counting_the_email_jobs_by_state(oban):
    oban.insert_all([DailyDigest.new({}) for _ in range(2)])
    assert jobs_by_state() == {"available": 2}
    oban.drain_queue(queue="email")
    assert jobs_by_state() == {"completed": 2}
''', "digest_count", "Your test catches a jobs_by_state that counts every queue's jobs"),
    (GOOD_COUNT + '''
class Other(Worker):
    def perform(self, job):
        return None

def test_counting_the_email_jobs_by_state(oban):
    oban.insert_all([DailyDigest.new({}), Other.new({})])
    assert jobs_by_state() == {"available": 1}
''', "digest_count", "Your test catches a jobs_by_state that calls every job available"),
    (GOOD_CONFIG + '''
def test_the_email_queue_can_be_paused_resumed_stopped_and_started():
    with Oban(**digest_config()) as oban:
        assert oban.check_queue(queue="email")["paused"]
        oban.stop_queue(queue="email")
        assert oban.check_queue(queue="email") is None
''', "digest_queue_control",
     "Your test catches a job queue with a resume_queue that leaves the queue paused"),
    (GOOD_CONFIG + '''
def test_the_email_queue_can_be_paused_resumed_stopped_and_started():
    with Oban(**digest_config()) as oban:
        oban.resume_queue(queue="email")
        assert oban.check_queue(queue="email")["paused"] is False
        oban.stop_queue(queue="email")
''', "digest_queue_control",
     "Your test catches a job queue with a stop_queue that leaves the queue running"),
    (GOOD1 + STEP5.split("class DailyDigest")[0], "digest_fan_out",
     "The daily job inserts one RestaurantDigest job per active restaurant"),
    (STEP5 + '''
def test_the_digest_fans_out_one_job_per_restaurant(oban, insert):
    a, b = insert("restaurant"), insert("restaurant")
    oban.insert(DailyDigest.new({}))
    oban.drain_queue(queue="email", with_recursion=True)
    assert sorted(d.restaurant_id for d in deliveries("digest")) == sorted([a.id, b.id])
''', "digest_fan_out",
     "Your test catches a DailyDigest with every digest sent by the one daily job, no sub-jobs"),
    (STEP5 + '''
def test_the_digest_fans_out_one_job_per_restaurant(oban, insert):
    a, b = insert("restaurant"), insert("restaurant")
    oban.insert(DailyDigest.new({}))
    oban.drain_queue(queue="email")
    assert len(all_enqueued(worker=RestaurantDigest)) == 2
''', "digest_fan_out",
     "Your test catches a RestaurantDigest with a sub-job that sends every restaurant's digest"),
    # A test that fails against the learner's own (right) code: nothing else is judged.
    (GOOD_COUNT + _test(TEST3).replace('{"completed": 2}', '{"completed": 3}'),
     "digest_count", "Whether your test catches a broken jobs_by_state can be judged once it "
     "passes against yours"),
]


def test_each_mistake_gets_a_cross_on_the_matching_line():
    assert_each_mistake_crossed(run(mistakes_notebook(EXERCISES, MISTAKES)), MISTAKES)


def test_hints_name_the_actual_cause_and_escalate():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    not_paused = GOOD1 + CONFIG.replace('"paused": True', '"paused": False')
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(not_paused),
        new_code_cell('check("digest_config")'), new_code_cell('check("digest_config")'),
    ]))
    first, second = cells[-2].text, cells[-1].text
    # The limit is right: only the pausing is crossed.
    assert "✓ The email queue runs one job at a time" in first
    assert "✗ The email queue starts paused" in first
    assert "Hint 1:" in first and "Hint 2:" not in first and "solutions/" not in first
    assert "Hint 2:" in second and '"paused": True' in second


def test_the_running_demo_leaves_nothing_behind_and_no_oban_running():
    notebook = read(solutions(LESSON))
    notebook.cells = [*notebook.cells, new_code_cell(
        'from trainer.jobs.runtime.instance import started\n'
        'print("left:", [len(Oban().list_jobs()), len(Repo.all(Restaurant)), '
        'len(deliveries())], len(started()))')]
    cells = run(notebook)
    assert "left: [0, 0, 0] 0" in cells[-1].text, cells[-1].text
