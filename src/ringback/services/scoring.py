"""The lead score (R11): fit on the team's finished contacts, cache, score, evaluate.

The fitted model is cached in the team settings store (MODEL_KEY) with the time it
was checked and a fingerprint of the history; `current_model` refits when that is
stale (domain/scoring/model.py `is_stale`). Planning reads the cache only, so a
plan never waits for a fit. Learning reads at most TRAINING_LIMIT finished
contacts, the most recently touched first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ringback.domain.model import Contact, FollowUpState
from ringback.domain.planner import LeadRanker
from ringback.domain.scoring import (
    Evaluation,
    Example,
    Factor,
    ScoreModel,
    contact_features,
    evaluate,
    example_of,
    model_from_dict,
    summarize,
    summarize_state,
    too_little,
    train,
)
from ringback.domain.scoring.model import CHANGED_STALE_AFTER, is_stale
from ringback.services.contacts import UowFactory, find_contact
from ringback.services.ports import UnitOfWork

logger = logging.getLogger(__name__)
MODEL_KEY = "lead_score_model"
TRAINING_LIMIT = 5000


@dataclass(frozen=True)
class Cached:
    """What the store holds: the model (None when history was too short) and why."""

    model: ScoreModel | None
    checked_at: datetime
    fingerprint: str
    reason: str


@dataclass(frozen=True)
class ContactScore:
    contact_id: int
    score: float | None  # None: not enough history to learn from (shown as "—")
    factors: tuple[Factor, ...] = ()


def load_examples(uow: UnitOfWork, limit: int = TRAINING_LIMIT) -> list[Example]:
    """Training examples of the most recently touched finished contacts."""
    finished = uow.learning.finished(limit)
    ids = [contact_id for contact_id, _ in finished]
    contacts = uow.contacts.get_many(ids)
    touches = uow.learning.touches_of(ids)
    examples = [
        example_of(contacts[i], status, touches.get(i, []))
        for i, status in finished
        if i in contacts
    ]
    return [e for e in examples if e is not None]


def refit(uow_factory: UowFactory, now: datetime, reader: UowFactory | None = None) -> Cached:
    """Fit on the current history and store the result (a model or the reason for none).

    Reads through `reader` when given (read-only: on SQLite it never holds up writers).
    """
    with (reader or uow_factory)() as uow:
        fingerprint = uow.learning.fingerprint()
        examples = load_examples(uow)
    model = train(examples, now, fingerprint)
    reason = too_little(examples) or f"fitted on {len(examples)} finished contacts"
    cached = Cached(model, now, fingerprint, reason)
    try:
        with uow_factory() as uow:
            uow.settings.save(MODEL_KEY, _to_data(cached), now)
            uow.commit()
    except Exception:  # the cache only saves work: e.g. a concurrent refit stored it first
        logger.warning("the fitted lead score could not be cached", exc_info=True)
    return cached


def current_model(
    uow_factory: UowFactory,
    now: datetime,
    *,
    force: bool = False,
    reader: UowFactory | None = None,
) -> Cached:
    """The cached model, refitted first when missing or stale (or when `force`)."""
    with (reader or uow_factory)() as uow:
        cached = stored(uow)
        if cached is not None and not force and now - cached.checked_at < CHANGED_STALE_AFTER:
            return cached  # fresh whatever happened since: no need to look at the history
        fingerprint = uow.learning.fingerprint()
    if force or cached is None or is_stale(cached.checked_at, cached.fingerprint, fingerprint, now):
        return refit(uow_factory, now, reader)
    return cached


def stored(uow: UnitOfWork) -> Cached | None:
    """The cached fit, without refitting (None: never fitted, or an unreadable value)."""
    data = uow.settings.get(MODEL_KEY)
    if not isinstance(data, dict):
        return None
    try:
        checked_at = datetime.fromisoformat(data["checked_at"])
        model_data = data.get("model")
        model = model_from_dict(model_data) if isinstance(model_data, dict) else None
        return Cached(model, checked_at, str(data["fingerprint"]), str(data.get("reason", "")))
    except (KeyError, TypeError, ValueError):
        return None


def _to_data(cached: Cached) -> dict[str, Any]:
    return {
        "model": cached.model.to_dict() if cached.model else None,
        "checked_at": cached.checked_at.isoformat(),
        "fingerprint": cached.fingerprint,
        "reason": cached.reason,
    }


def score_contacts(
    uow_factory: UowFactory, contacts: Sequence[Contact], model: ScoreModel | None
) -> dict[int, ContactScore]:
    """Each contact's score and top factors from its full touch history."""
    ids = [c.id for c in contacts if c.id is not None]
    if model is None:
        return {i: ContactScore(i, None) for i in ids}
    with uow_factory() as uow:
        touches = uow.learning.touches_of(ids)
    scores: dict[int, ContactScore] = {}
    for contact in contacts:
        if contact.id is None:
            continue
        features = contact_features(contact, summarize(touches.get(contact.id, [])))
        scores[contact.id] = ContactScore(
            contact.id, model.probability(features), tuple(model.explain(features))
        )
    return scores


def plan_ranker(uow: UnitOfWork) -> LeadRanker | None:
    """For the planner (R18): the cached model's score from the follow-up state, or None."""
    cached = stored(uow)
    model = cached.model if cached else None
    if model is None:
        return None

    def lead_score(contact: Contact, state: FollowUpState) -> float:
        return model.probability(contact_features(contact, summarize_state(state)))

    return lead_score


def evaluate_history(uow_factory: UowFactory, now: datetime) -> Evaluation:
    """The score's AUC on a time-ordered split of the whole history (R11)."""
    with uow_factory() as uow:
        examples = load_examples(uow)
    return evaluate(examples, now)


def score_one(
    uow_factory: UowFactory,
    ref: str,
    default_region: str,
    now: datetime,
    reader: UowFactory | None = None,
) -> tuple[Contact, ContactScore, Cached]:
    """One contact's score and top factors (an id, phone, email or name), refitting if stale."""
    reads = reader or uow_factory
    with reads() as uow:
        contact = find_contact(uow, ref, default_region)
    cached = current_model(uow_factory, now, reader=reader)
    assert contact.id is not None
    return contact, score_contacts(reads, [contact], cached.model)[contact.id], cached
