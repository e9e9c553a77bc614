"""Who speaks or writes: the user, as contacts hear and read of them (R7, R9, R19).

One type for every message — voicemail scripts, the email that sets a call, its
invites and the mailed note. `phone` is in international form with its `+code`
(as `format_international` writes it), so scripts can say it in chunks and letters
can print it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringback.domain.errors import InvalidField


@dataclass(frozen=True)
class Sender:
    name: str
    email: str | None = None
    phone: str | None = None  # international form, e.g. "+1 646-555-0100"
    address: tuple[str, ...] = ()
    company: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidField("sender_name", "the sender needs a name to sign with")

    @property
    def signature(self) -> tuple[str, ...]:
        """The lines under a sign-off: name, then phone and email when known."""
        return tuple(line for line in (self.name, self.phone, self.email) if line)
