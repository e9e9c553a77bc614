"""Sending email over SMTP with smtplib (issue 6).

A failed send raises DeliveryError saying whether it is permanent: a 5xx answer
to the recipient or to the message is (the address or the message is refused),
while 4xx answers, network trouble and refused logins or senders (a setting to
fix) are temporary and worth retrying later.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

from ringback.domain.errors import RingbackError

TIMEOUT_S = 30.0


class DeliveryError(RingbackError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout_s: float = TIMEOUT_S


class SmtpSender:
    """Sends one raw message per call, each over its own connection."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def send(self, message: bytes, sender: str, recipient: str) -> None:
        """Deliver `message` from `sender` to `recipient`, or raise DeliveryError."""
        try:
            self._send(message, sender, recipient)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _refused(code, reply) from error
        except smtplib.SMTPDataError as error:
            raise _refused(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            # Refused logins or senders are our configuration, not this message's fault:
            # the message waits for the fix instead of failing for good.
            raise DeliveryError(f"SMTP failed: {error}", permanent=False) from error

    def _send(self, message: bytes, sender: str, recipient: str) -> None:
        config = self.config
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout_s) as smtp:
            smtp.ehlo()
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.user:
                smtp.login(config.user, config.password or "")
            smtp.sendmail(sender, [recipient], message)


def _refused(code: int, reply: bytes | str) -> DeliveryError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return DeliveryError(f"SMTP {code}: {text}", permanent=500 <= code < 600)
