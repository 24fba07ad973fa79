"""A learner's way through lesson 6: a different but correct solution passes everything;
broken code and weak tests each get the cross they deserve."""

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

EXERCISES = exercises(lesson(6))

ANALYZER = '''
class SentimentAnalyzer(Worker, queue="analysis"):
    def perform(self, job):
        review = get_review(job.args["id"])
        sentiment = analyze_sentiment(review)
        return sentiment
'''
BACKFILL2 = '''
def enqueue_backfill(oban):
    waiting = [review for review in Repo.all(Review) if review.sentiment is None]
    return oban.insert_all(SentimentAnalyzer.new({"id": review.id}) for review in waiting)
'''
BACKFILL3 = '''
BACKFILL_PRIORITY = 3

def enqueue_backfill(oban):
    waiting = [review for review in Repo.all(Review) if review.sentiment is None]
    return oban.insert_all([SentimentAnalyzer.new({"id": review.id}, priority=BACKFILL_PRIORITY)
                            for review in waiting])
'''
TEST2 = '''%%ipytest

def test_backfill_enqueues_only_unanalysed_reviews(oban, insert):
    waiting = {insert("review", rating=rating).id for rating in (1, 2, 4)}
    insert("review", "analysed", rating=5, sentiment="positive")
    enqueue_backfill(oban)
    jobs = all_enqueued(worker=SentimentAnalyzer)
    assert len(jobs) == 3
    assert {job.args["id"] for job in jobs} == waiting
'''
TEST3 = '''%%ipytest

def test_backfill_jobs_have_a_lower_priority(oban, insert):
    insert("review")
    insert("review")
    enqueue_backfill(oban)
    jobs = all_enqueued(worker=SentimentAnalyzer)
    assert jobs and all(job.priority == 3 for job in jobs)


def test_new_reviews_are_analysed_before_the_backfill(oban, insert):
    for _ in range(2):
        insert("review")
    enqueue_backfill(oban)
    fresh = insert("review")
    oban.insert(SentimentAnalyzer.new({"id": fresh.id}))
    oban.drain_queue(queue="analysis", with_limit=1)
    [done] = oban.list_jobs(worker=SentimentAnalyzer, state="completed")
    assert done.args == {"id": fresh.id}
'''
RECURSIVE = '''
class RecursiveBackfill(Worker, priority=3, queue="analysis"):
    def perform(self, job):
        if "id" in job.args:
            review = get_review(job.args["id"])
        else:
            pending = unanalysed_reviews()
            review = pending[0] if pending else None
        if review is None:
            return None
        analyze_sentiment(review)
        later = [r for r in unanalysed_reviews() if r.id > review.id]
        if later:
            Oban(testing="manual").insert(RecursiveBackfill.new({"id": later[0].id}))
'''
TEST4 = '''%%ipytest

def test_the_backfill_analyses_one_review_per_job(oban, insert):
    first, second = insert("review", rating=2), insert("review", rating=4)
    oban.insert(RecursiveBackfill.new({}))
    oban.drain_queue(queue="analysis")
    assert (get_review(first.id).sentiment, get_review(second.id).sentiment) == ("negative", None)
    result = oban.drain_queue(queue="analysis", with_recursion=True)
    assert result.success == 1
    assert get_review(second.id).sentiment == "positive"
'''
MONITOR = '''
class BackfillMonitor(Worker, queue="backfill_monitor"):
    def perform(self, job):
        unfinished = Oban().list_jobs(
            worker=SentimentAnalyzer, meta={"backfill": job.args["backfill"]},
            state=["available", "scheduled", "executing", "retryable", "suspended"])
        return Snooze(10) if unfinished else "finished"


def enqueue_backfill(oban):
    name = f"backfill at {utcnow().isoformat()}"
    jobs = [SentimentAnalyzer.new({"id": review.id}, priority=3, meta={"backfill": name})
            for review in unanalysed_reviews()]
    jobs.append(BackfillMonitor.new({"backfill": name}))
    return oban.insert_all(jobs)
'''
TEST5 = '''%%ipytest

def test_the_monitor_waits_for_the_backfill(oban, insert):
    for _ in range(3):
        insert("review")
    enqueue_backfill(oban)
    assert oban.drain_queue(queue="backfill_monitor").snoozed == 1
    assert oban.drain_queue(queue="analysis").success == 3
    oban.insert(SentimentAnalyzer.new({"id": insert("review").id}))
    result = oban.drain_queue(queue="backfill_monitor", with_scheduled=True)
    assert (result.success, result.snoozed) == (1, 0)
'''

