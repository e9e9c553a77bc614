"""The lead score model (R11): train, score, explain, evaluate, store as plain data.

`train` needs enough finished contacts of both kinds (MIN_PER_CLASS each); with
less history there is no model and no score — never a made-up number. Features
seen on fewer than MIN_SUPPORT training contacts are left out: a value met twice
teaches nothing that generalises.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ringback.domain.scoring.examples import Example
from ringback.domain.scoring.logistic import auc, fit_logistic, sigmoid

MIN_PER_CLASS = 10
MIN_SUPPORT = 3
L2 = 1.0
TRAIN_SHARE = 0.7  # the time-ordered split: the oldest 70 % train, the rest test
TOP_FACTORS = 3


@dataclass(frozen=True)
class Factor:
    """A feature's contribution to one contact's score, on the log-odds scale."""

    feature: str
    contribution: float


@dataclass(frozen=True)
class ScoreModel:
    intercept: float
    weights: dict[str, float]
    fitted_at: datetime
    examples: int
    positives: int
    fingerprint: str = ""  # what the history looked like when fitted (staleness check)

    def probability(self, features: Mapping[str, float]) -> float:
        """The probability that the contact engages (R11)."""
        return sigmoid(self.intercept + sum(c.contribution for c in self.factors(features)))

    def factors(self, features: Mapping[str, float]) -> list[Factor]:
        """Every known feature's contribution, largest effect first (ties by name)."""
        found = [
            Factor(name, self.weights[name] * value)
            for name, value in features.items()
            if name in self.weights and value
        ]
        return sorted(found, key=lambda f: (-abs(f.contribution), f.feature))

    def explain(self, features: Mapping[str, float], top: int = TOP_FACTORS) -> list[Factor]:
        """The `top` factors that moved this contact's score the most."""
        return [f for f in self.factors(features) if f.contribution][:top]

    def to_dict(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "weights": dict(self.weights),
            "fitted_at": self.fitted_at.isoformat(),
            "examples": self.examples,
            "positives": self.positives,
            "fingerprint": self.fingerprint,
        }


def model_from_dict(data: Mapping[str, Any]) -> ScoreModel | None:
    """The stored model, or None when the stored data is not one (an older shape)."""
    try:
        return ScoreModel(
            float(data["intercept"]),
            {str(k): float(v) for k, v in data["weights"].items()},
            datetime.fromisoformat(data["fitted_at"]),
            int(data["examples"]),
            int(data["positives"]),
            str(data.get("fingerprint", "")),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def too_little(examples: Sequence[Example]) -> str | None:
    """Why `examples` cannot train a model, or None when they can."""
    positives = sum(e.engaged for e in examples)
    negatives = len(examples) - positives
    if positives < MIN_PER_CLASS or negatives < MIN_PER_CLASS:
        return (
            f"too little history: {positives} engaged and {negatives} cold or refused "
            f"finished contacts; the lead score needs at least {MIN_PER_CLASS} of each"
        )
    return None


def train(
    examples: Sequence[Example], fitted_at: datetime, fingerprint: str = ""
) -> ScoreModel | None:
    """A model fitted on `examples`, or None when there are too few (see `too_little`)."""
    if too_little(examples):
        return None
    support = Counter(name for e in examples for name in e.features)
    rows = [{n: v for n, v in e.features.items() if support[n] >= MIN_SUPPORT} for e in examples]
    fit = fit_logistic(rows, [e.engaged for e in examples], l2=L2)
    positives = sum(e.engaged for e in examples)
    return ScoreModel(fit.intercept, fit.weights, fitted_at, len(examples), positives, fingerprint)


@dataclass(frozen=True)
class Evaluation:
    """The score tested on contacts finished after the cut, trained on those before."""

    trained_on: int
    tested_on: int
    cut: datetime | None
    auc: float | None
    base_rate: float | None  # share of engaged contacts in the test period
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "trained_on": self.trained_on,
            "tested_on": self.tested_on,
            "cut": self.cut.isoformat() if self.cut else None,
            "auc": self.auc,
            "base_rate": self.base_rate,
            "message": self.message,
        }


def time_split(
    examples: Sequence[Example], share: float = TRAIN_SHARE
) -> tuple[list[Example], list[Example], datetime | None]:
    """Train on the contacts finished before the cut, test on those finished at or after.

    The cut is the finishing time of the first example past `share` of them, so no
    test contact finished before any training contact: the test looks only forward.
    """
    ordered = sorted(examples, key=lambda e: e.finished_at)
    if len(ordered) < 2:
        return ordered, [], None
    cut = ordered[min(len(ordered) - 1, max(1, math.floor(len(ordered) * share)))].finished_at
    train_part = [e for e in ordered if e.finished_at < cut]
    test_part = [e for e in ordered if e.finished_at >= cut]
    return train_part, test_part, cut


def evaluate(examples: Sequence[Example], now: datetime) -> Evaluation:
    """AUC on a time-ordered split, or a clear message when the history is too short."""
    train_part, test_part, cut = time_split(examples)
    problem = too_little(train_part)
    if problem:
        return Evaluation(len(train_part), len(test_part), cut, None, None, f"training {problem}")
    model = train(train_part, now)
    assert model is not None
    labels = [e.engaged for e in test_part]
    scores = [model.probability(e.features) for e in test_part]
    area = auc(scores, labels)
    base = sum(labels) / len(labels) if labels else None
    if area is None:
        message = "the test period has contacts of only one kind; AUC needs both"
    else:
        message = f"AUC {area:.3f} on {len(test_part)} contacts finished since {cut:%Y-%m-%d}"
    return Evaluation(len(train_part), len(test_part), cut, area, base, message)


STALE_AFTER = timedelta(days=1)
CHANGED_STALE_AFTER = timedelta(hours=1)


def is_stale(
    checked_at: datetime, fingerprint_then: str, fingerprint_now: str, now: datetime
) -> bool:
    """Refit a day after the last fit, or an hour after it once the history changed."""
    age = now - checked_at
    return age >= STALE_AFTER or (
        fingerprint_then != fingerprint_now and age >= CHANGED_STALE_AFTER
    )
