"""Which cadence a contact follows: its own key, else the default (R1, R2)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ringback.domain.cadence import DEFAULT_CADENCE, Cadence
from ringback.domain.model import Contact

CadenceFor = Callable[[Contact], Cadence]
BUILT_IN: Mapping[str, Cadence] = {DEFAULT_CADENCE.key: DEFAULT_CADENCE}


def cadence_picker(catalogue: Mapping[str, Cadence] | None = None) -> CadenceFor:
    """A function giving each contact its cadence from `catalogue` by `contact.cadence`.

    A contact without a key, or with a key the catalogue lacks, follows the default.
    """
    known = {**BUILT_IN, **(catalogue or {})}

    def cadence_for(contact: Contact) -> Cadence:
        return known.get(contact.cadence or "", DEFAULT_CADENCE)

    return cadence_for


default_cadence_for = cadence_picker()
