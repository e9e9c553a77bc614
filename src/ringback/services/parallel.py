"""Run a function over chunks of work in worker processes, in order, in bounded memory.

Imports use it to validate rows (CPU-bound, pure Python) on every core while the
calling process writes to the database. Workers are spawned, not forked: a fork would
copy open database connections and any lock another thread (a progress bar) holds.
So `func` must be picklable: a module-level function or a method of a module-level
object, never a lambda or closure, and not defined in the `__main__` module: workers
do not import the program's main module (see `_main_module_hidden`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import types
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice
from multiprocessing.pool import AsyncResult
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4
# With this many chunks or fewer, the work is done in-process: starting workers
# (about half a second: a fresh interpreter importing the domain) would dominate.
SERIAL_CHUNKS = 2
IN_FLIGHT_PER_WORKER = 2


def default_workers() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


def map_ordered(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int | None = None,
) -> Generator[R, None, None]:
    """Yield `func(item)` for each item (a chunk of work), in input order.

    `workers`: processes to use (default `default_workers()`); 0 runs in-process.
    At most a few items per worker are read ahead, so memory stays bounded whatever
    the input size.
    """
    count = default_workers() if workers is None else workers
    iterator = iter(items)
    head = list(islice(iterator, SERIAL_CHUNKS + 1))
    if count < 1 or len(head) <= SERIAL_CHUNKS:
        for item in chain(head, iterator):
            yield func(item)
        return
    yield from _in_pool(func, chain(head, iterator), count)


def _in_pool(func: Callable[[T], R], items: Iterator[T], workers: int) -> Iterator[R]:
    context = multiprocessing.get_context("spawn")
    with _main_module_hidden():
        pool = context.Pool(workers, initializer=_yield_to_caller)
    with pool:
        in_flight: deque[AsyncResult[R]] = deque()
        for item in items:
            in_flight.append(pool.apply_async(_run_in_worker, (func, item)))
            if len(in_flight) > workers * IN_FLIGHT_PER_WORKER:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start processes without making them import the program's main module.

    A spawned process first imports the main module of its parent, so that
    functions defined there can be unpickled. The `ringback` command's main module
    imports the whole application (about a second of CPU per worker, as much as
    validating ten thousand rows); the functions workers run live elsewhere. The
    processes are started while `__main__` is a bare module.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _run_in_worker(func: Callable[[T], R], item: T) -> R:
    # What a worker holds between tasks (imported modules, libphonenumber's metadata,
    # caches) lives as long as the worker: frozen, the cyclic garbage collector
    # stops re-scanning it during every task. Any cycle the last task left is
    # collected first, so nothing dead is frozen.
    gc.collect()
    gc.freeze()
    # A task (a block of rows) allocates tens of thousands of small objects that
    # die with it, almost none in cycles; collections triggered by their mere
    # number are wasted work. Off for the task: its memory is bounded by the
    # task's size.
    gc.disable()
    try:
        return func(item)
    finally:
        gc.enable()


def _yield_to_caller() -> None:
    """Run workers at a lower priority than the process that started them.

    With as many workers as cores, the caller (reading rows, writing to the
    database) would get only its fair share of a core and hold everyone up; measured
    on 2 cores, a 200k-row import runs about a quarter faster this way.
    """
    if hasattr(os, "nice"):
        os.nice(10)
