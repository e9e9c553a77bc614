"""Errors raised by the domain when data is invalid or a rule refuses an action."""

from __future__ import annotations

from collections.abc import Iterable


class RingbackError(Exception):
    """Base class for every error Ringback reports to a user."""


class InvalidField(RingbackError, ValueError):
    """A value that cannot be accepted; names the field (and the row, for imports)."""

    def __init__(self, field: str, message: str, row: int | None = None) -> None:
        self.field = field
        self.message = message
        self.row = row
        where = f"row {row}, " if row is not None else ""
        super().__init__(f"{where}{field}: {message}")

    def at_row(self, row: int) -> InvalidField:
        return InvalidField(self.field, self.message, row)


class NotFound(RingbackError, LookupError):
    """No record matches what the user asked for."""


class RuleRefusal(RingbackError):
    """An action refused by a product rule; carries the rule ID (R1…R19) and, when one
    field of the input is at issue, its name."""

    def __init__(self, rule: str, message: str, field: str | None = None) -> None:
        self.rule = rule
        self.message = message
        self.field = field
        super().__init__(f"{rule}: {message}")


class NotPermitted(RingbackError, PermissionError):
    """The actor may see this, but not do it (a rep changing the team's settings)."""


def unknown_cadence(key: str, known: Iterable[str]) -> InvalidField:
    """The refusal of a contact naming a cadence that does not exist (issue 3)."""
    return InvalidField(
        "cadence", f"no cadence with key {key!r} (known: {', '.join(sorted(known))})"
    )
