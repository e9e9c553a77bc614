"""Generate a realistic large data set: contacts.csv and touches.csv, streamed.

    python bench/generate.py --contacts 1000000 --touches 20000000 --out /tmp/rb-data

Numbers are valid for their country (checked with libphonenumber while building a
pool of number stems per country, see NumberFactory), spread over many countries and
time zones; about 1% of rows carry a deliberate error (a bad number or email), as
real exports do. Nothing large is held in memory: rows are written as they are made.

`build_database(url, contacts=…, touches=…)` fills a database directly for other
benchmarks (the plan, the screen pop): contacts through the import service, touches
with their follow-up states computed by the domain.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import sql_uow_factory
from ringback.adapters.documents.csv_io import detect_mapping, open_csv, read_csv
from ringback.domain.model import Channel, Direction, FollowUpState, Outcome, Touch
from ringback.domain.state import advance
from ringback.services.contacts import UowFactory
from ringback.services.importing import import_contacts

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


def touch_rows(
    primaries: list[str], count: int, seed: int, end: datetime
) -> Iterator[dict[str, str]]:
    """`count` touches over the 180 days before `end`, in time order, as a dialer logs."""
    rng = random.Random(seed + 1)
    outcomes = [(c, o) for c, o, _ in CHANNEL_OUTCOMES]
    weights = [w for _, _, w in CHANNEL_OUTCOMES]
    start = end - timedelta(days=180)
    step = (end - start) / max(count, 1)
    for index in range(count):
        channel, outcome = rng.choices(outcomes, weights)[0]
        at = start + step * index
        yield {
            "contact": rng.choice(primaries),
            "channel": channel,
            "outcome": outcome,
            "direction": "inbound" if outcome == "callback_received" else "outbound",
            "at": at.isoformat(timespec="seconds"),
            "duration": str(rng.randint(20, 900)) if outcome == "connected" else "",
            "call_id": f"CA{seed:04d}{index:012d}",
        }


def write_touches(
    path: Path, primaries: list[str], count: int, seed: int, progress: Progress
) -> None:
    end = datetime(2025, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, TOUCH_COLUMNS)
        writer.writeheader()
        for index, row in enumerate(touch_rows(primaries, count, seed, end)):
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


def build_database(url: str, *, contacts: int, touches: int = 0, seed: int = 7) -> None:
    """Fill a fresh database at `url` for benchmarks: contacts, then touches + states."""
    migrate.upgrade(url)
    uow_factory = sql_uow_factory(make_engine(url))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "contacts.csv"
        primaries = write_contacts(path, contacts, seed, quiet)
        with open_csv(path) as stream:
            table = read_csv(stream)
            mapping = detect_mapping(table.columns)
            import_contacts(table.rows, uow_factory, default_region="US", mapping=mapping)
    if touches:
        store_touches(uow_factory, primaries, touches, seed)


def store_touches(uow_factory: UowFactory, primaries: list[str], count: int, seed: int) -> None:
    """Touches written straight through the repositories, states advanced in memory."""
    with uow_factory() as uow:
        ids = {c.phones[0].e164: c.id for c in uow.contacts.list() if c.phones and c.id}
    states: dict[int, FollowUpState] = {}
    batch: list[Touch] = []
    for row in touch_rows(primaries, count, seed, datetime(2025, 1, 1, tzinfo=UTC)):
        contact_id = ids.get(row["contact"])
        if contact_id is not None:
            batch.append(_touch(contact_id, row))
        if len(batch) >= 20_000:
            _flush_touches(uow_factory, batch, states)
            batch = []
    _flush_touches(uow_factory, batch, states)


def _touch(contact_id: int, row: dict[str, str]) -> Touch:
    return Touch(
        contact_id=contact_id,
        channel=Channel(row["channel"]),
        outcome=Outcome(row["outcome"]),
        at=datetime.fromisoformat(row["at"]),
        direction=Direction(row["direction"]),
        external_id=row["call_id"],
    )


def _flush_touches(
    uow_factory: UowFactory, batch: list[Touch], states: dict[int, FollowUpState]
) -> None:
    with uow_factory() as uow:
        uow.touches.add_many(batch)
        unseen = list(dict.fromkeys(t.contact_id for t in batch if t.contact_id not in states))
        states.update(uow.states.get_many(unseen))
        for touch in batch:
            states[touch.contact_id] = advance(states[touch.contact_id], touch)
        uow.states.save_many([states[i] for i in {t.contact_id for t in batch}])
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
