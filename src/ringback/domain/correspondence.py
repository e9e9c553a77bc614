"""Who writes, and how dates, times and paper suit the person written to (R9, R19).

Shared by the email that sets a call and the mailed note. Dates and times read the
way the contact's country writes them: "Tuesday, November 24 at 10:00 AM" for the
United States, "Tuesday 24 November at 10:00" elsewhere. Letters go on US Letter
paper where that is the norm (the Americas that use it, the Philippines) and on A4
everywhere else, unless a setting fixes one.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import StrEnum

from ringback.domain.errors import InvalidField
from ringback.domain.model import Contact

# Countries whose everyday paper is US Letter (ISO 3166 alpha-2).
LETTER_PAPER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "SV", "NI", "PR", "BZ"}
)
# Month before day and a 12-hour clock: the United States and its territories.
US_STYLE_COUNTRIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})
_LINE_BREAKS = re.compile(r"\s*(?:\r?\n|;)\s*")
# English names, whatever the process locale says (strftime would follow it).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


PAPER_SETTINGS = ("auto", Paper.A4.value, Paper.LETTER.value)


def paper_for(country: str | None, setting: str = "auto", fallback: str | None = None) -> Paper:
    """The paper for a letter to `country` (or `fallback` when it is unknown)."""
    if setting != "auto":
        try:
            return Paper(setting.lower())
        except ValueError:
            message = f"{setting!r} is not one of auto, a4, letter"
            raise InvalidField("paper_size", message) from None
    where = (country or fallback or "").upper()
    return Paper.LETTER if where in LETTER_PAPER_COUNTRIES else Paper.A4


def split_lines(text: str | None) -> tuple[str, ...]:
    """Address lines from text written with line breaks or semicolons."""
    if not text:
        return ()
    return tuple(line for line in _LINE_BREAKS.split(text.strip()) if line)


def _us_style(country: str | None) -> bool:
    return (country or "").upper() in US_STYLE_COUNTRIES


def day_text(day: date, country: str | None) -> str:
    """'Tuesday 24 November', or 'Tuesday, November 24' in the US style."""
    weekday, month = WEEKDAY_NAMES[day.weekday()], MONTH_NAMES[day.month - 1]
    if _us_style(country):
        return f"{weekday}, {month} {day.day}"
    return f"{weekday} {day.day} {month}"


def clock_text(wall: time, country: str | None) -> str:
    """'15:30', or '3:30 PM' in the US style."""
    if _us_style(country):
        hour = wall.hour % 12 or 12
        return f"{hour}:{wall:%M} {'AM' if wall.hour < 12 else 'PM'}"
    return f"{wall:%H:%M}"


def moment_text(moment: datetime, country: str | None) -> str:
    """A local moment as a person says it: 'Tuesday 24 November at 10:00'."""
    return f"{day_text(moment.date(), country)} at {clock_text(moment.time(), country)}"


def date_line(day: date, country: str | None) -> str:
    """The date at the head of a letter: '24 November 2026' or 'November 24, 2026'."""
    month = MONTH_NAMES[day.month - 1]
    if _us_style(country):
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


def contact_country(contact: Contact) -> str | None:
    """The contact's country, else their first number's."""
    primary = contact.primary_phone
    return contact.country or (primary.country if primary else None)


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Paragraphs of plain text (blank lines between them), lines inside kept."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return tuple(block.strip() for block in blocks if block.strip())