CORRECT = [ANALYZER, BACKFILL2, TEST2, BACKFILL3, TEST3, RECURSIVE, TEST4, MONITOR, TEST5]


def test_a_different_correct_solution_passes_every_test_and_check():
    cells = run(replace_code(read(EXERCISES), CORRECT))
    assert_every_cell_passes(cells)


def _test(source: str) -> str:
    return source.replace("%%ipytest", "")


# Every mistake comes with the whole rest of the code, right, so only it is on trial.
RIGHT = ANALYZER + BACKFILL3 + RECURSIVE + MONITOR

# (what the learner wrote, the check to run, the line that must show a cross)
MISTAKES = [
    (ANALYZER.replace("sentiment = analyze_sentiment(review)", "sentiment = review.rating"),
     "sentiment_analyzer", "Performing a job stores its review's sentiment"),
    (ANALYZER.replace('''        review = get_review(job.args["id"])
        sentiment = analyze_sentiment(review)''', '''        try:
            sentiment = analyze_sentiment(get_review(job.args["id"]))
        except Exception:
            sentiment = None'''),
     "sentiment_analyzer", "A job for a review that does not exist fails"),
    (ANALYZER.replace('(Worker, queue="analysis")', "(Worker)"), "sentiment_analyzer",
     "SentimentAnalyzer's jobs go to the analysis queue"),
    (ANALYZER + BACKFILL2.replace(" if review.sentiment is None", ""), "backfill",
     "Each review with no sentiment gets a job, and no analysed review does"),
    (ANALYZER + '''
def enqueue_backfill(oban):
    return [oban.insert(SentimentAnalyzer.new({"id": r.id})) for r in unanalysed_reviews()]
''', "backfill", "The jobs go in together, with one insert_all"),
    # Weak tests: they pass on broken code, so they would not catch the bug.
    (ANALYZER + BACKFILL2 + '''
def test_backfill_enqueues_only_unanalysed_reviews(oban, insert):
    ids = [insert("review").id for _ in range(3)]
    enqueue_backfill(oban)
    assert sorted(job.args["id"] for job in all_enqueued(worker=SentimentAnalyzer)) == ids
''', "backfill", "Your test catches a backfill that enqueues analysed reviews too"),
    (ANALYZER + BACKFILL2 + '''
def test_backfill_enqueues_only_unanalysed_reviews(oban, insert):
    insert("review")
    enqueue_backfill(oban)
    assert_enqueued(worker=SentimentAnalyzer)
''', "backfill", "Your test catches a backfill that puts every review in one job"),
    (ANALYZER.replace('queue="analysis"', 'queue="analysis", priority=3') + BACKFILL3,
     "backfill_priority", "A new review's job keeps the default priority 0"),
    (ANALYZER + BACKFILL2, "backfill_priority", "Backfill jobs have priority 3"),
    (RIGHT + '''
def test_new_reviews_are_analysed_before_the_backfill(oban, insert):
    backlog = [insert("review") for _ in range(3)]
    enqueue_backfill(oban)
    fresh = insert("review")
    oban.insert(SentimentAnalyzer.new({"id": fresh.id}))
    oban.drain_queue(queue="analysis")
    assert get_review(fresh.id).sentiment == "neutral"
''', "backfill_priority", "Your test `test_new_reviews_are_analysed_before_the_backfill` "
     "catches a backfill whose jobs keep the default priority (0)"),
    (RIGHT + RECURSIVE.replace(
        '''Oban(testing="manual").insert(RecursiveBackfill.new({"id": later[0].id}))''',
        "pass"),
     "recursive_backfill", "Job by job, every review gets analysed"),
    (RIGHT + RECURSIVE.replace("""        if review is None:
            return None""", """        if review is None:
            Oban().insert(RecursiveBackfill.new({}))
            return None""").replace('''        if later:
            Oban(testing="manual").insert(RecursiveBackfill.new({"id": later[0].id}))''',
                                    '''        Oban().insert(RecursiveBackfill.new({}))'''),
     "recursive_backfill", "At most one backfill job waits at any time, and none at the end"),
    (RIGHT + '''
def test_the_backfill_analyses_one_review_per_job(oban, insert):
    reviews = [insert("review") for _ in range(3)]
    oban.insert(RecursiveBackfill.new({}))
    oban.drain_queue(queue="analysis", with_recursion=True)
    assert all(get_review(r.id).sentiment == "neutral" for r in reviews)
''', "recursive_backfill",
     "Your test catches a backfill that analyses every review in its first job"),
    (RIGHT + MONITOR.replace('jobs.append(BackfillMonitor.new({"backfill": name}))',
                             'jobs.append(BackfillMonitor.new({"backfill": name}, '
                             'meta={"backfill": name}))').replace("worker=SentimentAnalyzer, ", ""),
     "backfill_monitor", "Once its batch has run, the monitor finishes"),
    (RIGHT + MONITOR.replace('''
            state=["available", "scheduled", "executing", "retryable", "suspended"]''', ""),
     "backfill_monitor", "Once its batch has run, the monitor finishes"),
    (RIGHT + MONITOR.replace('meta={"backfill": job.args["backfill"]},', ""),
     "backfill_monitor", "Jobs outside its batch do not hold the monitor back"),
    (RIGHT + MONITOR.replace('f"backfill at {utcnow().isoformat()}"', '"the backfill"'),
     "backfill_monitor", "Each backfill gets a batch of its own"),
    (RIGHT + MONITOR.replace('meta={"backfill": name}', "meta={}"),
     "backfill_monitor", "The backfill's jobs share one batch in their meta"),
    (RIGHT + _test(TEST5).replace(
        '    oban.insert(SentimentAnalyzer.new({"id": insert("review").id}))\n', ""),
     "backfill_monitor",
     "Your test catches a monitor that waits for every analysis job, not just its batch"),
    (RIGHT + _test(TEST5).replace(
        '    assert oban.drain_queue(queue="backfill_monitor").snoozed == 1\n', ""),
     "backfill_monitor", "Your test catches a monitor that never snoozes"),
    # A test that fails against the learner's own (right) code: nothing else is judged.
    (RIGHT + _test(TEST2).replace("== 3", "== 4"), "backfill",
     "Whether your test catches broken code can be judged once it passes against yours"),
]


