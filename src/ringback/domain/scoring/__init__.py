"""The lead score (R11): features, labels, a logistic model, explanation, evaluation."""

from ringback.domain.scoring.examples import Example, example_of
from ringback.domain.scoring.features import (
    TouchSummary,
    contact_features,
    summarize,
    summarize_state,
)
from ringback.domain.scoring.model import (
    Evaluation,
    Factor,
    ScoreModel,
    evaluate,
    model_from_dict,
    too_little,
    train,
)

__all__ = [
    "Evaluation",
    "Example",
    "Factor",
    "ScoreModel",
    "TouchSummary",
    "contact_features",
    "evaluate",
    "example_of",
    "model_from_dict",
    "summarize",
    "summarize_state",
    "too_little",
    "train",
]
