"""The day's plan over a large SQLite database against the bare indexed due query.

    python -m bench.plan_bench [--db PATH] [--contacts 1000000] [--touches 20000000]
                               [--day 2025-01-06] [--capacity N] [--repeat 5]

Builds the database with bench.generate.build_database when PATH does not exist
(1M contacts / 20M touches by default; this takes long), else reuses it. Measures,
in one run, the median of `--repeat` runs of:

(a) the bare indexed SQL selecting the due rows for the day (`next_due_at < end of
    day`, status that can act), all of them, straight from the driver; and the same
    query cut to the rows the planner reads (`LIMIT` per status, see services/plan);
(b) the full `plan_range` for that day with the default capacity (R14, R18), with
    the learned best-time model (R16: the answer counts are folded in first, once,
    timed on its own as the one-off first fold; each timed plan then folds in the
    calls logged since, here none) and, side by side, with the spreading default.

Targets (issue 3): (b) ≤ 1 s and ≤ 3 × (a). Then logging one touch (state update
included) on a contact with a long history against one with none: O(1) in history.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from bench.generate import build_database
from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import SqlUnitOfWork, sql_uow_factory
from ringback.domain.model import Channel, Contact, FollowUpState, Outcome, Touch
from ringback.domain.policy import DEFAULT_POLICY
from ringback.domain.timing import SpreadTiming
from ringback.services.plan import OVERSAMPLE, PLANNABLE, plan_range
from ringback.services.timing import refresh_answer_counts
from ringback.services.touches import record_touch

# Files SQLite and the engine's writer gate keep beside a database.
BESIDE = ("-wal", "-shm", "-lock")
TARGET_SECONDS = 1.0
TARGET_RATIO = 3.0
LONG_HISTORY = 10_000
DUE_ROWS = (
    "SELECT * FROM followup_state WHERE next_due_at < :end AND status IN ({statuses})"
    " ORDER BY next_due_at"
)
DUE_ROWS_CUT = (
    "SELECT * FROM followup_state WHERE status = :status AND next_due_at < :end"
    " ORDER BY next_due_at LIMIT :limit"
)


def timed(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds of `repeat` runs (after one warm-up) and the last result."""
    result = func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bare_due_rows(engine: Engine, end: datetime) -> int:
    statuses = ", ".join(f"'{s.value}'" for s in PLANNABLE)
    with engine.connect() as connection:
        rows = connection.execute(text(DUE_ROWS.format(statuses=statuses)), {"end": end})
        return len(rows.fetchall())


def bare_due_rows_cut(engine: Engine, end: datetime, limit: int) -> int:
    with engine.connect() as connection:
        found = 0
        for status in PLANNABLE:
            params = {"status": status.value, "end": end, "limit": limit}
            found += len(connection.execute(text(DUE_ROWS_CUT), params).fetchall())
        return found


def touch_timing(engine: Engine, repeat: int) -> tuple[float, float]:
    """Median seconds to record one touch with a long history and with none (rolled back)."""
    uow_factory = sql_uow_factory(engine)
    with uow_factory() as uow:
        long_id, short_id = uow.contacts.add_many(
            [Contact("Long History", "Long"), Contact("Short History", "Short")]
        )
        start = datetime(2020, 1, 1, tzinfo=UTC)
        history = [_touch(long_id, start + timedelta(hours=i)) for i in range(LONG_HISTORY)]
        uow.touches.add_many(history)
        uow.states.save_many([FollowUpState(long_id), FollowUpState(short_id)])
        at = start + timedelta(days=3650)
        long_s = _median(lambda: record_touch(uow, _touch(long_id, at)), repeat)
        short_s = _median(lambda: record_touch(uow, _touch(short_id, at)), repeat)
        uow.rollback()
    return long_s, short_s


def _median(func: Callable[[], object], repeat: int) -> float:
    return timed(func, repeat)[0]


def _touch(contact_id: int, at: datetime) -> Touch:
    return Touch(contact_id, Channel.CALL, Outcome.NO_ANSWER, at)


def ensure_database(path: Path, contacts: int, touches: int) -> str:
    url = f"sqlite:///{path}"
    if not path.exists():
        print(f"building {contacts:,} contacts / {touches:,} touches → {path}", file=sys.stderr)
        # Built aside and renamed when complete: an interrupted build is never reused.
        partial = path.with_name(path.name + ".partial")
        besides = [partial.with_name(partial.name + suffix) for suffix in BESIDE]
        for leftover in (partial, *besides):
            leftover.unlink(missing_ok=True)
        started, cpu = time.perf_counter(), cpu_seconds()
        build_database(f"sqlite:///{partial}", contacts=contacts, touches=touches, progress=True)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        if any(beside.exists() for beside in besides[:2]):
            raise RuntimeError(f"{partial} still has a write-ahead log: not renamed")
        partial.rename(path)
        besides[2].unlink(missing_ok=True)  # the lock file is named after the old name
        print(
            f"built in {seconds:.0f} s ({touches / seconds:,.0f} touches/s overall), "
            f"{cpu:.0f} s of CPU in all its processes; load average {load_average()}",
            file=sys.stderr,
        )
    migrate.upgrade(url)  # a database built by an older version gets the new indexes
    return url