def test_each_mistake_gets_a_cross_on_the_matching_line():
    assert_each_mistake_crossed(run(mistakes_notebook(EXERCISES, MISTAKES)), MISTAKES)


def _lines(text: str, mark: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith(mark)]


def test_every_check_on_the_untouched_exercises_asks_for_the_code_first():
    cells = run(read(EXERCISES))
    checks = [cell for cell in cells if cell.kind == "check"]
    assert len(checks) == 5
    for cell in checks:
        assert _lines(cell.text, "✗") == ["✗ Your code for this step is written"], cell.text
        assert "✓" not in cell.text, cell.text


def test_a_backfill_that_never_ends_is_reported_and_its_test_is_not_run():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    endless = RIGHT + '''
class RecursiveBackfill(Worker, queue="analysis", priority=3):
    def perform(self, job):
        pending = unanalysed_reviews()
        if pending:
            analyze_sentiment(pending[0])
        Oban().insert(RecursiveBackfill.new({}))

def test_the_backfill_analyses_one_review_per_job(oban):
    oban.insert(RecursiveBackfill.new({}))
    oban.drain_queue(queue="analysis", with_recursion=True)   # would never return
'''
    cells = run(nbformat.v4.new_notebook(cells=[setup, new_code_cell(endless),
                                                new_code_cell('check("recursive_backfill")')]),
                timeout=60)
    text = cells[-1].text
    assert "✓ Job by job, every review gets analysed" in text
    assert "✗ At most one backfill job waits at any time, and none at the end" in text
    assert "jobs waiting after each pass: [1, 1," in text
    assert "Your test" not in text


