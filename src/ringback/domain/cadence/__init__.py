"""The follow-up engine for one contact: cadences as data and the next action.

Public API (import from here):

- `Cadence`, `Step`, `Condition`, `DEFAULT_CADENCE` — cadences as data (spec.py)
- `cadence_from_dict`, `cadence_to_dict` — validated loading and saving (parse.py)
- `next_action`, `explain_next` (engine.py); `Action`, `Explanation`, `VoicemailMode` (action.py)
- `Tier`, `Due`, `next_due` — when the next touch is due, and its R18 tier (rhythm.py)
"""

from ringback.domain.cadence.action import Action, Explanation, VoicemailMode
from ringback.domain.cadence.engine import explain_next, next_action
from ringback.domain.cadence.parse import cadence_from_dict, cadence_to_dict
from ringback.domain.cadence.rhythm import Due, Tier, next_due
from ringback.domain.cadence.spec import DEFAULT_CADENCE, Cadence, Condition, Step

__all__ = [
    "DEFAULT_CADENCE",
    "Action",
    "Cadence",
    "Condition",
    "Due",
    "Explanation",
    "Step",
    "Tier",
    "VoicemailMode",
    "cadence_from_dict",
    "cadence_to_dict",
    "explain_next",
    "next_action",
    "next_due",
]
