"""map_ordered: results in input order, in-process for small inputs, workers for large."""

from __future__ import annotations

import gc
import os

import pytest

from ringback.services.parallel import _run_in_worker, map_ordered


def squares(numbers: list[int]) -> list[int]:
    return [n * n for n in numbers]


def process_ids(numbers: list[int]) -> list[int]:
    return [os.getpid() for _ in numbers]


def chunks(count: int, size: int = 10) -> list[list[int]]:
    return [list(range(first, first + size)) for first in range(0, count, size)]


def test_small_inputs_run_in_process() -> None:
    done = list(map_ordered(process_ids, chunks(20), workers=2))
    assert {pid for result in done for pid in result} == {os.getpid()}


def test_large_inputs_run_in_workers_and_keep_order() -> None:
    done = list(map_ordered(squares, chunks(200), workers=2))
    assert [n for result in done for n in result] == [n * n for n in range(200)]
    pids = {pid for result in map_ordered(process_ids, chunks(200), workers=2) for pid in result}
    assert os.getpid() not in pids


def test_zero_workers_means_in_process() -> None:
    done = list(map_ordered(process_ids, chunks(200), workers=0))
    assert {pid for result in done for pid in result} == {os.getpid()}


def collector_states(numbers: list[int]) -> list[bool]:
    return [gc.isenabled() for _ in numbers]


def failing(numbers: list[int]) -> list[int]:
    raise ValueError("bad chunk")


def test_a_worker_pauses_the_garbage_collector_only_during_a_task() -> None:
    try:
        assert _run_in_worker(collector_states, [1, 2]) == [False, False]
        assert gc.isenabled()
        with pytest.raises(ValueError):
            _run_in_worker(failing, [1])
        assert gc.isenabled()
    finally:
        gc.unfreeze()