def test_hints_say_what_a_weak_test_lacks():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    no_analysed = ANALYZER + BACKFILL3 + '''
def test_backfill_enqueues_only_unanalysed_reviews(oban, insert):
    ids = [insert("review").id for _ in range(3)]
    enqueue_backfill(oban)
    assert sorted(job.args["id"] for job in all_enqueued(worker=SentimentAnalyzer)) == ids
'''
    never_compares = ANALYZER + BACKFILL3 + '''
def test_backfill_enqueues_only_unanalysed_reviews(oban, insert):
    for _ in range(3):
        insert("review")
    insert("review", "analysed")
    enqueue_backfill(oban)
    assert all_enqueued(worker=SentimentAnalyzer)
'''
    one_review = ANALYZER + BACKFILL3 + '''
def test_backfill_enqueues_only_unanalysed_reviews(oban, insert):
    review = insert("review")
    insert("review", "analysed")
    enqueue_backfill(oban)
    assert [job.args["id"] for job in all_enqueued(worker=SentimentAnalyzer)] == [review.id]
'''
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(no_analysed), new_code_cell('check("backfill")'),
        new_code_cell(never_compares), new_code_cell('check("backfill")'),
        new_code_cell(one_review), new_code_cell('check("backfill")'),
    ]))
    missing, comparing, single = (cell.text for cell in cells if cell.kind == "check")
    # One review only: the oldest is the only one, so enqueuing just it goes unnoticed.
    assert "✓ Your test catches a backfill that enqueues analysed reviews too" in single
    assert "✗ Your test catches a backfill that enqueues only the oldest review" in single
    assert "Your test backfills fewer than two reviews" in single
    assert "✗ Your test catches a backfill that enqueues analysed reviews too" in missing
    assert "Your test needs a review that is analysed already" in missing
    assert "✗ Your test catches a backfill that enqueues analysed reviews too" in comparing
    assert "Your test has an analysed review: good. Now check it got no job." in comparing
    # Three reviews, so the one-job and oldest-only variants get the general hint.
    assert "✗ Your test catches a backfill that puts every review in one job" in comparing
    assert "fewer than two reviews" not in comparing


def test_hints_escalate_and_never_give_the_whole_answer_at_once():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    mistake = new_code_cell(ANALYZER + BACKFILL2)
    checks = [new_code_cell('check("backfill_priority")') for _ in range(3)]
    cells = run(nbformat.v4.new_notebook(cells=[setup, mistake, *checks]))
    first, second, third = (cell.text for cell in cells[2:])
    assert "Hint 1:" in first and "Hint 2:" not in first and "priority=3" not in first
    assert "Hint 2:" in second and "priority=3" in second
    assert "solutions/06_backfilling_reviews.ipynb" in third
    assert "solutions/" not in first


def test_checks_leave_no_job_or_review_behind():
    setup = next(c for c in read(EXERCISES).cells if c.cell_type == "code")
    steps = ["sentiment_analyzer", "backfill", "backfill_priority", "recursive_backfill",
             "backfill_monitor"]
    count = new_code_cell(
        'print("counts:", len(Oban().list_jobs()), len(Repo.all(Review)))')
    cells = run(nbformat.v4.new_notebook(cells=[
        setup, new_code_cell(RIGHT + _test(TEST2) + _test(TEST3) + _test(TEST4)
                             + _test(TEST5)),
        *(new_code_cell(f'check("{step}")') for step in steps), count]))
    for cell in cells:
        if cell.kind == "check":
            assert "✗" not in cell.text, cell.text
    assert "counts: 0 0" in cells[-1].text
