"""Generate a realistic large data set: contacts.csv and touches.csv, streamed.

    python bench/generate.py --contacts 1000000 --touches 20000000 --out /tmp/rb-data

Numbers are valid for their country (checked with libphonenumber while building a
pool of number stems per country, see NumberFactory), spread over many countries and
time zones; about 1% of rows carry a deliberate error (a bad number or email), as
real exports do. Nothing large is held in memory: rows are written as they are made.

`build_database(url, contacts=…, touches=…)` fills a database directly for other
benchmarks (the plan, the screen pop): contacts through the import service, the same
touches as touches.csv with their follow-up states computed by the domain, bulk-loaded
on SQLite (bench/bulk_load.py).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import Engine, select

from bench.bulk_load import (
    StatusLine,
    StderrProgress,
    TouchDraws,
    TouchKind,
    check_sample,
    load_touches,
    no_progress,
)
from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine, sqlite_file_path
from ringback.adapters.db.tables import contact_phones
from ringback.adapters.db.uow import sql_uow_factory
from ringback.adapters.documents.csv_io import detect_mapping, open_csv, read_csv
from ringback.domain.model import Channel, Direction, FollowUpState, Outcome
from ringback.domain.state import advance
from ringback.services.contacts import UowFactory
from ringback.services.importing import import_contact_blocks, row_blocks

# country: (share of contacts, e-mail domain suffix)
COUNTRIES: dict[str, tuple[int, str]] = {
    "US": (30, "com"),
    "GB": (8, "co.uk"),
    "DE": (8, "de"),
    "FR": (6, "fr"),
    "CA": (5, "ca"),
    "AU": (4, "com.au"),
    "IN": (5, "in"),
    "BR": (4, "com.br"),
    "MX": (3, "mx"),
    "ES": (3, "es"),
    "IT": (3, "it"),
    "NL": (2, "nl"),
    "SE": (2, "se"),
    "PL": (2, "pl"),
    "JP": (3, "jp"),
    "SG": (1, "sg"),
    "ZA": (2, "co.za"),
    "NG": (1, "ng"),
    "AR": (2, "ar"),
    "RU": (2, "ru"),
    "ID": (2, "id"),
    "NZ": (1, "nz"),
    "IE": (1, "ie"),
    "CH": (1, "ch"),
    "AE": (1, "ae"),
}
FIRST_NAMES = (
    "Ana Ben Chloé Dmitri Elena Farid Grace Hiro Ines Jonas Kavya Liam Maria Noah Olga "
    "Priya Quentin Rosa Sven Tariq Uma Victor Wen Ximena Yusuf Zoe Aisha Bruno Carmen "
    "Diego Emma Felix Greta Hassan Ivan Julia Kenji Laura Mateo Nadia Oscar Paula Rahul "
    "Sofia Tomás Ursula Valentina William Yara Zeynep Jörg Siobhan Chidi Mei Lars"
).split()
LAST_NAMES = (
    "Smith García Müller Rossi Dubois Kowalski Nakamura Okafor Patel Silva Jensen "
    "Novak Ivanova Kim Nguyen Haddad Cohen O'Brien Van Dijk Andersson Fischer Moreau "
    "Rahman Costa Lopez Schmidt Tanaka Mensah Singh Larsen Petrov Wright Hughes Ferreira"
).split()
COMPANIES = (
    "Acme Dental|Northwind Logistics|Bright Smiles Clinic|Helios Energy|Blue Fjord Foods|"
    "Kestrel Analytics|Marigold Interiors|Orbit Freight|Pinecrest Legal|Quantum Bakery|"
    "Riverside Physio|Summit Recruiting|Tidewater Marine|Umbra Studios|Vertex Robotics"
).split("|")
SEGMENTS = ("dental clinics", "logistics", "law firms", "bakeries", "recruiters", "saas")
TITLES = ("Owner", "Office manager", "CTO", "Head of Sales", "Practice manager", "Founder")
REASONS = (
    "follow up on the pilot proposal",
    "introduce our scheduling tool",
    "ask for advice on hiring",
    "share the case study they asked about",
)
CHANNEL_OUTCOMES = (
    ("call", "no_answer", 40),
    ("call", "voicemail_skipped", 12),
    ("call", "voicemail_left", 12),
    ("call", "busy", 5),
    ("call", "connected", 10),
    ("email", "sent", 12),
    ("email", "replied", 3),
    ("call", "callback_received", 3),
    ("call", "wrong_number", 1),
    ("letter", "mailed", 2),
)
CONTACT_COLUMNS = (
    "Full name",
    "Mobile",
    "Work phone",
    "E-mail",
    "Company",
    "Job title",
    "Segment",
    "Country",
    "Referred by",
    "Reason",
    "Tags",
    "Lead source",
)
TOUCH_COLUMNS = ("contact", "channel", "outcome", "direction", "at", "duration", "call_id")
TOUCHES_END = datetime(2025, 1, 1, tzinfo=UTC)
CHECKED_CONTACTS = 200  # sampled after a bulk load (bench.bulk_load.check_sample)


def _direction(outcome: str) -> Direction:
    return Direction.INBOUND if outcome == "callback_received" else Direction.OUTBOUND


class NumberFactory:
    """Valid numbers for a country, fast: random tails on stems known to be valid.

    A stem is a valid national number without its last 4 digits, checked with three
    random tails: libphonenumber's patterns constrain leading digits and length, so
    any tail on a checked stem is valid (the import benchmark re-validates them all).
    """

    STEMS_PER_KIND = 40

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.stems: dict[str, list[tuple[int, str]]] = {}

    def number(self, country: str) -> phonenumbers.PhoneNumber:
        stems = self.stems.get(country) or self._find_stems(country)
        code, stem = self.rng.choice(stems)
        national = stem + f"{self.rng.randrange(10_000):04d}"
        leading_zero = national.startswith("0")
        return phonenumbers.PhoneNumber(
            country_code=code, national_number=int(national), italian_leading_zero=leading_zero
        )

    def _find_stems(self, country: str) -> list[tuple[int, str]]:
        stems: list[tuple[int, str]] = []
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(country, kind)
            if example is not None:
                stems += self._stems_like(example)
        self.stems[country] = stems
        return stems

    def _stems_like(self, example: phonenumbers.PhoneNumber) -> list[tuple[int, str]]:
        digits = phonenumbers.national_significant_number(example)
        found: set[str] = set()
        for _ in range(4000):
            # Keep the first digit (the kind of number), vary the rest: many area codes.
            candidate = digits[0] + "".join(self.rng.choice("0123456789") for _ in digits[1:-4])
            if self._valid_stem(example.country_code or 0, candidate, len(digits)):
                found.add(candidate)
            if len(found) >= self.STEMS_PER_KIND:
                break
        return [(example.country_code or 0, stem) for stem in sorted(found)]

    def _valid_stem(self, code: int, stem: str, length: int) -> bool:
        for _ in range(3):
            national = stem + f"{self.rng.randrange(10_000):04d}"
            number = phonenumbers.PhoneNumber(
                country_code=code,
                national_number=int(national),
                italian_leading_zero=national.startswith("0"),
            )
            if len(national) != length or not phonenumbers.is_valid_number(number):
                return False
        return True


@dataclass
class ContactMaker:
    rng: random.Random
    numbers: NumberFactory

    def __post_init__(self) -> None:
        weights = [share for share, _ in COUNTRIES.values()]
        self._countries = list(COUNTRIES)
        self._weights = weights

    def row(self, index: int) -> tuple[dict[str, str], str]:
        """One contact row and its primary number in E.164 (what dialers export)."""
        rng = self.rng
        country = rng.choices(self._countries, self._weights)[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        mobile = self.numbers.number(country)
        row = {
            "Full name": f"{first} {last}",
            "Mobile": self._written(mobile, country),
            "Work phone": self._written(self.numbers.number(country), country)
            if rng.random() < 0.15
            else "",
            "E-mail": self._email(first, last, index, country),
            "Company": rng.choice(COMPANIES),
            "Job title": rng.choice(TITLES),
            "Segment": f"{rng.choice(SEGMENTS)}, {country}",
            "Country": country if rng.random() < 0.6 else "",
            "Referred by": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if rng.random() < 0.4
            else "",
            "Reason": rng.choice(REASONS),
            "Tags": "conference, 2024" if rng.random() < 0.2 else "",
            "Lead source": rng.choice(("web", "referral", "event", "list")),
        }
        self._maybe_spoil(row)
        return row, phonenumbers.format_number(mobile, PhoneNumberFormat.E164)

    def _written(self, number: phonenumbers.PhoneNumber, country: str) -> str:
        """As people type them: E.164, international, or national (then with Country)."""
        style = self.rng.random()
        if style < 0.4:
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
        if style < 0.8 or country != "US":
            return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)

    def _email(self, first: str, last: str, index: int, country: str) -> str:
        if self.rng.random() < 0.1:
            return ""
        local = f"{first}.{last}".casefold().replace("'", "").replace(" ", "")
        local = local.encode("ascii", "ignore").decode() or "contact"
        return f"{local}{index}@example-{index % 997}.{COUNTRIES[country][1]}"

    def _maybe_spoil(self, row: dict[str, str]) -> None:
        roll = self.rng.random()
        if roll < 0.005:
            row["Mobile"] = "12345"
        elif roll < 0.01:
            row["E-mail"] = "not-an-address"


def write_contacts(path: Path, count: int, seed: int, progress: Progress) -> list[str]:
    """Write contacts.csv; returns each contact's primary number (for touches)."""
    rng = random.Random(seed)
    maker = ContactMaker(rng, NumberFactory(rng))
    primaries: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, CONTACT_COLUMNS)
        writer.writeheader()
        for index in range(count):
            row, primary = maker.row(index)
            writer.writerow(row)
            primaries.append(primary)
            progress("contacts", index + 1, count)
    return primaries


