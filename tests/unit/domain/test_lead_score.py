"""The lead score (R11): features, labels, the logistic fit, explanations, evaluation."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest

from ringback.domain.model import Channel, Outcome, Status
from ringback.domain.planner import build_plan
from ringback.domain.policy import Policy
from ringback.domain.scoring import (
    Example,
    ScoreModel,
    contact_features,
    evaluate,
    example_of,
    model_from_dict,
    summarize,
    train,
)
from ringback.domain.scoring.features import ATTEMPTS, TouchSummary
from ringback.domain.scoring.logistic import auc, fit_logistic, solve_positive_definite
from ringback.domain.scoring.model import MIN_PER_CLASS, is_stale, time_split
from tests.unit.domain.personas import DAY, HOUR, MONDAY, alice, calls, fresh, inbound, touch
from tests.unit.domain.test_planner import default

# Features


def test_contact_fields_become_named_indicators() -> None:
    contact = alice(company="Acme", segment="dental, DE", fields={"size": "50-200"}, tags=("vip",))
    features = contact_features(contact, TouchSummary())
    assert features["email given"] == 1.0
    assert features["referral given"] == 1.0
    assert features["company given"] == 1.0
    assert features["country: US"] == 1.0
    assert features["segment: dental, DE"] == 1.0
    assert features["size: 50-200"] == 1.0
    assert features["tag: vip"] == 1.0
    assert "title given" not in features
    assert features["last outcome: none yet"] == 1.0
    assert features[ATTEMPTS] == 0.0


def test_free_text_custom_fields_are_not_categories() -> None:
    contact = alice(fields={"notes": "x" * 80, "empty": "  "})
    features = contact_features(contact, TouchSummary())
    assert not any(name.startswith(("notes:", "empty:")) for name in features)


def test_touch_features_count_attempts_channels_and_last_outcome() -> None:
    contact = alice()
    touches = [
        *calls(contact, [Outcome.NO_ANSWER, Outcome.VOICEMAIL_LEFT], MONDAY, DAY),
        touch(contact, Outcome.SENT, MONDAY + 3 * DAY, Channel.EMAIL),
    ]
    summary = summarize(touches)
    assert summary == TouchSummary(3, frozenset({Channel.CALL, Channel.EMAIL}), Outcome.SENT)
    features = contact_features(contact, summary)
    assert features[ATTEMPTS] == pytest.approx(math.log(4))
    assert features["channel tried: email"] == 1.0
    assert features["last outcome: sent"] == 1.0


def test_inbound_touches_are_not_attempts() -> None:
    contact = alice()
    summary = summarize([inbound(contact, Outcome.CALLBACK_RECEIVED, MONDAY)])
    assert summary.attempts == 0
    assert summary.last_outcome is Outcome.CALLBACK_RECEIVED


# Labels: features from the touches before the deciding one


def test_first_engagement_is_a_positive_example_with_the_touches_before_it() -> None:
    contact = alice()
    touches = [
        *calls(contact, [Outcome.NO_ANSWER, Outcome.NO_ANSWER], MONDAY, DAY),
        inbound(contact, Outcome.CALLBACK_RECEIVED, MONDAY + 2 * DAY),
        touch(contact, Outcome.NOT_INTERESTED, MONDAY + 5 * DAY),
    ]
    example = example_of(contact, Status.NOT_INTERESTED, touches)
    assert example is not None
    assert example.engaged is True
    assert example.finished_at == MONDAY + 2 * DAY
    assert example.features[ATTEMPTS] == pytest.approx(math.log(3))
    assert example.features["last outcome: no_answer"] == 1.0


def test_a_refusal_before_any_engagement_is_negative() -> None:
    contact = alice()
    touches = [
        touch(contact, Outcome.NO_ANSWER, MONDAY),
        touch(contact, Outcome.NOT_INTERESTED, MONDAY + DAY),
    ]
    example = example_of(contact, Status.NOT_INTERESTED, touches)
    assert example is not None and example.engaged is False
    assert example.finished_at == MONDAY + DAY


def test_a_cold_contact_is_negative_at_its_last_touch() -> None:
    contact = alice()
    touches = calls(contact, [Outcome.NO_ANSWER] * 4, MONDAY, DAY)
    example = example_of(contact, Status.COLD, touches)
    assert example is not None and example.engaged is False
    assert example.finished_at == MONDAY + 3 * DAY
    assert example.features[ATTEMPTS] == pytest.approx(math.log(4))


def test_an_active_contact_without_a_decision_is_not_an_example() -> None:
    contact = alice()
    assert (
        example_of(contact, Status.ACTIVE, calls(contact, [Outcome.NO_ANSWER], MONDAY, DAY)) is None
    )


# The fit recovers a known logistic relation


def synthetic(n: int, seed: int = 7) -> tuple[list[dict[str, float]], list[bool]]:
    """log-odds = -1 + 2·referral - 1.5·cold_market + 0·noise."""
    rng = random.Random(seed)
    rows, labels = [], []
    for _ in range(n):
        row = {
            "referral": float(rng.random() < 0.5),
            "cold market": float(rng.random() < 0.5),
            "noise": float(rng.random() < 0.5),
        }
        z = -1 + 2 * row["referral"] - 1.5 * row["cold market"]
        rows.append(row)
        labels.append(rng.random() < 1 / (1 + math.exp(-z)))
    return rows, labels


def test_fit_recovers_the_signs_and_sizes_of_known_coefficients() -> None:
    rows, labels = synthetic(4000)
    fit = fit_logistic(rows, labels, l2=0.1)
    assert fit.weights["referral"] == pytest.approx(2.0, abs=0.25)
    assert fit.weights["cold market"] == pytest.approx(-1.5, abs=0.25)
    assert abs(fit.weights["noise"]) < 0.2
    assert fit.intercept == pytest.approx(-1.0, abs=0.25)


def test_fitted_scores_rank_held_out_data_well() -> None:
    rows, labels = synthetic(2000, seed=1)
    test_rows, test_labels = synthetic(1000, seed=2)
    fit = fit_logistic(rows, labels)
    scores = [fit.intercept + sum(fit.weights[k] * v for k, v in r.items()) for r in test_rows]
    area = auc(scores, test_labels)
    assert area is not None and area > 0.75


def test_stronger_regularisation_shrinks_weights() -> None:
    rows, labels = synthetic(500)
    loose, tight = fit_logistic(rows, labels, l2=0.01), fit_logistic(rows, labels, l2=100.0)
    assert abs(tight.weights["referral"]) < abs(loose.weights["referral"]) / 2


def test_cholesky_solves_a_small_system() -> None:
    x = solve_positive_definite([[4.0, 2.0], [2.0, 3.0]], [2.0, 5.0])
    assert x == pytest.approx([-0.5, 2.0])


def test_auc_counts_ties_as_half_and_needs_both_classes() -> None:
    assert auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)
    assert auc([0.5, 0.5], [True, False]) == pytest.approx(0.5)
    assert auc([0.2, 0.3], [True, True]) is None


# The model: explain, store, too little history


def examples(n: int, seed: int = 3) -> list[Example]:
    rows, labels = synthetic(n, seed)
    return [
        Example(i, row, label, MONDAY + i * HOUR)
        for i, (row, label) in enumerate(zip(rows, labels, strict=True))
    ]


def test_explanation_lists_the_largest_contributions_first() -> None:
    model = ScoreModel(0.0, {"a": 0.5, "b": -2.0, "c": 1.0, "d": 3.0}, MONDAY, 100, 50)
    factors = model.explain({"a": 1.0, "b": 1.0, "c": 1.0, "unknown": 1.0})
    assert [f.feature for f in factors] == ["b", "c", "a"]
    assert factors[0].contribution == -2.0
    assert model.probability({"b": 1.0}) == pytest.approx(1 / (1 + math.exp(2.0)))


def test_no_model_without_enough_of_both_kinds() -> None:
    few = [e for e in examples(400) if e.engaged][:50] + [
        e for e in examples(400) if not e.engaged
    ][: MIN_PER_CLASS - 1]
    assert train(few, MONDAY) is None
    assert train(examples(400), MONDAY) is not None


def test_a_stored_model_reads_back_the_same() -> None:
    model = train(examples(300), MONDAY, "cold=3")
    assert model is not None
    assert model_from_dict(model.to_dict()) == model
    assert model_from_dict({"weights": "nonsense"}) is None


def test_rare_features_are_left_out() -> None:
    rare = [*examples(300)]
    rare[0] = Example(0, {**rare[0].features, "size: 1": 1.0}, rare[0].engaged, rare[0].finished_at)
    model = train(rare, MONDAY)
    assert model is not None and "size: 1" not in model.weights


def test_the_model_is_stale_after_a_day_or_an_hour_after_the_history_changed() -> None:
    assert not is_stale(MONDAY, "a", "a", MONDAY + 23 * HOUR)
    assert is_stale(MONDAY, "a", "a", MONDAY + DAY)
    assert not is_stale(MONDAY, "a", "b", MONDAY + timedelta(minutes=30))
    assert is_stale(MONDAY, "a", "b", MONDAY + HOUR)


# Evaluation on a time-ordered split


def test_time_split_trains_only_on_contacts_finished_before_the_test_ones() -> None:
    shuffled = examples(100)
    random.Random(5).shuffle(shuffled)
    train_part, test_part, cut = time_split(shuffled)
    assert cut is not None and len(train_part) == 70 and len(test_part) == 30
    assert max(e.finished_at for e in train_part) < cut <= min(e.finished_at for e in test_part)


def test_evaluation_reports_auc_on_the_later_contacts() -> None:
    result = evaluate(examples(600), MONDAY)
    assert result.trained_on == 420 and result.tested_on == 180
    assert result.auc is not None and result.auc > 0.7
    assert "AUC" in result.message


def test_evaluation_says_when_history_is_too_short() -> None:
    result = evaluate(examples(12), MONDAY)
    assert result.auc is None
    assert "too little history" in result.message


# The planner orders within a tier by the lead score (R18)


def test_plan_orders_contacts_of_one_tier_by_lead_score() -> None:
    contacts = [alice(id=i, full_name=f"Person {i}") for i in (1, 2, 3)]
    pairs = [(c, fresh(c)) for c in contacts]
    favourite = {1: 0.2, 2: 0.9, 3: 0.5}

    def lead(contact: object, state: object) -> float:
        return favourite[contact.id]  # type: ignore[attr-defined]

    start = MONDAY + DAY
    plan = build_plan(pairs, default, Policy(), start, start + DAY, lead=lead)
    assert [item.contact_id for item in plan.items] == [2, 3, 1]
    assert [item.lead_score for item in plan.items] == [0.9, 0.5, 0.2]
    capped = build_plan(pairs, default, Policy(), start, start + DAY, capacity=1, lead=lead)
    assert [item.contact_id for item in capped.items] == [2]
