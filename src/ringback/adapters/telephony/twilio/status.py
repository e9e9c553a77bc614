"""Twilio's CallStatus and AnsweredBy, as Ringback outcomes.

Only a finished call has an outcome; the progress statuses (queued, initiated,
ringing, in-progress) and a call we cancelled ourselves log nothing. With answering
machine detection, AnsweredBy tells a person from a machine: machine_end_* means
the greeting ended and a message was left after the beep (R6, R7); machine_start
(detection without waiting for the beep) means we reached a machine but left none.
"""

from __future__ import annotations

from ringback.domain.model import Outcome

_BY_STATUS = {
    "no-answer": Outcome.NO_ANSWER,
    "busy": Outcome.BUSY,
    # Twilio could not place the call at all: the number does not work.
    "failed": Outcome.DISCONNECTED,
}
_BY_ANSWERER = {
    "machine_end_beep": Outcome.VOICEMAIL_LEFT,
    "machine_end_silence": Outcome.VOICEMAIL_LEFT,
    "machine_end_other": Outcome.VOICEMAIL_LEFT,
    "machine_start": Outcome.VOICEMAIL_SKIPPED,
    "fax": Outcome.WRONG_NUMBER,
}
FINAL_STATUSES = frozenset({"completed", "no-answer", "busy", "failed", "canceled"})


def outcome_for(call_status: str, answered_by: str | None = None) -> Outcome | None:
    """The outcome of a finished call; None while it is in progress or when cancelled."""
    status = call_status.strip().lower()
    if status == "completed":
        answerer = (answered_by or "").strip().lower()
        return _BY_ANSWERER.get(answerer, Outcome.CONNECTED)  # human, unknown, none
    return _BY_STATUS.get(status)
