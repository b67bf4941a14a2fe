"""The per-cell time limit stops Python code in the main thread and in a worker thread, and never fires after
its block."""

from __future__ import annotations

import threading
import time

import pytest

from bench.deadline import CellTimeout, deadline


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_stops_a_loop_in_the_main_thread() -> None:
    start = time.perf_counter()
    with pytest.raises(CellTimeout), deadline(0.2):
        spin(10)
    assert time.perf_counter() - start < 5


def test_stops_a_loop_in_a_worker_thread() -> None:
    caught = []

    def work() -> None:
        try:
            with deadline(0.2):
                spin(10)
        except CellTimeout:
            caught.append(True)

    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=8)
    assert caught == [True]


def test_no_limit_and_a_finished_block_never_raise() -> None:
    with deadline(None):
        spin(0.05)
    with deadline(0.2):
        spin(0.01)
    spin(0.5)  # past the limit, outside the block: nothing happens