TOUCH_KINDS: tuple[TouchKind, ...] = tuple(
    (Channel(channel), Outcome(outcome), _direction(outcome))
    for channel, outcome, _ in CHANNEL_OUTCOMES
)
TOUCH_DAYS = 180


def touch_draws(choices: int, count: int, seed: int) -> Iterator[tuple[int, int, int | None]]:
    """Per touch, in time order: its kind (index into CHANNEL_OUTCOMES), the index of
    its contact's number among `choices` numbers, and a duration for connected calls.

    The draws of `rng.choices(kinds, weights)`, `rng.choice(numbers)` and, for a
    connected call, `rng.randint(20, 900)`, spelled out for speed (the same stream).
    """
    rng = random.Random(seed + 1)
    uniform, below = rng.random, rng.randrange
    cumulative = list(accumulate(weight for _, _, weight in CHANNEL_OUTCOMES))
    total, last = cumulative[-1] + 0.0, len(cumulative) - 1
    connected = [outcome == "connected" for _, outcome, _ in CHANNEL_OUTCOMES]
    for _ in range(count):
        kind = bisect(cumulative, uniform() * total, 0, last)
        number = below(choices)
        yield kind, number, 20 + below(881) if connected[kind] else None


def touch_times(count: int, end: datetime) -> tuple[datetime, timedelta]:
    """The first touch's instant and the step between touches: `count` over 180 days."""
    start = end - timedelta(days=TOUCH_DAYS)
    return start, (end - start) / max(count, 1)


