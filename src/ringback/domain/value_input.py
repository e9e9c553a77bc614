"""Parsers for single values typed by people: email, country, yes/no, time zone, windows.

Pure: no I/O. Each returns the canonical value or raises InvalidField naming the
field (PRODUCT.md §7). Contact input (CSV, vCard, `ringback add`) is built from them.
"""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache
from zoneinfo import available_timezones

import phonenumbers

from ringback.domain.errors import InvalidField
from ringback.domain.model import PreferredWindow, Weekday
from ringback.domain.phone import canonical_zone

_TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "on"})
_FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "off"})
_COUNTRY_ALIASES = {"UK": "GB", "USA": "US", "UNITED STATES OF AMERICA": "US"}
_EMAIL_LOCAL = re.compile(r"[^\s@\"(),:;<>\[\]\\]{1,64}")
_EMAIL_DOMAIN = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
)
_WINDOW = re.compile(r"\s*([a-z,\s]+?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*")
_DAYS = {day.value: day for day in Weekday}
_DAY_NAMES = dict(
    zip(Weekday, "monday tuesday wednesday thursday friday saturday sunday".split(), strict=True)
)


# --- email -------------------------------------------------------------------------


def normalize_email(raw: str) -> str:
    """`raw` checked for the shape of an address, with its domain lower-cased.

    A sensible check, not RFC 5322: no quoted local parts, a dotted domain with a TLD.
    """
    text = raw.strip()
    if text[:7].casefold() == "mailto:":
        text = text[7:]
    if text.endswith(">") and "<" in text:  # "Ana Lima <ana@example.com>"
        text = text[text.rindex("<") + 1 : -1].strip()
    local, at, domain = text.partition("@")
    if not at or not _valid_local_part(local) or not _valid_domain(domain):
        raise InvalidField("email", f"{raw.strip()!r} is not a valid email address")
    return f"{local}@{domain.lower()}"


def _valid_local_part(local: str) -> bool:
    return (
        _EMAIL_LOCAL.fullmatch(local) is not None
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )


def _valid_domain(domain: str) -> bool:
    lowered = domain.lower()
    if not lowered.isascii():
        try:
            lowered = lowered.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    return len(lowered) <= 253 and _EMAIL_DOMAIN.fullmatch(lowered) is not None


# --- country -----------------------------------------------------------------------


def parse_country(text: str) -> str:
    """An ISO 3166 alpha-2 code from a code ("de"), an alias ("UK") or an English name."""
    code = text.upper()
    code = _COUNTRY_ALIASES.get(code, code)
    if len(code) == 2 and code in phonenumbers.SUPPORTED_REGIONS:
        return code
    by_name = _countries_by_name().get(text.casefold())
    if by_name is None:
        raise InvalidField("country", f"{text!r} is not an ISO 3166 country code (e.g. US, DE)")
    return by_name


@lru_cache(maxsize=1)
def _countries_by_name() -> dict[str, str]:
    # English names from libphonenumber's geocoding data, loaded only when a file
    # spells countries out ("Germany") instead of using codes.
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for region, by_language in LOCALE_DATA.items():
        name = by_language.get("en", "")
        while name.startswith("*"):
            name = by_language.get(name[1:], "")
        if name and region.isalpha():
            names[name.casefold()] = region
    names.update({alias.casefold(): code for alias, code in _COUNTRY_ALIASES.items()})
    return names


# --- yes / no ----------------------------------------------------------------------


def parse_bool(text: str, field: str) -> bool:
    """yes/no, true/false, 1/0, y/n, on/off in any letter case."""
    word = text.strip().casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise InvalidField(field, f"{text!r} is not yes/no (true/false, 1/0, y/n)")


# --- time zone ---------------------------------------------------------------------


def validate_timezone(name: str, field: str = "timezone") -> str:
    """The canonical IANA name for `name` (any letter case), or InvalidField."""
    zone = _zones_by_folded_name().get(name.strip().casefold())
    if zone is None:
        raise InvalidField(field, f"{name!r} is not an IANA time zone (e.g. Europe/Berlin)")
    return canonical_zone(zone)


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


# --- preferred call windows (R4) ---------------------------------------------------


def parse_windows(text: str, field: str = "preferred_windows") -> tuple[PreferredWindow, ...]:
    """Windows written "tue,thu 14:00-17:00; mon 09:00-11:30" (day names may be full)."""
    windows = []
    for item in text.split(";"):
        if not item.strip():
            continue
        match = _WINDOW.fullmatch(item.casefold())
        if match is None:
            raise InvalidField(field, f"{item.strip()!r} is not like 'tue,thu 14:00-17:00'")
        days, start, end = match.groups()
        try:
            windows.append(PreferredWindow(_weekdays(days, field), _time(start), _time(end)))
        except InvalidField as exc:
            raise InvalidField(field, exc.message) from None
    return tuple(windows)


def format_windows(windows: tuple[PreferredWindow, ...]) -> str:
    """The text `parse_windows` reads back."""
    return "; ".join(
        f"{','.join(day.value for day in w.days)} {w.start:%H:%M}-{w.end:%H:%M}" for w in windows
    )


def _weekdays(text: str, field: str) -> tuple[Weekday, ...]:
    days = []
    for name in text.replace(",", " ").split():
        day = _DAYS.get(name[:3])
        if day is None or len(name) < 3 or not _DAY_NAMES[day].startswith(name):
            raise InvalidField(field, f"{name!r} is not a weekday")
        days.append(day)
    return tuple(dict.fromkeys(days))


def _time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        raise InvalidField("preferred_windows", f"{text!r} is not a time of day")
    return time(hours, minutes)
