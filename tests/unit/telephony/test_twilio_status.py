"""Twilio's CallStatus + AnsweredBy as Ringback outcomes (R6: voicemail left or not)."""

from __future__ import annotations

import pytest

from ringback.adapters.telephony.twilio.status import outcome_for
from ringback.domain.model import Outcome


@pytest.mark.parametrize(
    ("status", "answered_by", "outcome"),
    [
        ("completed", "human", Outcome.CONNECTED),
        ("completed", None, Outcome.CONNECTED),
        ("completed", "unknown", Outcome.CONNECTED),
        ("completed", "machine_end_beep", Outcome.VOICEMAIL_LEFT),
        ("completed", "machine_end_silence", Outcome.VOICEMAIL_LEFT),
        ("completed", "machine_end_other", Outcome.VOICEMAIL_LEFT),
        ("completed", "machine_start", Outcome.VOICEMAIL_SKIPPED),
        ("completed", "fax", Outcome.WRONG_NUMBER),
        ("no-answer", None, Outcome.NO_ANSWER),
        ("busy", None, Outcome.BUSY),
        ("failed", None, Outcome.DISCONNECTED),
        ("Completed", "Machine_End_Beep", Outcome.VOICEMAIL_LEFT),
    ],
)
def test_finished_calls_have_an_outcome(
    status: str, answered_by: str | None, outcome: Outcome
) -> None:
    assert outcome_for(status, answered_by) is outcome


@pytest.mark.parametrize("status", ["queued", "initiated", "ringing", "in-progress", "canceled"])
def test_calls_in_progress_or_cancelled_log_nothing(status: str) -> None:
    assert outcome_for(status, "human") is None
