"""Connections are never shared between threads: a rollback on one never removes another
thread's committed write, and a test's sandbox is joined only by threads it allows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from trainer.course.chowmojo import Order
from trainer.errors import ArgumentError

pytestmark = pytest.mark.no_sandbox


def in_thread(work: Callable[[], Any], before_start: Callable[[threading.Thread], None] = (
        lambda thread: None)) -> Any:
    """Run `work` on a new thread; return its result or raise its error here."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - raised again below
            outcome["error"] = error

    thread = threading.Thread(target=target)
    before_start(thread)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def notes(repo) -> list[str | None]:
    return [order.notes for order in repo.all(Order)]


class RolledBack(Exception):
    pass


def test_a_rollback_on_one_thread_never_removes_another_threads_committed_write(committed):
    repo = committed
    a_inserted, b_committed = threading.Event(), threading.Event()

    def thread_a() -> None:
        try:
            with repo.transaction():
                repo.insert(Order(notes="A, rolled back"))
                a_inserted.set()
                assert b_committed.wait(timeout=30)
                raise RolledBack
        except RolledBack:
            pass

    def thread_b() -> None:
        assert a_inserted.wait(timeout=30)
        # An autocommit statement while A's transaction is open on another connection.
        repo.execute("INSERT INTO orders (notes, inserted_at, updated_at) "
                     "VALUES ('B, committed', now(), now())")
        b_committed.set()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert notes(repo) == ["B, committed"]


def test_a_transaction_on_one_thread_is_invisible_to_another_until_it_commits(committed):
    repo = committed
    with repo.transaction():
        repo.insert(Order(notes="pending"))
        assert notes(repo) == ["pending"]
        assert in_thread(lambda: notes(repo)) == []
    assert in_thread(lambda: notes(repo)) == ["pending"]


def test_threads_share_a_sandbox_only_when_allowed(committed):
    repo = committed
    with repo.sandbox() as box:
        repo.insert(Order(notes="in the sandbox"))
        # A thread that was not allowed works outside: it sees nothing of the sandbox,
        # and what it writes is committed.
        assert in_thread(lambda: (repo.in_sandbox, notes(repo))) == (False, [])
        in_thread(lambda: repo.insert(Order(notes="outside")))
        # An allowed thread works inside: it sees the sandbox's rows (and what others
        # committed), and its writes are the sandbox's, rolled back with it.
        seen = in_thread(lambda: (repo.in_sandbox, notes(repo),
                                  repo.insert(Order(notes="allowed thread"))),
                         before_start=box.allow)
        assert seen[:2] == (True, ["in the sandbox", "outside"])
        assert notes(repo) == ["in the sandbox", "outside", "allowed thread"]
    assert notes(repo) == ["outside"]


def test_an_allowance_ends_with_its_sandbox(committed):
    repo = committed
    ready, go = threading.Event(), threading.Event()
    seen: list[Any] = []

    def worker() -> None:
        seen.append(repo.in_sandbox)
        ready.set()
        assert go.wait(timeout=30)
        seen.append(repo.in_sandbox)

    thread = threading.Thread(target=worker)
    with repo.sandbox() as box:
        box.allow(thread)
        thread.start()
        assert ready.wait(timeout=30)
    go.set()
    thread.join(timeout=30)
    assert seen == [True, False]


def test_sandboxes_do_not_nest_in_one_context_but_each_thread_may_have_its_own(committed):
    repo = committed
    with repo.sandbox():
        repo.insert(Order(notes="first sandbox"))
        with pytest.raises(ArgumentError, match="do not nest"), repo.sandbox():
            pass

        def own_sandbox() -> list[str | None]:
            with repo.sandbox():
                repo.insert(Order(notes="second sandbox"))
                return notes(repo)

        assert in_thread(own_sandbox) == ["second sandbox"]
        assert notes(repo) == ["first sandbox"]
    assert notes(repo) == []


def test_allow_takes_a_thread(committed):
    with committed.sandbox() as box, pytest.raises(ArgumentError, match="threading.Thread"):
        box.allow(threading.get_ident())  # type: ignore[arg-type]
