"""The lead score (R11) and analytics services on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ringback.adapters.db.settings_repository import SqlSettingsRepository
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.domain.access import Actor, Role
from ringback.domain.model import (
    Channel,
    Contact,
    Direction,
    FollowUpState,
    Outcome,
    Phone,
    Touch,
)
from ringback.domain.phone import parse_phone
from ringback.services.analytics import HEATMAP_KEY, load_stats, stats_filter
from ringback.services.plan import plan_range
from ringback.services.scoring import (
    MODEL_KEY,
    current_model,
    evaluate_history,
    score_contacts,
    stored,
)
from tests.integration.learning_history import START, seed_referral_history

UowFactory = Callable[[], SqlUnitOfWork]
LATER = START + timedelta(days=60)


def test_no_model_and_no_score_with_too_little_history(uow_factory: UowFactory) -> None:
    seed_referral_history(uow_factory, count=8)
    cached = current_model(uow_factory, LATER)
    assert cached.model is None
    assert "too little history" in cached.reason
    with uow_factory() as uow:
        contact = uow.contacts.get(1)
    assert score_contacts(uow_factory, [contact], cached.model)[1].score is None


def test_the_model_learns_that_referrals_engage_and_is_cached(uow_factory: UowFactory) -> None:
    ids = seed_referral_history(uow_factory, count=60)
    cached = current_model(uow_factory, LATER)
    model = cached.model
    assert model is not None and model.examples == 60
    assert model.weights["referral given"] > 1.0
    with uow_factory() as uow:
        assert uow.settings.get(MODEL_KEY)["checked_at"] == LATER.isoformat()
        referred, cold = uow.contacts.get(ids[2]), uow.contacts.get(ids[3])
    scores = score_contacts(uow_factory, [referred, cold], model)
    high, low = scores[ids[2]], scores[ids[3]]
    assert high.score is not None and low.score is not None and high.score > low.score
    assert "referral given" in [f.feature for f in high.factors]


def test_a_fresh_cached_model_is_not_refitted_and_a_stale_one_is(uow_factory: UowFactory) -> None:
    seed_referral_history(uow_factory, count=40)
    first = current_model(uow_factory, LATER)
    again = current_model(uow_factory, LATER + timedelta(hours=2))
    assert again.checked_at == first.checked_at
    refitted = current_model(uow_factory, LATER + timedelta(days=1))
    assert refitted.checked_at == LATER + timedelta(days=1)
    with uow_factory() as uow:
        found = stored(uow)
    assert found is not None and found.model == refitted.model


def test_new_touches_make_the_model_stale_after_an_hour(uow_factory: UowFactory) -> None:
    ids = seed_referral_history(uow_factory, count=40)
    first = current_model(uow_factory, LATER)
    with uow_factory() as uow:
        uow.touches.add(Touch(ids[0], Channel.CALL, Outcome.NO_ANSWER, LATER))
        uow.commit()
    soon = current_model(uow_factory, LATER + timedelta(minutes=30))
    assert soon.checked_at == first.checked_at
    later = current_model(uow_factory, LATER + timedelta(hours=1))
    assert later.checked_at == LATER + timedelta(hours=1)


def test_a_fit_that_cannot_be_cached_is_still_used(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_referral_history(uow_factory, count=40)

    def taken(*_: object) -> None:
        raise RuntimeError("a concurrent refit stored it first")

    monkeypatch.setattr(SqlSettingsRepository, "save", taken)
    cached = current_model(uow_factory, LATER)
    assert cached.model is not None
    with uow_factory() as uow:
        assert stored(uow) is None


def test_evaluation_on_a_time_ordered_split_reports_auc(uow_factory: UowFactory) -> None:
    seed_referral_history(uow_factory, count=80)
    result = evaluate_history(uow_factory, LATER)
    assert result.trained_on + result.tested_on == 80
    assert result.auc is not None and result.auc > 0.7
    assert result.cut is not None


NEW_YORK: dict[str, Any] = {"reason": "x", "timezone": "America/New_York", "country": "US"}


def phone(last: str) -> Phone:
    return parse_phone(f"+1 212 555 {last}")


def test_the_plan_orders_a_tier_by_the_cached_lead_score(uow_factory: UowFactory) -> None:
    seed_referral_history(uow_factory, count=60)
    current_model(uow_factory, LATER)
    with uow_factory() as uow:
        new_ids = uow.contacts.add_many(
            [
                Contact("Plain", "Plain", phones=(phone("0142"),), **NEW_YORK),
                Contact(
                    "Referred", "Referred", phones=(phone("0143"),), referred_by="Jo", **NEW_YORK
                ),
            ]
        )
        uow.states.save_many([FollowUpState(i, next_due_at=LATER) for i in new_ids])
        uow.commit()
    plan = plan_range(uow_factory, LATER, LATER + timedelta(days=1))
    order = [item.contact_id for item in plan.items]
    assert order == [new_ids[1], new_ids[0]]
    assert plan.items[0].lead_score is not None
    assert plan.items[0].lead_score > (plan.items[1].lead_score or 0)


# Analytics


def add(
    uow: SqlUnitOfWork, name: str, zone: str, owner: str | None = None, segment: str | None = None
) -> int:
    contact = uow.contacts.add(Contact(name, name, timezone=zone, owner=owner, segment=segment))
    assert contact.id is not None
    return contact.id


def call(
    contact_id: int, at: datetime, outcome: Outcome, user: str | None = None, **kw: object
) -> Touch:
    return Touch(contact_id, Channel.CALL, outcome, at, user=user, **kw)  # type: ignore[arg-type]


MON_14 = datetime(2026, 3, 2, 14, 10, tzinfo=UTC)  # 09:10 in New York, 15:10 in Berlin


@pytest.fixture
def calls_made(uow_factory: UowFactory) -> dict[str, int]:
    with uow_factory() as uow:
        ny = add(uow, "Nia", "America/New_York", segment="dental")
        be = add(uow, "Ben", "Europe/Berlin", owner="rita")
        quiet = add(uow, "Quinn", "America/New_York", owner="ravi")
        uow.touches.add_many(
            [
                call(ny, MON_14, Outcome.NO_ANSWER, "rita", template="vm.intro:a"),
                call(ny, MON_14 + timedelta(minutes=30), Outcome.CONNECTED, "rita"),
                call(ny, MON_14 + timedelta(days=1), Outcome.MEETING_BOOKED, "olivia"),
                call(be, MON_14, Outcome.NO_ANSWER, "rita"),
                call(
                    be,
                    MON_14 + timedelta(days=2),
                    Outcome.VOICEMAIL_LEFT,
                    "rita",
                    template="vm.intro:b",
                ),
                call(
                    be,
                    MON_14 + timedelta(days=3),
                    Outcome.CALLBACK_RECEIVED,
                    None,
                    direction=Direction.INBOUND,
                ),
                call(quiet, MON_14, Outcome.NO_ANSWER, "ravi"),
            ]
        )
        uow.commit()
    return {"ny": ny, "be": be, "quiet": quiet}


def owner_of_all() -> Actor:
    return Actor("olivia", Role.OWNER)


def test_heatmap_counts_calls_at_local_hours(
    uow_factory: UowFactory, calls_made: dict[str, int]
) -> None:
    stats = load_stats(uow_factory, stats_filter(owner_of_all()))
    cell = {(c.weekday, c.hour): c for c in stats.heatmap}
    assert (cell[(0, 9)].calls, cell[(0, 9)].answered) == (3, 1)  # Nia twice, Quinn once
    assert (cell[(1, 9)].calls, cell[(1, 9)].answered) == (1, 1)  # Nia's meeting
    assert (cell[(0, 15)].calls, cell[(0, 15)].answered) == (1, 0)  # Ben in Berlin
    assert (cell[(2, 15)].calls, cell[(2, 15)].answered) == (1, 0)
    assert sum(c.calls for c in stats.heatmap) == 6  # the inbound call-back is not a call made


def test_funnel_attempts_and_callbacks(uow_factory: UowFactory, calls_made: dict[str, int]) -> None:
    stats = load_stats(uow_factory, stats_filter(owner_of_all()))
    assert [(s.name, s.contacts) for s in stats.funnel] == [
        ("new", 3), ("reached", 2), ("engaged", 2), ("won", 1)
    ]  # fmt: skip
    assert stats.attempts.total == 2 and stats.attempts.bars[1].contacts == 2  # 2 attempts each
    assert stats.touches.mean == 2.5  # Nia 3 attempts, Ben 2
    rates = {r.template: (r.sent, r.called_back) for r in stats.callbacks}
    assert rates == {"vm.intro:a": (1, 0), "vm.intro:b": (1, 1)}


def test_filters_and_visibility(uow_factory: UowFactory, calls_made: dict[str, int]) -> None:
    rita = load_stats(uow_factory, stats_filter(Actor("rita", Role.REP)))
    assert rita.funnel[0].contacts == 2  # the team's Nia and her own Ben, not Ravi's Quinn
    assert sum(c.calls for c in rita.heatmap) == 5
    dental = load_stats(uow_factory, stats_filter(owner_of_all(), segment="dental"))
    assert [s.contacts for s in dental.funnel] == [1, 1, 1, 1]
    by_rita = load_stats(uow_factory, stats_filter(owner_of_all(), user="rita"))
    assert sum(c.calls for c in by_rita.heatmap) == 4
    assert by_rita.funnel[0].contacts == 2  # contacts rita touched


def test_stats_on_an_empty_database(uow_factory: UowFactory) -> None:
    stats = load_stats(uow_factory, stats_filter(owner_of_all()))
    assert all(c.calls == 0 for c in stats.heatmap)
    assert [s.contacts for s in stats.funnel] == [0, 0, 0, 0]
    assert stats.callbacks == [] and stats.attempts.mean is None


def test_the_heatmap_adds_only_the_calls_logged_since_its_stored_counts(
    uow_factory: UowFactory, calls_made: dict[str, int]
) -> None:
    scope = stats_filter(owner_of_all())
    key = f"{HEATMAP_KEY}:*||"
    load_stats(uow_factory, scope, ["heatmap"], now=MON_14)
    with uow_factory() as uow:
        stored_counts = uow.settings.get(key)
        assert stored_counts["upto"] == uow.analytics.newest_touch_id()
        stored_counts["cells"][0] = [99, 0]  # Mon 00h: a mark only the stored counts carry
        uow.settings.save(key, stored_counts, MON_14)
        uow.touches.add(call(calls_made["ny"], MON_14 + timedelta(hours=2), Outcome.CONNECTED))
        uow.commit()
    later = load_stats(uow_factory, scope, ["heatmap"], now=MON_14 + timedelta(hours=1))
    cell = {(c.weekday, c.hour): c for c in later.heatmap}
    assert cell[(0, 0)].calls == 99  # read from the stored counts, not recounted
    assert (cell[(0, 11)].calls, cell[(0, 11)].answered) == (1, 1)  # the new call, 11:10 NY
    assert cell[(0, 9)].calls == 3
    recounted = load_stats(uow_factory, scope, ["heatmap"], now=MON_14 + timedelta(days=1))
    assert recounted.heatmap == load_stats(uow_factory, scope, ["heatmap"]).heatmap
    assert {(c.weekday, c.hour): c for c in recounted.heatmap}[(0, 0)].calls == 0


def test_each_scope_keeps_its_own_heatmap_counts(
    uow_factory: UowFactory, calls_made: dict[str, int]
) -> None:
    rita = stats_filter(Actor("rita", Role.REP), segment=None, user="rita")
    load_stats(uow_factory, rita, ["heatmap"], now=MON_14)
    again = load_stats(uow_factory, rita, ["heatmap"], now=MON_14 + timedelta(minutes=5))
    assert sum(c.calls for c in again.heatmap) == 4
    everyone = load_stats(uow_factory, stats_filter(owner_of_all()), ["heatmap"], now=MON_14)
    assert sum(c.calls for c in everyone.heatmap) == 6
    with uow_factory() as uow:
        assert uow.settings.get(f"{HEATMAP_KEY}:rita,team||rita") is not None
