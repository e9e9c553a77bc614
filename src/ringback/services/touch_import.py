"""Bulk import of touches as a dialer or phone system exports them (CSV, JSON Lines).

Bad rows go to the rejects sink naming row and field, the rest are logged
(PRODUCT.md §7); each batch is one transaction, and a re-run skips touches already
logged. Every touch goes through the same `record_touch` as `ringback log`, so the
follow-up state advances exactly as it would have live.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ringback.domain.errors import InvalidField, NotFound, RuleRefusal
from ringback.domain.model import NextStepKind, Outcome, Touch
from ringback.domain.touch_input import touch_from_record
from ringback.services.cadences import stored_cadence_for
from ringback.services.contacts import UowFactory, find_contact
from ringback.services.import_validation import Progress, Values
from ringback.services.importing import (
    DEFAULT_BATCH,
    FIRST_DATA_ROW,
    ImportReport,
    NoRejects,
    RejectSink,
)
from ringback.services.ports import UnitOfWork
from ringback.services.touches import record_touch


@dataclass(frozen=True)
class _Parsed:
    row: int
    values: Values
    reference: str
    touch: Touch


def import_touches(
    rows: Iterable[Values],
    uow_factory: UowFactory,
    *,
    default_region: str,
    default_zone: str = "UTC",
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    rejects: RejectSink | None = None,
    first_row: int = FIRST_DATA_ROW,
) -> ImportReport:
    """Import touches as a dialer or phone system exports them (CSV or JSON Lines).

    The contact is an id, a phone number or an email. Touches are applied in time
    order, so each contact's follow-up state advances as it did in reality; the whole
    file is read first to sort it (exports of a few million rows fit in memory).
    A touch with an external id (call id) already stored is skipped; one without gets
    an id derived from contact, time, channel and outcome, so a re-run skips it too.
    """
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    sink = rejects or NoRejects()
    parsed = _parse_touches(rows, first_row, default_zone, report, sink)
    resolved = _resolve_contacts(parsed, uow_factory, default_region, report, sink)
    resolved.sort(key=lambda item: item.touch.at)
    for start in range(0, len(resolved), batch_size):
        batch = resolved[start : start + batch_size]
        _log_batch(batch, uow_factory, dry_run, report, sink)
        if progress is not None:
            progress(len(batch))
    report.seconds = time.perf_counter() - started
    return report


def _parse_touches(
    rows: Iterable[Values], first_row: int, zone: str, report: ImportReport, sink: RejectSink
) -> list[_Parsed]:
    parsed: list[_Parsed] = []
    for row, values in enumerate(rows, start=first_row):
        report.rows += 1
        if not any(value and not value.isspace() for value in values.values()):
            report.blank += 1
            continue
        try:
            reference, touch = touch_from_record(values, default_zone=zone, row=row)
        except InvalidField as exc:
            _reject(sink, report, row, values, exc)
            continue
        parsed.append(_Parsed(row, values, reference, touch))
    return parsed


def _resolve_contacts(
    parsed: list[_Parsed],
    uow_factory: UowFactory,
    region: str,
    report: ImportReport,
    sink: RejectSink,
) -> list[_Parsed]:
    ids: dict[str, int | None] = {}
    resolved: list[_Parsed] = []
    with uow_factory() as uow:
        for item in parsed:
            if item.reference not in ids:
                ids[item.reference] = _contact_id(uow, item.reference, region)
            contact_id = ids[item.reference]
            if contact_id is None:
                error = InvalidField("contact", f"no contact matches {item.reference!r}")
                _reject(sink, report, item.row, item.values, error)
                continue
            resolved.append(replace(item, touch=_completed(item.touch, contact_id)))
    return resolved


def _contact_id(uow: UnitOfWork, reference: str, region: str) -> int | None:
    try:
        return find_contact(uow, reference, region).id
    except NotFound:
        return None


def _completed(touch: Touch, contact_id: int) -> Touch:
    touch = replace(touch, contact_id=contact_id)
    if touch.outcome is Outcome.CONNECTED and touch.next_kind is None and touch.next_at is None:
        # R3 asks a person for the next step when logging; a history import has no one
        # to ask, so a connected call without one is taken to have ended with none.
        touch = replace(touch, next_kind=NextStepKind.NONE)
    if touch.external_id is None:
        touch = replace(touch, external_id=_derived_external_id(touch))
    return touch


def _derived_external_id(touch: Touch) -> str:
    parts = (touch.contact_id, touch.at.isoformat(), touch.channel, touch.outcome, touch.direction)
    digest = hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False)
    return f"import:{digest.hexdigest()[:24]}"


def _log_batch(
    batch: list[_Parsed],
    uow_factory: UowFactory,
    dry_run: bool,
    report: ImportReport,
    sink: RejectSink,
) -> None:
    logged = skipped = 0
    with uow_factory() as uow:
        cadence_for = stored_cadence_for(uow)
        for item in batch:
            try:
                duplicate = record_touch(uow, item.touch, cadence_for).duplicate
            except InvalidField as exc:
                _reject(sink, report, item.row, item.values, exc.at_row(item.row))
                continue
            except RuleRefusal as exc:
                refusal = InvalidField("contact", str(exc), item.row)
                _reject(sink, report, item.row, item.values, refusal)
                continue
            skipped += duplicate
            logged += not duplicate
        if not dry_run:
            uow.commit()
    report.imported += logged
    report.skipped += skipped


def _reject(
    sink: RejectSink, report: ImportReport, row: int, values: Values, error: InvalidField
) -> None:
    sink.reject(row, values, error)
    report.rejected += 1
