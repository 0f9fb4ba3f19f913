"""Threads released together, for races on PostgreSQL (each thread has its own connection)."""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable

import pytest
from django.db import connection

THREAD_TIMEOUT = 60.0


class Crowd:
    """``size`` threads that run one race after another, each time released together by a barrier.

    The threads, and so their database connections (Django opens one per thread), live from
    one race to the next, so that a race repeated 20 times does not open 1,000 connections;
    each thread closes its connection when the crowd is closed.
    """

    def __init__(self, size: int):
        self.size = size
        self.jobs = [queue.SimpleQueue() for _ in range(size)]
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        self.threads = [threading.Thread(target=self._serve, args=(index,), daemon=True) for index in range(size)]
        for thread in self.threads:
            thread.start()

    def _serve(self, index: int) -> None:
        try:
            while (job := self.jobs[index].get()) is not None:
                prepare, work, barrier = job
                try:
                    prepared = prepare(index)
                except BaseException as exc:
                    barrier.abort()  # the others stop waiting for this one
                    self.results.put((index, exc))
                    continue
                try:
                    barrier.wait(timeout=THREAD_TIMEOUT)
                    outcome = work(prepared)
                except BaseException as exc:  # reported by the test, whatever it is
                    outcome = exc
                self.results.put((index, outcome))
        finally:
            connection.close()

    def race(self, work: Callable[[object], object], prepare: Callable[[int], object] = lambda index: index):
        """Each thread runs ``prepare(its index)``, waits for all the others, then ``work(prepared)``.

        Returns what each ``work`` returned, or the exception it (or ``prepare``) raised, by index.
        """
        barrier = threading.Barrier(self.size)
        for jobs in self.jobs:
            jobs.put((prepare, work, barrier))
        outcomes: list[object] = [None] * self.size
        for _ in range(self.size):
            try:
                index, outcome = self.results.get(timeout=THREAD_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"a thread was still running after {THREAD_TIMEOUT:.0f} s (a lock never released?)")
            outcomes[index] = outcome
        return outcomes

    def close(self) -> None:
        for jobs in self.jobs:
            jobs.put(None)
        for thread in self.threads:
            thread.join(THREAD_TIMEOUT)

    def __enter__(self) -> Crowd:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def run_together(work: Callable[[int], object], count: int) -> list[object]:
    """``work(0)`` … ``work(count - 1)`` in threads released at the same moment; returns or exceptions."""
    with Crowd(count) as crowd:
        return crowd.race(work)


def unexpected(outcomes: list[object], allowed: tuple[type[BaseException], ...] = ()) -> str:
    """The tracebacks of exceptions other than ``allowed``, for an assertion message."""
    return "\n".join(
        "".join(traceback.format_exception(outcome))
        for outcome in outcomes
        if isinstance(outcome, BaseException) and not isinstance(outcome, allowed)
    )