def first_fold(uow_factory: Callable[[], SqlUnitOfWork]) -> tuple[float, int]:
    """Seconds to fold every logged call into the answer counts, and how many calls."""
    started = time.perf_counter()
    found = refresh_answer_counts(uow_factory)
    return time.perf_counter() - started, sum(t.attempts for t in found.values())


def cpu_seconds() -> float:
    """User + system CPU of this process and of its children that have ended."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def plan_day(engine: Engine, day: str | None) -> datetime:
    """The given day, else the first Monday after the last touch (a business day)."""
    if day is not None:
        return datetime.fromisoformat(day).replace(tzinfo=UTC)
    with engine.connect() as connection:
        last = connection.execute(text("SELECT max(at) FROM touches")).scalar_one()
    after = datetime.fromisoformat(str(last)[:10]) if last else datetime(2025, 1, 1)
    monday = after + timedelta(days=7 - after.weekday())
    return monday.replace(tzinfo=UTC)


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        people = connection.execute(text("SELECT count(*) FROM contacts")).scalar_one()
        touches = connection.execute(text("SELECT max(id) FROM touches")).scalar_one()
    return int(people), int(touches or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/rb-plan-bench/plan-1m.sqlite"))
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--touches", type=int, default=20_000_000)
    parser.add_argument("--day", help="UTC day to plan, ISO date (default: after the history)")
    parser.add_argument("--capacity", type=int, default=DEFAULT_POLICY.daily_capacity)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = ensure_database(args.db, args.contacts, args.touches)
    engine = make_engine(url)
    start = plan_day(engine, args.day)
    end = start + timedelta(days=1)
    people, touches = counts(engine)
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite")
    print(f"database: {people:,} contacts, {touches:,} touches; day {start:%a %Y-%m-%d} (UTC)")
    print(f"load average before: {load_average()}")
    all_s, all_rows = timed(lambda: bare_due_rows(engine, end), args.repeat)
    limit = args.capacity * OVERSAMPLE
    cut_s, cut_rows = timed(lambda: bare_due_rows_cut(engine, end, limit), args.repeat)
    uow_factory = sql_uow_factory(engine)
    fold_s, calls = first_fold(uow_factory)
    print(f"first fold of the answer counts (R16, one-off): {fold_s:.1f} s ({calls:,} calls)")
    spread_s, _ = timed(
        lambda: plan_range(uow_factory, start, end, args.capacity, timing=SpreadTiming()),
        args.repeat,
    )
    plan_s, plan = timed(lambda: plan_range(uow_factory, start, end, args.capacity), args.repeat)
    report(all_s, all_rows, cut_s, cut_rows, plan_s, plan)
    learned = sum("R16" in item.action.reason for item in getattr(plan, "items", ()))
    print(
        f"(b) with the learned model: {plan_s * 1000:.1f} ms ({learned} items timed by R16); "
        f"with SpreadTiming: {spread_s * 1000:.1f} ms"
    )
    long_s, short_s = touch_timing(engine, args.repeat * 4)
    print(
        f"log one touch: {long_s * 1000:.2f} ms with {LONG_HISTORY:,} earlier touches, "
        f"{short_s * 1000:.2f} ms with none (ratio {long_s / short_s:.2f}; O(1))"
    )
    print(f"load average after: {load_average()}")


def report(
    all_s: float, all_rows: object, cut_s: float, cut_rows: object, plan_s: float, plan: object
) -> None:
    items = len(getattr(plan, "items", ()))
    deferred = sum(getattr(plan, "deferred_counts", {}).values())
    print(f"(a) bare indexed due query, all due rows:   {all_s * 1000:8.1f} ms ({all_rows:,} rows)")
    print(f"    same, cut to the planner's read size:   {cut_s * 1000:8.1f} ms ({cut_rows:,} rows)")
    print(f"(b) plan_range for the day:                 {plan_s * 1000:8.1f} ms "
          f"({items} planned, {deferred:,} deferred)")  # fmt: skip
    ratio = plan_s / all_s
    print(f"ratio (b)/(a): {ratio:.2f}; (b)/(a, cut): {plan_s / cut_s:.2f}")
    print(
        f"target (b) ≤ {TARGET_SECONDS:.0f} s: {'met' if plan_s <= TARGET_SECONDS else 'NOT met'}"
    )
    print(f"target (b) ≤ {TARGET_RATIO:.0f} × (a): {'met' if ratio <= TARGET_RATIO else 'NOT met'}")


if __name__ == "__main__":
    main()