def call_id_prefix(seed: int) -> str:
    return f"CA{seed:04d}"


def call_id(seed: int, index: int) -> str:
    return f"{call_id_prefix(seed)}{index:012d}"


def touch_rows(
    primaries: list[str], count: int, seed: int, end: datetime
) -> Iterator[dict[str, str]]:
    """`count` touches over the 180 days before `end`, in time order, as a dialer logs."""
    start, step = touch_times(count, end)
    draws = touch_draws(len(primaries), count, seed)
    for index, (kind, number, duration) in enumerate(draws):
        channel, outcome, direction = TOUCH_KINDS[kind]
        at = start + step * index
        yield {
            "contact": primaries[number],
            "channel": channel.value,
            "outcome": outcome.value,
            "direction": direction.value,
            "at": at.isoformat(timespec="seconds"),
            "duration": str(duration) if duration is not None else "",
            "call_id": call_id(seed, index),
        }


def write_touches(
    path: Path, primaries: list[str], count: int, seed: int, progress: Progress
) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, TOUCH_COLUMNS)
        writer.writeheader()
        for index, row in enumerate(touch_rows(primaries, count, seed, TOUCHES_END)):
            writer.writerow(row)
            progress("touches", index + 1, count)


Progress = Callable[[str, int, int], None]


def stderr_progress(what: str, done: int, total: int) -> None:
    if done % 50_000 == 0 or done == total:
        end = "\n" if done == total else "\r"
        print(f"{what}: {done:,}/{total:,} ({100 * done / total:.0f}%)", end=end, file=sys.stderr)


def quiet(what: str, done: int, total: int) -> None:
    pass


