"""Bad input: values JSON cannot hold, huge and deep args, names that look like SQL, and
every public function given the wrong type.

Decided and documented (trainer/jobs/values.py): args and meta are stored as jsonb and
must come back exactly as they went in. What cannot (a set, a datetime, bytes, NaN, a
non-string key, a tuple, a NUL character, a lone surrogate...) is refused at `new()` with
ArgumentError naming the value and where it is; what can (100 levels deep, a megabyte)
makes a faithful round trip. Names and keys are data, never SQL: stored and matched
literally, or refused with OptionError/ArgumentError, never another exception.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from trainer.clock import utcnow
from trainer.course.chowmojo import Order, get_order, insert, refund_order
from trainer.db import Repo, Repository
from trainer.errors import ArgumentError, OptionError, TrainerError
from trainer.jobs import Oban, Worker
from trainer.testing import all_enqueued, assert_enqueued, perform_job, refute_enqueued

IN_SANDBOX = settings(max_examples=60, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


class Plain(Worker):
    received: ClassVar[list[dict[str, Any]]] = []

    def perform(self, job):
        Plain.received.append(job.args)


@contextmanager
def rolled_back(repo: Repository) -> Iterator[None]:
    """A savepoint around one Hypothesis example: its rows vanish when it ends."""

    class Undo(Exception):
        pass

    try:
        with repo.transaction():
            yield
            raise Undo
    except Undo:
        pass


def storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1.0 is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# -- values JSON cannot hold -----------------------------------------------------------

UNSTORABLE = [
    ("set", {1, 2}, "set"),
    ("frozenset", frozenset({"a"}), "frozenset"),
    ("datetime", datetime(2024, 5, 1, 12, 0), "datetime"),
    ("date", date(2024, 5, 1), "date"),
    ("bytes", b"\x00\xff", "bytes"),
    ("NaN", float("nan"), "NaN"),
    ("infinity", float("-inf"), "infinity"),
    ("minus zero", -0.0, "-0.0"),
    ("Decimal", Decimal("9.99"), "Decimal"),
    ("tuple", (1, 2), "tuple"),
    ("object", object(), "object"),
    ("NUL character", "refund\x00now", "NUL"),
    ("lone surrogate", "caf\udce9", "surrogate"),
]
BAD_KEYS = [
    ("int key", 1, "int"),
    ("None key", None, "NoneType"),
    ("tuple key", (1, 2), "tuple"),
    ("float key", 1.5, "float"),
    ("NUL in a key", "i\x00d", "NUL"),
    ("lone surrogate in a key", "\udc80", "surrogate"),
]


@pytest.mark.parametrize(("value", "word"), [pytest.param(v, w, id=i) for i, v, w in UNSTORABLE])
@pytest.mark.parametrize("where", ["top", "nested"])
def test_a_value_json_cannot_hold_is_refused_clearly(oban, value, word, where):
    args = {"id": 1, "v": value} if where == "top" else {"id": 1, "v": [{"deep": value}]}
    path = "args['v']" if where == "top" else "args['v'][0]['deep']"
    with pytest.raises(ArgumentError) as caught:
        Plain.new(args)
    message = str(caught.value)
    assert word in message and path in message
    for call in (lambda: perform_job(Plain, args), lambda: Plain.new({}, meta=args)):
        with pytest.raises(ArgumentError, match="JSON|NUL|surrogate|PostgreSQL"):
            call()
    assert oban.list_jobs() == []


@pytest.mark.parametrize(("key", "word"), [pytest.param(k, w, id=i) for i, k, w in BAD_KEYS])
def test_a_key_json_cannot_hold_is_refused_clearly(oban, key, word):
    with pytest.raises(ArgumentError) as caught:
        Plain.new({"order": {key: 1}})
    assert word in str(caught.value) and "args['order']" in str(caught.value)


def test_an_int_too_long_for_json_is_refused_clearly(oban):
    with pytest.raises(ArgumentError, match="digits at args\\['n'\\]"):
        oban.insert(Plain.new({"n": 10**5000}))


def test_nesting_deeper_than_the_limit_is_refused_not_a_recursion_error(oban):
    value: Any = "bottom"
    for _ in range(10_000):
        value = [value]
    with pytest.raises(ArgumentError, match="nested deeper than 200 levels"):
        Plain.new({"v": value})


# -- faithful round trips ----------------------------------------------------------------

def _nested(levels: int) -> dict[str, Any]:
    value: Any = {"bottom": [1, 2.5, "three", None, True]}
    for level in range(levels - 1):
        value = {f"level {level}": value} if level % 2 else [value, level]
    return {"v": value}


def _megabyte() -> dict[str, Any]:
    args = {
        "text": "é😀\u2028 'quoted' \"double\" ; -- \\ " * 20_000,
        "items": [{"i": i, "f": i / 7, "s": str(i), "b": i % 2 == 0, "n": None}
                  for i in range(8_000)],
        "big": 10**40, "tiny": 5e-324, "max": 1.7976931348623157e308 / 1e300,
    }
    assert len(json.dumps(args).encode()) > 1_000_000
    return args


@pytest.mark.parametrize("make", [lambda: _nested(100), _megabyte], ids=["100 deep", "1 MB"])
def test_big_and_deep_args_make_a_faithful_round_trip(oban, make):
    args = make()
    stored = oban.insert(Plain.new(args, meta={"copy": args}))
    back = oban.get_job(stored.id)
    assert back is not None
    assert same(back.args, args) and same(back.meta, {"copy": args})
    assert oban.list_jobs(args={"v": args["v"]} if "v" in args else {"big": 10**40}) == [back]
    Plain.received.clear()
    assert oban.drain_queue(queue="default") == {"success": 1}
    assert len(Plain.received) == 1 and same(Plain.received[0], args)


ORDINARY_FLOATS = [0.1, 1.5, -2.25, 1e-7, 5e-324, 123456789.123, 1e15, 2.0**52, 0.0, 1.0]


@pytest.mark.parametrize("value", ORDINARY_FLOATS)
def test_floats_come_back_as_the_same_floats(oban, value):
    back = oban.get_job(oban.insert(Plain.new({"f": value})).id)
    assert back is not None and same(back.args, {"f": value})


@pytest.mark.parametrize("value", [1e16, -1e16, 1.2345678901234567e19, 1.5e300])
def test_large_floats_are_refused_or_come_back_the_same(oban, value):
    """jsonb keeps 1e16 as the integer 10000000000000000: it would come back an int, and
    1.2345678901234567e19 a different number. Never silently: refused, or kept."""
    try:
        job = Plain.new({"f": value})
    except ArgumentError as error:
        assert repr(value) in str(error) and "args['f']" in str(error)
        return
    back = oban.get_job(oban.insert(job).id)
    assert back is not None and same(back.args, {"f": value})


# -- names and keys that look like SQL ---------------------------------------------------

SQLISH = [
    "default'; DROP TABLE oban_jobs; --", "'; SELECT pg_sleep(10); --", "\" OR 1=1 --",
    "' OR '1'='1", "%s", "%(queue)s", "{}", "{queue}", "$1", "$$", "\\", "\\'", "%", "_",
    "*", "default%", "def_ult", "--", "/*", ";", "NULL", "null", "Robert'); DROP TABLE "
    "students;--", "😀 ' 😀", "é", "ß", "\u202e", "\u2028", " ", "\t", "a" * 127, "a" * 128,
    "", "x\x00y", "\x00", "\ud800", "caf\udce9",
]
names = st.one_of(st.sampled_from(SQLISH), st.text(max_size=140),
                  st.text(alphabet=st.sampled_from("'\";-%_\\$(){}*/ \x00é😀"), max_size=30))


@IN_SANDBOX
@given(queue=names)
def test_queue_names_are_stored_and_matched_literally(oban, repo, queue):
    with rolled_back(repo):
        other = oban.insert(Plain.new({"n": 0}, queue="other"))
        try:
            job = Plain.new({"n": 1}, queue=queue)
        except OptionError as error:
            assert not (0 < len(queue) < 128 and storable(queue)), error
            assert "queue=" in str(error)
            return
        stored = oban.insert(job)
        near = [oban.insert(Plain.new({"n": 2}, queue=variant)).id
                for variant in (queue + "_", queue[:-1], queue.upper())
                if 0 < len(variant) < 128 and variant != queue]
        assert stored.queue == queue
        expected = {stored.id} | ({other.id} if queue == "other" else set())
        assert {j.id for j in oban.list_jobs(queue=queue)} == expected
        assert {j.id for j in all_enqueued(queue=queue)} == expected
        assert not set(near) & {j.id for j in all_enqueued(queue=queue)}
        assert oban.drain_queue(queue=queue) == {"success": len(expected)}
        assert oban.get_job(stored.id).state == "completed"


@IN_SANDBOX
@given(name=names.filter(lambda n: len(n) <= 60))
def test_worker_names_are_stored_and_matched_literally(oban, repo, name):
    try:
        worker = type(name, (Plain,), {})
    except (ValueError, UnicodeEncodeError):
        assume(False)  # Python itself refuses such a class name
        return
    with rolled_back(repo):
        try:
            job = worker.new({"n": 1})
        except (OptionError, ArgumentError):
            return
        stored = oban.insert(job)
        oban.insert(Plain.new({"n": 2}))
        assert stored.worker == worker.worker_name()
        assert [j.id for j in all_enqueued(worker=worker)] == [stored.id]
        assert [j.id for j in all_enqueued(worker=worker.worker_name())] == [stored.id]
        assert [j.id for j in oban.list_jobs(worker=worker)] == [stored.id]
        assert oban.drain_queue(queue="default") == {"success": 2}


def test_a_worker_name_too_long_for_the_table_is_refused_clearly(oban):
    worker = type("W" * 200, (Plain,), {})
    with pytest.raises(OptionError, match="under 128 characters"):
        oban.insert(worker.new({}))
    assert oban.list_jobs() == []


@IN_SANDBOX
@given(key=names, value=names)
def test_arg_keys_and_values_are_stored_and_matched_literally(oban, repo, key, value):
    with rolled_back(repo):
        try:
            job = Plain.new({key: value})
        except ArgumentError as error:
            assert not (storable(key) and storable(value)), error
            return
        stored = oban.insert(job)
        decoys = [oban.insert(Plain.new(args)).id for args in (
            {key + "_": value}, {key: value + "_"}, {key.upper(): value}, {"k": key})
            if args != {key: value}]
        back = oban.get_job(stored.id)
        assert back is not None and back.args == {key: value}
        assert [j.id for j in all_enqueued(args={key: value})] == [stored.id]
        assert [j.id for j in oban.list_jobs(args={key: value})] == [stored.id]
        assert len(decoys) == len(oban.list_jobs()) - 1


# -- the wrong type, everywhere ----------------------------------------------------------

WRONG_TYPES: list[tuple[str, Callable[[Oban], Any], str]] = [
    ("Oban(testing=3)", lambda o: Oban(testing=3), "testing=3"),
    ("Oban(repo='db')", lambda o: Oban(repo="db"), "repo must be a Repository"),
    ("insert(3)", lambda o: o.insert(3), "insert expects a Job"),
    ("insert(worker class)", lambda o: o.insert(Plain), "insert expects a Job"),
    ("insert(dict)", lambda o: o.insert({"id": 1}), "insert expects a Job"),
    ("insert(stored job)", lambda o: o.insert(o.insert(Plain.new({}))), "stored already"),
    ("insert_all(None)", lambda o: o.insert_all(None), "insert_all expects a list"),
    ("insert_all(3)", lambda o: o.insert_all(3), "insert_all expects a list"),
    ("insert_all(job)", lambda o: o.insert_all(Plain.new({})), "insert_all expects a list"),
    ("insert_all([1])", lambda o: o.insert_all([Plain.new({}), 1]), "insert_all expects a Job"),
    ("retry_job('x')", lambda o: o.retry_job("x"), "a job id (int), got 'x'"),
    ("retry_job(None)", lambda o: o.retry_job(None), "a job id (int), got None"),
    ("retry_job(True)", lambda o: o.retry_job(True), "got True"),
    ("retry_job(unsaved)", lambda o: o.retry_job(Plain.new({})), "not stored yet"),
    ("retry_job(2**70)", lambda o: o.retry_job(2**70), "out of range"),
    ("cancel_job(1.5)", lambda o: o.cancel_job(1.5), "got 1.5"),
    ("get_job('1')", lambda o: o.get_job("1"), "got '1'"),
    ("get_job(2**63)", lambda o: o.get_job(2**63), "out of range"),
    ("drain_queue(queue=5)", lambda o: o.drain_queue(queue=5), "queue=5"),
    ("drain_queue()", lambda o: o.drain_queue(), "drain_queue requires"),
    ("drain_queue(with_limit='x')", lambda o: o.drain_queue(queue="q", with_limit="x"),
     "with_limit='x'"),
    ("drain_queue(with_limit=0)", lambda o: o.drain_queue(queue="q", with_limit=0),
     "with_limit=0"),
    ("drain_queue(with_safety=1)", lambda o: o.drain_queue(queue="q", with_safety=1),
     "with_safety=1"),
    ("drain_queue(with_scheduled='now')",
     lambda o: o.drain_queue(queue="q", with_scheduled="now"), "with_scheduled='now'"),
    ("list_jobs(queue=5)", lambda o: o.list_jobs(queue=5), "queue=5"),
    ("list_jobs(state='done')", lambda o: o.list_jobs(state="done"), "state='done'"),
    ("list_jobs(args=[1])", lambda o: o.list_jobs(args=[1]), "args=[1]"),
    ("list_jobs(worker=3)", lambda o: o.list_jobs(worker=3), "worker=3"),
    ("list_jobs(limit=-1)", lambda o: o.list_jobs(limit=-1), "LIMIT"),
    ("list_jobs(limit='x')", lambda o: o.list_jobs(limit="x"), "bigint"),
    ("list_jobs(bogus=1)", lambda o: o.list_jobs(bogus=1), "'bogus'"),
    ("list_jobs(worker NUL)", lambda o: o.list_jobs(worker="a\x00"), "NUL"),
    ("list_jobs(args NaN)", lambda o: o.list_jobs(args={"a": float("nan")}), "NaN"),
    ("retry_all_jobs(queue=1)", lambda o: o.retry_all_jobs(queue=1), "queue=1"),
    ("cancel_all_jobs(state=3)", lambda o: o.cancel_all_jobs(state=3), "state=3"),
    ("rescue(after='1h')", lambda o: o.rescue_orphaned_jobs(after="1h"), "after='1h'"),
    ("rescue(after=-1)", lambda o: o.rescue_orphaned_jobs(after=-1), "after=-1"),
    ("new('x')", lambda o: Plain.new("x"), "job args must be a dict"),
    ("new([1])", lambda o: Plain.new([1]), "job args must be a dict"),
    ("new(queue=3)", lambda o: Plain.new({}, queue=3), "queue=3"),
    ("new(max_attempts='3')", lambda o: Plain.new({}, max_attempts="3"), "max_attempts='3'"),
    ("new(schedule_in=1.5)", lambda o: Plain.new({}, schedule_in=1.5), "schedule_in=1.5"),
    ("new(scheduled_at='x')", lambda o: Plain.new({}, scheduled_at="x"), "scheduled_at='x'"),
    ("new(unique='x')", lambda o: Plain.new({}, unique="x"), "unique='x'"),
    ("new(tags='x')", lambda o: Plain.new({}, tags="x"), "tags='x'"),
    ("new(meta=3)", lambda o: Plain.new({}, meta=3), "meta=3"),
    ("new(bogus=1)", lambda o: Plain.new({}, bogus=1), "'bogus'"),
    ("class(queue=3)", lambda o: type("Bad", (Worker,), {}, queue=3), "queue=3"),
    ("class(bogus=1)", lambda o: type("Bad", (Worker,), {}, bogus=1), "'bogus'"),
    ("all_enqueued(worker=3)", lambda o: all_enqueued(worker=3), "worker=3"),
    ("all_enqueued(queue=3)", lambda o: all_enqueued(queue=3), "queue=3"),
    ("all_enqueued(args=3)", lambda o: all_enqueued(args=3), "args=3"),
    ("all_enqueued(state=3)", lambda o: all_enqueued(state=3), "state=3"),
    ("all_enqueued(repo=3)", lambda o: all_enqueued(repo=3), "got 3"),
    ("all_enqueued(bogus=1)", lambda o: all_enqueued(bogus=1), "'bogus'"),
    ("all_enqueued(scheduled_in='x')", lambda o: all_enqueued(scheduled_in="x"),
     "scheduled_in='x'"),
    ("assert_enqueued()", lambda o: assert_enqueued(), "at least one filter"),
    ("assert_enqueued(timeout='x')", lambda o: assert_enqueued(timeout="x", worker=Plain),
     "timeout='x'"),
    ("refute_enqueued(worker=3)", lambda o: refute_enqueued(worker=3), "worker=3"),
    ("perform_job(object, {})", lambda o: perform_job(object, {}), "a Worker subclass"),
    ("perform_job(instance, {})", lambda o: perform_job(Plain(), {}), "a Worker subclass"),
    ("perform_job(Worker, {})", lambda o: perform_job(Worker, {}), "does not define perform"),
    ("perform_job(Plain, 'x')", lambda o: perform_job(Plain, "x"), "must be a dict"),
    ("Repo.get(int, 1)", lambda o: Repo.get(int, 1), "a record class such as Order"),
    ("Repo.get(Order, '1')", lambda o: Repo.get(Order, "1"), "integer id, got '1'"),
    ("Repo.all(3)", lambda o: Repo.all(3), "a record class such as Order"),
    ("Repo.insert(3)", lambda o: Repo.insert(3), "a record class such as Order"),
    ("Repo.insert(Order(total='x'))", lambda o: Repo.insert(Order(total="x")),
     "invalid input syntax for type integer"),
    ("Repo.query(3)", lambda o: Repo.query(3), "the SQL as a string"),
    ("Repo.execute(None)", lambda o: Repo.execute(None), "the SQL as a string"),
    ("Repo.sandbox() nested", lambda o: Repo.sandbox().__enter__(), "do not nest"),
    ("get_order('1')", lambda o: get_order("1"), "integer id, got '1'"),
    ("get_order(None)", lambda o: get_order(None), "integer id, got None"),
    ("refund_order('x', r)", lambda o: refund_order("x", "r"), "expects an Order"),
    ("refund_order(dict, r)", lambda o: refund_order({"total": 99}, "r"), "expects an Order"),
    ("insert('pizza')", lambda o: insert("pizza"), "no factory 'pizza'"),
    ("insert(['order'])", lambda o: insert(["order"]), "no factory ['order']"),
    ("insert('order', 3)", lambda o: insert("order", 3), "got 3"),
    ("insert('order', 'bogus')", lambda o: insert("order", "bogus"), "no trait 'bogus'"),
    ("insert('order', id=5)", lambda o: insert("order", id=5), "the database gives the id"),
    ("insert('order', total='x')", lambda o: insert("order", total="x"), "type integer"),
    ("insert('order', total=2**40)", lambda o: insert("order", total=2**40), "out of range"),
    ("insert('order', notes=NUL)", lambda o: insert("order", notes="a\x00"), "NUL"),
]


@pytest.mark.parametrize(("call", "fragment"),
                         [pytest.param(c, f, id=i) for i, c, f in WRONG_TYPES])
def test_the_wrong_type_gives_the_packages_own_clear_error(oban, call, fragment):
    with pytest.raises(TrainerError) as caught:
        call(oban)
    message = str(caught.value)
    assert fragment in message
    assert 20 <= len(message) <= 600 and "Traceback" not in message


def test_a_filter_json_cannot_hold_gives_the_packages_error(oban):
    for filters in ({"args": {"id": {1, 2}}}, {"meta": {"at": datetime(2024, 1, 1)}}):
        with pytest.raises(ArgumentError, match="JSON cannot store"):
            oban.list_jobs(**filters)


def test_a_testing_filter_of_the_wrong_type_gives_the_packages_error(oban):
    oban.insert(Plain.new({}))
    for filters in ({"id": "1"}, {"delta": "x", "scheduled_at": utcnow()}, {"priority": "x"},
                    {"attempt": 0.5}, {"tags": 3}, {"queue": ""}, {"delta": -1, "id": 1}):
        with pytest.raises(TrainerError):
            all_enqueued(**filters)
