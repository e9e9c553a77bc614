"""User-defined cadences on in-memory fakes: storing, assigning, resolving (issue 3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ringback.cli.cadence import read_cadence_file
from ringback.domain.cadence import DEFAULT_CADENCE
from ringback.domain.errors import InvalidField, NotFound
from ringback.domain.model import Channel, Contact, Outcome, Touch
from ringback.domain.phone import parse_phone
from ringback.domain.planner import DAY
from ringback.services.cadences import (
    assign_contact,
    assign_segment,
    cadence_picker,
    get_cadence,
    list_cadences,
    save_cadence,
)
from ringback.services.contacts import add_contact
from ringback.services.plan import plan_range
from ringback.services.touches import log_touch
from tests.unit.fakes import FakeCadences, FakeUnitOfWork

NOW = datetime(2026, 11, 13, 15, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 24, tzinfo=UTC)
FAST = {"key": "fast", "name": "Fast", "first_wait": "1d", "then_wait": "2d"}


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def person(index: int, segment: str | None = None) -> Contact:
    return Contact(
        full_name=f"Person {index}",
        first_name=f"P{index}",
        phones=(parse_phone(f"+1 212 555 {index:04d}"),),
        timezone="America/New_York",
        segment=segment,
        created_at=NOW,
    )


def add(uow: FakeUnitOfWork, index: int, segment: str | None = None) -> int:
    return add_contact(lambda: uow, person(index, segment), NOW).id or 0


def due_after_no_answer(uow: FakeUnitOfWork, contact_id: int) -> datetime:
    touch = Touch(contact_id, Channel.CALL, Outcome.NO_ANSWER, NOW + timedelta(hours=1))
    due = log_touch(lambda: uow, touch).state.next_due_at
    assert due is not None
    return due


def test_a_saved_cadence_is_listed_after_the_default(uow: FakeUnitOfWork) -> None:
    saved = save_cadence(lambda: uow, FAST, NOW)

    assert saved.first_wait == timedelta(days=1)
    assert [c.key for c in list_cadences(lambda: uow)] == ["default", "fast"]
    assert get_cadence(lambda: uow, "fast") == saved


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**FAST, "frist_wait": "2d"}, "frist_wait"),
        ({**FAST, "first_wait": "-1d"}, "first_wait"),
        ({**FAST, "steps": [{"channel": "fax", "template": "x"}]}, "steps[0].channel"),
        ({"name": "no key"}, "key"),
    ],
)
def test_a_bad_cadence_names_the_key_and_stores_nothing(
    uow: FakeUnitOfWork, data: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidField) as error:
        save_cadence(lambda: uow, data, NOW)

    assert error.value.field == field
    assert [c.key for c in list_cadences(lambda: uow)] == ["default"]


def test_an_unknown_key_is_refused_and_nothing_changes(uow: FakeUnitOfWork) -> None:
    alice = add(uow, 1, segment="partners")

    with pytest.raises(NotFound, match="'nope'"):
        assign_contact(lambda: uow, str(alice), "nope", "US")
    with pytest.raises(NotFound, match="'nope'"):
        assign_segment(lambda: uow, "partners", "nope")

    assert uow.contacts.get(alice).cadence is None
    assert uow.cadences.segments() == {}


def test_a_contacts_cadence_sets_the_wait_after_a_touch(uow: FakeUnitOfWork) -> None:
    save_cadence(lambda: uow, FAST, NOW)
    alice, bob = add(uow, 1), add(uow, 2)

    contact, _ = assign_contact(lambda: uow, str(alice), "fast", "US")

    assert contact.cadence == "fast"
    assert uow.contacts.get(alice).cadence == "fast"
    fast, default = due_after_no_answer(uow, alice), due_after_no_answer(uow, bob)
    assert fast < default
    assert fast - NOW < timedelta(days=2)


def test_a_segments_cadence_applies_unless_the_contact_has_its_own(uow: FakeUnitOfWork) -> None:
    save_cadence(lambda: uow, FAST, NOW)
    save_cadence(lambda: uow, {**FAST, "key": "slow", "first_wait": "10d"}, NOW)
    member, own, outsider = add(uow, 1, "partners"), add(uow, 2, "partners"), add(uow, 3)
    assign_contact(lambda: uow, str(own), "slow", "US")

    assert assign_segment(lambda: uow, "partners", "fast") == 2

    fast, slow = due_after_no_answer(uow, member), due_after_no_answer(uow, own)
    default = due_after_no_answer(uow, outsider)
    assert fast < default < slow


def test_the_picker_prefers_contact_then_segment_then_default() -> None:
    fast = replace(DEFAULT_CADENCE, key="fast", name="Fast")
    slow = replace(DEFAULT_CADENCE, key="slow", name="Slow")
    pick = cadence_picker({"fast": fast, "slow": slow}, {"partners": "fast"})

    assert pick(replace(person(1, "partners"), cadence="slow")) == slow
    assert pick(person(2, "partners")) == fast
    assert pick(replace(person(3, "partners"), cadence="gone")) == fast
    assert pick(person(4, "others")) == DEFAULT_CADENCE


def test_a_plan_reads_the_catalogue_once(
    uow: FakeUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_cadence(lambda: uow, FAST, NOW)
    assign_segment(lambda: uow, "partners", "fast")
    for index in range(20):
        add(uow, index, "partners")
    reads: list[int] = []
    original = FakeCadences.list

    def counted(self: FakeCadences) -> list[object]:
        reads.append(1)
        return list(original(self))

    monkeypatch.setattr(FakeCadences, "list", counted)

    plan = plan_range(lambda: uow, TUESDAY, TUESDAY + DAY, capacity=5)

    assert plan.items
    assert len(reads) == 1


def test_a_stored_default_replaces_the_built_in_one() -> None:
    mine = replace(DEFAULT_CADENCE, name="Mine", first_wait=timedelta(days=2))
    pick = cadence_picker({"default": mine})

    assert pick(person(1)) == mine
    assert pick(replace(person(2), cadence="gone")) == mine


def test_the_documented_example_file_is_a_valid_cadence(uow: FakeUnitOfWork) -> None:
    example = Path(__file__).parents[2] / "docs" / "examples" / "cadence.yaml"

    saved = save_cadence(lambda: uow, read_cadence_file(example), NOW)

    assert (saved.key, saved.first_wait) == ("referrals", timedelta(days=1))


def test_a_contact_naming_an_unknown_cadence_is_refused_naming_the_field(
    uow: FakeUnitOfWork,
) -> None:
    with pytest.raises(InvalidField) as refused:
        add_contact(lambda: uow, replace(person(1), cadence="fats"), NOW)
    assert refused.value.field == "cadence"
    assert "'fats'" in refused.value.message and "default" in refused.value.message
    assert uow.contacts.count() == 0


def test_a_contact_may_name_a_stored_cadence_or_the_default(uow: FakeUnitOfWork) -> None:
    save_cadence(lambda: uow, FAST, NOW)
    add_contact(lambda: uow, replace(person(1), cadence="fast"), NOW)
    add_contact(lambda: uow, replace(person(2), cadence=DEFAULT_CADENCE.key), NOW)
    assert uow.contacts.count() == 2