def generate(
    out: Path, contacts: int, touches: int, seed: int = 7, progress: Progress = quiet
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    primaries = write_contacts(out / "contacts.csv", contacts, seed, progress)
    if touches:
        write_touches(out / "touches.csv", primaries, touches, seed, progress)


def build_database(
    url: str, *, contacts: int, touches: int = 0, seed: int = 7, progress: bool = False
) -> None:
    """Fill a fresh database at `url` for benchmarks: contacts, then touches + states.

    Contacts go through the import service (a CSV, as users import them). On SQLite
    the touches are bulk-loaded (bench.bulk_load: the repository's rows, each
    contact's state folded by the domain), then a sample of contacts is checked
    against what the repositories store; elsewhere they go through the repositories.
    `progress` keeps a status line on stderr.
    """
    migrate.upgrade(url)
    engine = make_engine(url)
    uow_factory = sql_uow_factory(engine)
    show: StatusLine = StderrProgress() if progress else no_progress
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "contacts.csv"
        primaries = write_contacts(
            path, contacts, seed, lambda _, done, total: show(f"contacts: {done:,}/{total:,} made")
        )
        show(f"contacts: {contacts:,} made", final=True)
        imported = 0

        def count(rows: int) -> None:
            nonlocal imported
            imported += rows
            show(f"contacts: {imported:,}/{contacts:,} imported")

        with open_csv(path) as stream:
            table = read_csv(stream)
            mapping = detect_mapping(table.columns)
            import_contact_blocks(
                row_blocks(table.rows),
                uow_factory,
                default_region="US",
                mapping=mapping,
                progress=count,
            )
    show(f"contacts: {imported:,} rows imported", final=True)
    if not touches:
        return
    start, step = touch_times(touches, TOUCHES_END)
    draws = TouchDraws.allocate(
        TOUCH_KINDS,
        touches,
        start=start,
        step_us=step // timedelta(microseconds=1),
        call_id_prefix=call_id_prefix(seed),
    )
    contact_of = stored_primaries(engine, primaries)
    engine.dispose()

    def draw() -> None:
        fill_draws(draws, contact_of, seed, show)

    if sqlite_file_path(engine.url) is not None:
        load_touches(url, draws, draw, show)
        compared = check_sample(url, draws, CHECKED_CONTACTS)
        show(f"checked: {compared:,} touches of {CHECKED_CONTACTS} contacts", final=True)
    else:
        draw()
        store_touches(uow_factory, draws)


def stored_primaries(engine: Engine, primaries: list[str]) -> list[int]:
    """For each number, the id of the contact stored with it as its primary number
    (the last by id when several are; 0 when none: its row was rejected)."""
    phones = contact_phones.c
    query = select(phones.contact_id, phones.e164).where(phones.position == 0)
    with engine.connect() as connection:
        stored = {e164: i for i, e164 in connection.execute(query.order_by(phones.contact_id))}
    return [stored.get(number, 0) for number in primaries]


def fill_draws(
    draws: TouchDraws, contact_of: list[int], seed: int, show: StatusLine = no_progress
) -> None:
    """touch_rows' touches into `draws`, each with its stored contact's id."""
    contact, kind, duration, drawn = draws.contact, draws.kind, draws.duration, draws.drawn
    count = len(draws)
    for index, (drawn_kind, number, seconds) in enumerate(
        touch_draws(len(contact_of), count, seed)
    ):
        contact[index] = contact_of[number]
        kind[index] = drawn_kind
        duration[index] = seconds or 0
        if index % 100_000 == 0:
            drawn.value = index
            show(f"touches: {index:,}/{count:,} drawn")
    drawn.value = count
    show(f"touches: {count:,} drawn", final=True)


def store_touches(uow_factory: UowFactory, draws: TouchDraws, batch: int = 20_000) -> None:
    """The repository path (any database, slow): touches in time order, a batch per
    transaction, each touched contact's state advanced and saved with its batch."""
    states: dict[int, FollowUpState] = {}
    stored = [(i, contact_id) for i, contact_id in enumerate(draws.contact) if contact_id]
    for lo in range(0, len(stored), batch):
        touches = [draws.touch(i, contact_id) for i, contact_id in stored[lo : lo + batch]]
        with uow_factory() as uow:
            uow.touches.add_many(touches)
            unseen = list(
                dict.fromkeys(t.contact_id for t in touches if t.contact_id not in states)
            )
            states.update(uow.states.get_many(unseen))
            for touch in touches:
                states[touch.contact_id] = advance(states[touch.contact_id], touch)
            uow.states.save_many([states[i] for i in {t.contact_id for t in touches}])
            uow.commit()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--touches", type=int, default=20_000_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.out, args.contacts, args.touches, args.seed, stderr_progress)
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
