"""The cadence simulator on the documented population: every policy side by side.

    python -m bench.simulate_bench [--spec src/ringback/simulate/example.yaml]
                                   [--days 40] [--seed 1] [--out DIR]

Runs the four policies (call once, fixed time every weekday, fixed cadence without
learning, learning with R16) on the same synthetic people through the real planner,
cadence and guardrails, and prints their figures. Targets (issue 7): learning
≥ 1.5 × the connects per touch of the fixed-time cadence, no worse share reached,
0 guardrail violations.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from ringback.simulate.chart import reached_svg
from ringback.simulate.policies import POLICIES
from ringback.simulate.run import simulate
from ringback.simulate.spec import load_spec

EXAMPLE = Path(__file__).resolve().parent.parent / "src/ringback/simulate/example.yaml"
TARGET_RATIO = 1.5
FIGURES = (
    ("connects_per_touch", "connects/touch"),
    ("share_reached", "reached"),
    ("median_days_to_first_connect", "days to 1st connect"),
    ("touches_per_reached_contact", "touches/reached"),
    ("guardrail_violations", "violations"),
    ("touches", "touches"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", type=Path, default=EXAMPLE)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    spec = load_spec(args.spec.read_text(encoding="utf-8"))
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"population: {spec.size:,} contacts in {len(spec.segments)} segments, capacity "
          f"{spec.capacity}/day, {args.days} days, seed {args.seed}")  # fmt: skip
    print(f"load average before: {_load()}")
    started = time.perf_counter()
    results = simulate(spec, list(POLICIES.values()), args.days, args.seed)
    seconds = time.perf_counter() - started
    rows = {r.policy: r.summary() for r in results}
    print(f"{'policy':<15}" + "".join(f"{label:>21}" for _, label in FIGURES))
    for name, row in rows.items():
        print(f"{name:<15}" + "".join(f"{_show(row[key]):>21}" for key, _ in FIGURES))
    by_name = {r.policy: r for r in results}
    fixed, learning = by_name["fixed-time"], by_name["learning"]
    ratio = (learning.connects / learning.touches) / (fixed.connects / fixed.touches)
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"learning / fixed-time connects per touch: {ratio:.2f} (≥ {TARGET_RATIO}: {verdict})")
    reach_ok = learning.reached >= fixed.reached
    print(f"share reached, learning vs fixed-time: {'no worse' if reach_ok else 'WORSE'}")
    violations = sum(r.violations for r in results)
    print(f"guardrail violations, all policies: {violations}")
    print(f"simulated in {seconds:.0f} s; load average after: {_load()}")
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
        (args.out / "reached.svg").write_text(reached_svg(results))


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "—" if value is None else str(value)


def _load() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


if __name__ == "__main__":
    main()
