"""Simulator runs started from the Simulator page: the cadence simulator
(ringback.simulate, what `ringback simulate` runs) in a background thread, with
progress the page polls, and the results kept in this process's memory.

A run touches no stored data, so any signed-in user may start one; the limits
below keep one user from tying up the server: one run at a time per user, at most
MAX_RUNNING at once in all, and a bounded population, number of days and amount of
work (contacts × days × policies). Longer runs belong to the command line.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ringback.domain.access import Actor
from ringback.domain.errors import InvalidField, NotFound
from ringback.services.analytics import to_csv
from ringback.simulate.chart import reached_svg
from ringback.simulate.policies import POLICIES
from ringback.simulate.run import Result, simulate
from ringback.simulate.spec import PopulationSpec

log = logging.getLogger(__name__)
MAX_CONTACTS = 2_000
MAX_DAYS = 120
MAX_WORK = 300_000  # contacts × days × policies: about the example's 60 days, all policies
MAX_RUNNING = 2
MAX_KEPT_RUNS = 20
SUMMARY_KEYS = (
    "policy",
    "contacts",
    "touches",
    "connects",
    "connects_per_touch",
    "share_reached",
    "median_days_to_first_connect",
    "touches_per_reached_contact",
    "guardrail_violations",
)


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class SimRun:
    id: str
    user: str
    spec: PopulationSpec
    policies: tuple[str, ...]
    days: int
    seed: int
    status: RunStatus = RunStatus.RUNNING
    progress: dict[str, int] = field(default_factory=dict)  # days done per policy
    results: list[Result] = field(default_factory=list)
    error: str | None = None

    @property
    def total_days(self) -> int:
        return self.days * len(self.policies)

    @property
    def percent(self) -> int:
        if self.status is RunStatus.DONE:
            return 100
        return min(99, sum(self.progress.values()) * 100 // self.total_days)

    @property
    def current(self) -> str | None:
        """The policy being simulated now."""
        unfinished = [p for p in self.policies if self.progress.get(p, 0) < self.days]
        return unfinished[0] if unfinished else None

    def summaries(self) -> list[dict[str, object]]:
        return [r.summary() for r in self.results]

    def results_json(self) -> str:
        data = {
            "days": self.days,
            "seed": self.seed,
            "policies": self.summaries(),
            "reached_by_day": {r.policy: r.reached_by_day for r in self.results},
        }
        return json.dumps(data, indent=2) + "\n"

    def results_csv(self) -> str:
        return to_csv(SUMMARY_KEYS, [[s[k] for k in SUMMARY_KEYS] for s in self.summaries()])

    def reached_svg(self) -> str:
        return reached_svg(self.results)


def check_limits(spec: PopulationSpec, days: int, policies: Sequence[str]) -> None:
    """InvalidField naming what is over a web run's limit, with the limit."""
    if not policies:
        raise InvalidField("policies", "choose at least one policy")
    unknown = [p for p in policies if p not in POLICIES]
    if unknown:
        raise InvalidField("policies", f"unknown {', '.join(unknown)}")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidField(
            "days", f"a run from the web covers 1 to {MAX_DAYS} days (`ringback simulate` more)"
        )
    if spec.size > MAX_CONTACTS:
        raise InvalidField(
            "segments",
            f"the sizes add up to {spec.size:,} contacts; a run from the web takes at most "
            f"{MAX_CONTACTS:,} (`ringback simulate` more)",
        )
    work = spec.size * days * len(policies)
    if work > MAX_WORK:
        raise InvalidField(
            "days",
            f"{spec.size:,} contacts × {days} days × {len(policies)} policies is more than a "
            f"run from the web may do ({MAX_WORK:,}): fewer days, contacts or policies",
        )


@dataclass
class SimRuns:
    """The runs of this app instance, by id; each user sees only their own."""

    runs: dict[str, SimRun] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(
        self, actor: Actor, spec: PopulationSpec, policies: Sequence[str], days: int, seed: int
    ) -> SimRun:
        """Check the limits and start the run in a thread; InvalidField when refused."""
        check_limits(spec, days, policies)
        chosen = tuple(p for p in POLICIES if p in policies)  # the page's order
        run = SimRun(secrets.token_urlsafe(9), actor.name, spec, chosen, days, seed)
        with self.lock:
            running = [r for r in self.runs.values() if r.status is RunStatus.RUNNING]
            if any(r.user == actor.name for r in running):
                raise InvalidField("run", "your previous run is still going: wait for it to end")
            if len(running) >= MAX_RUNNING:
                raise InvalidField("run", "the server is busy with other runs: try in a minute")
            self.runs[run.id] = run
            self._forget_oldest()
        threading.Thread(target=execute, args=(run,), daemon=True).start()
        return run

    def get(self, actor: Actor, run_id: str) -> SimRun:
        run = self.runs.get(run_id)
        if run is None or run.user != actor.name:
            raise NotFound(f"no simulation {run_id!r}")
        return run

    def of(self, actor: Actor) -> list[SimRun]:
        return [run for run in reversed(self.runs.values()) if run.user == actor.name]

    def _forget_oldest(self) -> None:
        while len(self.runs) > MAX_KEPT_RUNS:
            oldest = next(iter(self.runs))
            if self.runs[oldest].status is RunStatus.RUNNING:
                break
            del self.runs[oldest]


def execute(run: SimRun) -> None:
    """The whole run; its outcome lands on `run` (never raises)."""

    def advance(policy: str, day: int) -> None:
        run.progress[policy] = day

    try:
        policies = [POLICIES[p] for p in run.policies]
        run.results = simulate(run.spec, policies, run.days, run.seed, on_day=advance)
        run.status = RunStatus.DONE
    except Exception:  # a bug: the page says so instead of spinning forever
        log.exception("simulation %s failed", run.id)
        run.error, run.status = (
            "the simulation failed unexpectedly; see the server log",
            (RunStatus.FAILED),
        )
