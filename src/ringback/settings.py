"""One typed Settings object; every setting is declared once, with its default and help.

Values come from environment variables prefixed `RINGBACK_` (e.g.
`RINGBACK_DATABASE_URL`), then from command-line options that override them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_user() -> str:
    return os.environ.get("USER") or "me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RINGBACK_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database. Empty: SQLite file in the data directory.",
    )
    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("ringback")),
        description="Where the default SQLite database and backups live.",
    )
    default_region: str = Field(
        default="US",
        description="Country (ISO 3166 alpha-2) assumed for numbers written without +code.",
    )
    phone_parser: Literal["auto", "phonenumbers"] = Field(
        default="auto",
        description="auto: parse numbers with rphonenumbers when installed (validated by "
        "phonenumbers); phonenumbers: with phonenumbers alone (slower, same results).",
    )
    user: str = Field(
        default_factory=_default_user,
        description="Name of the user logging touches from this terminal.",
    )
    user_timezone: str = Field(
        default="UTC",
        description="IANA time zone of the user, for showing times in both clocks.",
    )

    sender_name: str | None = Field(
        default=None,
        description="Your name as letters and emails are signed. Empty: the `user` setting.",
    )
    sender_email: str | None = Field(
        default=None,
        description="Your email address: shown in letters, organizer of call invites.",
    )
    sender_phone: str | None = Field(
        default=None, description="Your phone number as letters and emails show it."
    )
    sender_address: str | None = Field(
        default=None,
        description=(
            "Your postal address, lines separated by ';' or line breaks: the sender block "
            "of letters and the address the reply postcard comes back to."
        ),
    )
    paper_size: Literal["auto", "a4", "letter"] = Field(
        default="auto",
        description="Paper for letters: auto (US Letter for the contact's country where "
        "that is usual, A4 elsewhere), a4 or letter.",
    )
    sender_company: str | None = Field(
        default=None, description="Your company, as scripts introduce you (me.company)."
    )
    audience: str = Field(
        default="sales",
        description="Which templates scripts use: sales, networking, freelance or your own "
        "(a contact's custom field `audience` overrides it).",
    )
    flagged_phrases_file: Path | None = Field(
        default=None,
        description="A file of extra phrases the script linter flags (R13), one per line.",
    )

    session_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Key that signs the web app's session cookies. Empty: one is generated and "
            "kept in data_dir/session_secret. Several app instances must share one."
        ),
    )
    secure_cookies: bool = Field(
        default=False,
        description="Send the session cookie over HTTPS only (set it behind an HTTPS proxy).",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins allowed per user name and address within the window.",
    )
    login_window_minutes: int = Field(
        default=15,
        ge=1,
        description="The window, in minutes, over which failed sign-ins are counted.",
    )

    # Telephony (issue 6): Twilio webhooks and click-to-call, a generic PBX webhook.
    public_base_url: str | None = Field(
        default=None,
        description=(
            "The address the world reaches this app at, e.g. https://ringback.example.com: "
            "webhook signatures are checked against it, Twilio is told to call it back, and "
            "unsubscribe links and calendar feed URLs start with it."
        ),
    )
    trust_forwarded_headers: bool = Field(
        default=False,
        description=(
            "Without public_base_url: rebuild the public address from the proxy's "
            "X-Forwarded-Proto and X-Forwarded-Host headers (only behind a proxy that sets them)."
        ),
    )
    twilio_account_sid: str | None = Field(
        default=None, description="Twilio account SID (AC…): click-to-call and webhooks."
    )
    twilio_auth_token: SecretStr | None = Field(
        default=None, description="Twilio auth token: signs Twilio's webhooks; never shown."
    )
    twilio_caller_number: str | None = Field(
        default=None, description="Your Twilio number: the caller ID of click-to-call."
    )
    twilio_api_url: str = Field(
        default="https://api.twilio.com",
        description="Base address of Twilio's REST API (change it only to test).",
    )
    rep_phone: str | None = Field(
        default=None,
        description=(
            "The team's phone, ringing for anyone without a phone of their own (Settings, "
            "`ringback user phone`): click-to-call and inbound calls to the Twilio number."
        ),
    )
    pbx_shared_secret: SecretStr | None = Field(
        default=None,
        description="Shared secret that signs the PBX webhook (HMAC-SHA256); never shown.",
    )
    mail_from: str | None = Field(
        default=None,
        description="The From address of emails Ringback sends. Empty: `sender_email`.",
    )
    feed_reminder_minutes: int = Field(
        default=10,
        ge=0,
        le=24 * 60,
        description=(
            "Each appointment and promised call-back in your calendar feed reminds you "
            "this many minutes before (a VALARM; 0: no reminders)."
        ),
    )
    invite_on_booking: bool = Field(
        default=True,
        description=(
            "Email the calendar invite when an appointment is booked, moved or cancelled "
            "(needs mail_from or sender_email, and public_base_url). Off: only on request."
        ),
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server that sends email. Empty: no email is sent."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP server port.")
    smtp_user: str | None = Field(default=None, description="SMTP login. Empty: no login.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the SMTP connection with STARTTLS before login."
    )
    imap_host: str | None = Field(
        default=None,
        description="IMAP server of the mailbox replies and bounces arrive in. Empty: none read.",
    )
    imap_port: int = Field(default=993, ge=1, le=65535, description="IMAP server port.")
    imap_user: str | None = Field(default=None, description="IMAP login.")
    imap_password: SecretStr | None = Field(default=None, description="IMAP password.")
    imap_ssl: bool = Field(default=True, description="Connect to IMAP over TLS (port 993).")
    imap_folder: str = Field(default="INBOX", description="The IMAP folder the worker reads.")
    worker_interval_seconds: float = Field(
        default=30.0, gt=0, description="How long `ringback worker` waits between rounds."
    )

    @field_validator("default_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown region {value!r} (use an ISO code such as US, GB, DE)")
        return region

    @field_validator("session_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < 32:
            raise ValueError("needs at least 32 random characters (or leave it empty)")
        return value

    @field_validator("pbx_shared_secret", "twilio_auth_token")
    @classmethod
    def _empty_secret_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    @field_validator("public_base_url")
    @classmethod
    def _http_base(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(f"{value!r} is not an http(s) address such as https://example.com")
        return value.rstrip("/")

    @field_validator("audience")
    @classmethod
    def _audience_name(cls, value: str) -> str:
        text = value.strip().lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", text):
            raise ValueError(f"{value!r} is not an audience name such as sales or networking")
        return text

    @field_validator("user_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'ringback.sqlite'}"
