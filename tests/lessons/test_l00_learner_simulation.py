"""A learner's way through lesson 0: a different but correct solution passes everything;
a broken Greeter and weak tests each get the cross they deserve."""

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

EXERCISES = exercises(lesson(0))

GREETER = '''class Greeter(Worker):
    def perform(self, job):
        name = job.args.get("name", "stranger")
        print("Hello, " + name + "!")
        return "greeted"
'''
TEST_ROW = '''%%ipytest

def test_a_new_job_waits_in_its_row(oban):
    inserted = oban.insert(Greeter.new({"name": "Chen"}))
    [job] = oban.list_jobs(worker=Greeter)
    assert job.id == inserted.id
    assert (job.state, job.attempt) == ("available", 0)
'''
TEST_DRAIN = '''%%ipytest

def test_draining_runs_the_job(oban):
    inserted = oban.insert(Greeter.new({"name": "Chen"}))
    result = oban.drain_queue(queue="default")
    assert result.success == 1
    job = oban.get_job(inserted.id)
    assert job.state == "completed" and job.attempt == 1 and job.completed_at
'''


def test_a_different_correct_solution_passes_every_test_and_check():
    cells = run(replace_code(read(EXERCISES), [GREETER, TEST_ROW, TEST_DRAIN]))
    assert_every_cell_passes(cells)


def _test(source: str) -> str:
    return source.replace("%%ipytest", "")


# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    # Wrong workers.
    (GREETER.replace('print("Hello, " + name + "!")', 'raise ValueError(name)'),
     "first_job", "Performing a Greeter job succeeds"),
    (GREETER.replace('"Hello, " + name + "!"', '"Hello!"'),
     "first_job", "Greeter prints a greeting with the name from the job's args"),
    (GREETER.replace('return "greeted"', 'return Error("no greeting today")'),
     "first_drain", "A drained Greeter job ends completed"),
    # Weak tests: they pass on a broken queue or Greeter, so they would not catch the bug.
    (GREETER + '''
def test_a_new_job_waits_in_its_row(oban):
    job = oban.insert(Greeter.new({"name": "Ana"}))
    assert job.state == "available" and job.attempt == 0
''', "first_job", "Your test catches a job queue with an insert that runs the job at once"),
    (GREETER + '''
def test_a_new_job_waits_in_its_row(oban):
    job = oban.get_job(oban.insert(Greeter.new({"name": "Ana"})))
    assert job.attempt == 0
''', "first_job", "Your test catches a job queue with new jobs held back as scheduled"),
    # Never drains: it passes, and so it passes against a drain that runs nothing.
    (GREETER + '''
def test_draining_runs_the_job(oban):
    job = oban.insert(Greeter.new({"name": "Ana"}))
    assert oban.get_job(job).state == "available"
''', "first_drain", "Your test catches a job queue with a drain that runs nothing"),
    (GREETER + '''
def test_draining_runs_the_job(oban):
    job = oban.insert(Greeter.new({"name": "Ana"}))
    oban.drain_queue(queue="default")
    assert oban.get_job(job).state != "available"
''', "first_drain", "Your test catches a Greeter with a perform that fails"),
    (GREETER + '''
def test_draining_runs_the_job(oban):
    job = oban.insert(Greeter.new({"name": "Ana"}))
    oban.drain_queue(queue="default")
    assert oban.get_job(job).state == "completed"
''', "first_drain", "Your test catches a job queue with a drain that does not count the attempt"),
    (GREETER + _test(TEST_DRAIN).replace(" and job.completed_at", ""),
     "first_drain", "Your test catches a job queue with a drain that does not say when the job "
     "completed"),
    # A test that fails against the learner's own (right) Greeter: nothing else is judged.
    (GREETER + _test(TEST_DRAIN).replace('job.state == "completed"', 'job.state == "done"'),
     "first_drain", "Whether your test catches a broken Greeter can be judged once it passes "
     "against yours"),
]


def test_each_mistake_gets_a_cross_on_the_matching_line():
    assert_each_mistake_crossed(run(mistakes_notebook(EXERCISES, MISTAKES)), MISTAKES)


def test_a_check_prints_nothing_of_the_greetings_it_runs():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(GREETER + _test(TEST_DRAIN)), new_code_cell('check("first_drain")')]))
    text = cells[-1].text
    assert "Hello" not in text and "✗" not in text, text


def test_hints_escalate_and_the_stub_gets_no_tick():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    mistake = new_code_cell(GREETER.replace('"Hello, " + name + "!"', '"Hello!"'))
    checks = [new_code_cell('check("first_job")') for _ in range(2)]
    cells = run(nbformat.v4.new_notebook(cells=[setup, mistake, *checks]))
    first, second = (cell.text for cell in cells[2:])
    assert "Hint 1:" in first and "Hint 2:" not in first and "job.args['name']" in first
    assert "Hint 2:" in second and "print(f\"Hello, {job.args['name']}!\")" in second
    assert "it printed 'Hello!'" in first


def test_a_drain_check_on_the_stub_asks_for_the_code_not_about_a_failed_job():
    notebook = read(EXERCISES)
    setup = next(c for c in notebook.cells if c.cell_type == "code")
    stub = next(c for c in notebook.cells if c.cell_type == "code" and "class Greeter" in c.source)
    cells = run(nbformat.v4.new_notebook(cells=[setup, stub,
                                                new_code_cell('check("first_drain")')]))
    text = cells[-1].text
    assert "✗ Your code for this step is written" in text, text
    assert "retryable" not in text
