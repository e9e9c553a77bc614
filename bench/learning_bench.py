"""Lead score (R11) and analytics timings on a generated database (issue 7).

    python -m bench.learning_bench [--db PATH] [--contacts 100000] [--touches 2000000]
                                   [--repeat 3]

Builds the database with `bench.generate.build_database` when `--db` does not exist,
then reports the median of `--repeat` runs of: every analytics chart
(`load_stats`, as the page and `ringback stats` load them), a refit of the lead
score on the most recent finished contacts (`refit`), a time-split evaluation, and
scoring a page of 50 contacts as the API does; then the heatmap again once its
counts are stored (what a page view costs when no call was logged since).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from bench.generate import build_database
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import sql_uow_factory
from ringback.services.analytics import load_stats
from ringback.services.ports import StatsFilter
from ringback.services.scoring import evaluate_history, refit, score_contacts

T = TypeVar("T")


def timed(func: Callable[[], T], repeat: int) -> tuple[str, T]:
    """Median wall and CPU seconds of `repeat` runs (CPU: this process, not the database
    server — on SQLite that is all the work, on a shared machine the steadier figure)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    return f"{statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU", result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/rb-learning-bench/100k.sqlite"))
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--touches", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = f"sqlite:///{args.db}"
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        build_database(url, contacts=args.contacts, touches=args.touches, progress=True)
        print(f"built in {time.perf_counter() - started:.0f} s")
    uow_factory = sql_uow_factory(make_engine(url))
    now = datetime.now(UTC)
    with uow_factory() as uow:
        print(f"contacts {uow.contacts.count():,}, touches {uow.touches.count():,}")
        page = list(uow.contacts.list(limit=50))
    stats_s, stats = timed(lambda: load_stats(uow_factory, StatsFilter()), args.repeat)
    print(f"analytics, every chart: {stats_s} (funnel {[s.contacts for s in stats.funnel]})")
    fit_s, cached = timed(lambda: refit(uow_factory, now), args.repeat)
    print(f"lead score refit: {fit_s} ({cached.reason})")
    eval_s, result = timed(lambda: evaluate_history(uow_factory, now), args.repeat)
    print(f"evaluation: {eval_s} ({result.message})")
    score_s, _ = timed(lambda: score_contacts(uow_factory, page, cached.model), args.repeat)
    print(f"scoring a page of 50 contacts: {score_s}")
    load_stats(uow_factory, StatsFilter(), ["heatmap"], now=now)  # counts stored
    kept_s, _ = timed(
        lambda: load_stats(uow_factory, StatsFilter(), ["heatmap"], now=now), args.repeat
    )
    print(f"analytics, heatmap from its stored counts (no calls since): {kept_s}")
    for chart in ("heatmap", "funnel", "attempts"):
        one_s, _ = timed(lambda c=chart: load_stats(uow_factory, StatsFilter(), [c]), args.repeat)
        print(f"analytics, {chart} only, counted in full: {one_s}")


if __name__ == "__main__":
    main()
