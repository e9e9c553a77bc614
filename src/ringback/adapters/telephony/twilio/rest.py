"""Starting an outbound call through Twilio's REST API (click-to-call).

Twilio rings the contact from your Twilio number; when they answer, the inline TwiML
connects them to your own phone. Answering machine detection waits for the end of
the greeting, so the status callback says whether a machine answered (voicemail).
The HTTP client is the app's one outbound-HTTP seam, built in bootstrap.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ringback.adapters.telephony.twilio import twiml
from ringback.domain.errors import RingbackError

API_VERSION = "2010-04-01"


class TwilioError(RingbackError):
    """Twilio refused or could not be reached; `permanent` when retrying will not help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class TwilioCalls:
    http: httpx.Client
    api_url: str
    account_sid: str
    auth_token: str
    caller_number: str

    def start_call(self, to: str, connect_to: str, status_callback: str) -> str:
        """Ring `to`, connect it to `connect_to` when answered; returns the CallSid."""
        form = {
            "To": to,
            "From": self.caller_number,
            "Twiml": twiml.dial(connect_to, caller_id=self.caller_number),
            "MachineDetection": "DetectMessageEnd",
            "StatusCallback": status_callback,
            "StatusCallbackMethod": "POST",
            "StatusCallbackEvent": "completed",
        }
        url = f"{self.api_url.rstrip('/')}/{API_VERSION}/Accounts/{self.account_sid}/Calls.json"
        try:
            response = self.http.post(url, data=form, auth=(self.account_sid, self.auth_token))
        except httpx.HTTPError as error:
            raise TwilioError(f"Twilio could not be reached: {error}", permanent=False) from None
        if response.status_code >= 400:
            raise TwilioError(_reason(response), permanent=response.status_code < 500)
        sid = response.json().get("sid")
        if not isinstance(sid, str):
            raise TwilioError("Twilio's answer has no call SID", permanent=False)
        return sid


def _reason(response: httpx.Response) -> str:
    try:
        message = response.json().get("message")
    except ValueError:
        message = None
    return f"Twilio refused the call ({response.status_code}): {message or response.reason_phrase}"
