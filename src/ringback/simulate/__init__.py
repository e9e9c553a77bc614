"""The cadence simulator: a synthetic population run through the real engine (R16).

spec.py reads the population (YAML); population.py makes the people; policies.py
names the cadences compared; run.py plays the days through the domain planner,
cadence and guardrails with a simulated clock; chart.py draws reached-over-time.
"""
