"""map_chunks: results in input order, in-process for small inputs, workers for large."""

from __future__ import annotations

import os

from ringback.services.parallel import Chunk, map_chunks


def squares(numbers: list[int]) -> list[int]:
    return [n * n for n in numbers]


def process_ids(numbers: list[int]) -> list[int]:
    return [os.getpid() for _ in numbers]


def chunks(count: int, size: int = 10) -> list[Chunk[int]]:
    return [Chunk(first, list(range(first, first + size))) for first in range(0, count, size)]


def test_small_inputs_run_in_process() -> None:
    done = list(map_chunks(process_ids, chunks(20), workers=2))
    assert {pid for _, result in done for pid in result} == {os.getpid()}


def test_large_inputs_run_in_workers_and_keep_order() -> None:
    done = list(map_chunks(squares, chunks(200), workers=2))
    assert [chunk.first_row for chunk, _ in done] == list(range(0, 200, 10))
    assert [n for _, result in done for n in result] == [n * n for n in range(200)]
    pids = {pid for _, result in map_chunks(process_ids, chunks(200), workers=2) for pid in result}
    assert os.getpid() not in pids


def test_zero_workers_means_in_process() -> None:
    done = list(map_chunks(process_ids, chunks(200), workers=0))
    assert {pid for _, result in done for pid in result} == {os.getpid()}
