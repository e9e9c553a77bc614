"""Wires settings, the database engine and the unit of work. Nothing connects at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from ringback import __version__
from ringback.adapters.auth.passwords import Argon2Passwords
from ringback.adapters.auth.secrets import load_or_create_secret
from ringback.adapters.db import migrate
from ringback.adapters.db.engine import make_engine
from ringback.adapters.db.uow import SqlUnitOfWork
from ringback.adapters.email.imap import ImapConfig, ImapMailbox
from ringback.adapters.email.message import Address
from ringback.adapters.email.smtp import SmtpConfig, SmtpSender
from ringback.adapters.events import Broker, LocalBroker, PostgresBroker
from ringback.adapters.telephony.twilio.rest import TwilioCalls
from ringback.domain.access import LoginPolicy, User
from ringback.domain.correspondence import split_lines
from ringback.domain.errors import InvalidField, RingbackError
from ringback.domain.phone import format_international, parse_phone, use_fast_parser
from ringback.domain.scripts import DEFAULT_FLAGGED_PHRASES, parse_phrases
from ringback.domain.sender import Sender
from ringback.services.outbox import MailSetup
from ringback.services.ports import PasswordHasher, UnitOfWork
from ringback.settings import Settings


class DatabaseNotReady(RingbackError):
    """The database schema is older than this version of Ringback."""


@dataclass
class App:
    settings: Settings = field(default_factory=Settings)

    def __post_init__(self) -> None:
        use_fast_parser(self.settings.phone_parser == "auto")

    @property
    def database_url(self) -> str:
        return self.settings.resolved_database_url()

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.database_url)

    def uow_factory(self) -> Callable[[], UnitOfWork]:
        engine = self.engine
        return lambda: SqlUnitOfWork(engine)

    def read_uow_factory(self) -> Callable[[], UnitOfWork]:
        """Units of work that only read (credentials): on SQLite they never wait for writers."""
        engine = self.engine
        return lambda: SqlUnitOfWork(engine, read_only=True)

    @cached_property
    def passwords(self) -> PasswordHasher:
        return Argon2Passwords()

    @property
    def login_policy(self) -> LoginPolicy:
        return LoginPolicy(
            max_failures=self.settings.login_max_failures,
            window=timedelta(minutes=self.settings.login_window_minutes),
        )

    @cached_property
    def http(self) -> httpx.Client:
        """The one client for outbound HTTP (Twilio's API): tests point it at a stand-in."""
        return httpx.Client(
            timeout=httpx.Timeout(10.0),
            headers={"User-Agent": f"Ringback/{__version__}"},
        )

    @cached_property
    def events(self) -> Broker:
        """Pushes to browsers: across instances on PostgreSQL, in-process otherwise."""
        if self.engine.dialect.name == "postgresql":
            return PostgresBroker(self.engine)
        return LocalBroker()

    def twilio_calls(self) -> TwilioCalls | None:
        """Twilio's REST API for click-to-call, when the twilio_* settings are all set."""
        settings = self.settings
        token = settings.twilio_auth_token
        if not (settings.twilio_account_sid and token and settings.twilio_caller_number):
            return None
        return TwilioCalls(
            http=self.http,
            api_url=settings.twilio_api_url,
            account_sid=settings.twilio_account_sid,
            auth_token=token.get_secret_value(),
            caller_number=self._e164(settings.twilio_caller_number, "twilio_caller_number"),
        )

    def rep_phone(self) -> str | None:
        """The `rep_phone` setting in E.164 (InvalidField when it is not a number)."""
        phone = self.settings.rep_phone
        return self._e164(phone, "rep_phone") if phone else None

    def phone_of(self, user: User) -> str | None:
        """The phone that rings for `user` (click-to-call): their own, else `rep_phone`."""
        return user.phone or self.rep_phone()

    def _e164(self, raw: str, field: str) -> str:
        return parse_phone(raw, self.settings.default_region, field=field).e164

    def session_secret(self) -> str:
        """The configured key, else the one kept in the data directory (made on first use)."""
        configured = self.settings.session_secret
        if configured is not None:
            return configured.get_secret_value()
        return load_or_create_secret(self.settings.data_dir / "session_secret")

    def sender(self, signer: str | None = None) -> Sender:
        """The user as messages introduce and sign them (R7, R9): the sender_* settings,
        the name falling back to `signer` (the signed-in user, in the app), then `user`.

        InvalidField("sender_phone") when the number is not a phone number.
        """
        settings = self.settings
        phone = settings.sender_phone
        region = settings.default_region
        number = parse_phone(phone, region, field="sender_phone") if phone else None
        return Sender(
            name=settings.sender_name or signer or settings.user,
            email=settings.sender_email,
            phone=format_international(number.e164) if number else None,
            address=split_lines(settings.sender_address),
            company=settings.sender_company,
        )

    def mail_setup(self, signer: str | None = None) -> MailSetup:
        """The From address, public URL and link key that composing mail needs (issue 6);
        the From name as `sender(signer)` signs."""
        settings = self.settings
        address = settings.mail_from or settings.sender_email
        name = settings.sender_name or signer or settings.user
        sender = Address(address, name) if address else None
        return MailSetup(sender, settings.public_base_url, self.session_secret())

    def smtp_sender(self) -> SmtpSender | None:
        """The SMTP sender, or None when no `smtp_host` is set."""
        settings = self.settings
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        config = SmtpConfig(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_user,
            password,
            settings.smtp_starttls,
        )
        return SmtpSender(config)

    def mailbox(self) -> ImapMailbox | None:
        """The IMAP mailbox replies arrive in, or None when no `imap_host` is set."""
        settings = self.settings
        if not settings.imap_host:
            return None
        password = settings.imap_password.get_secret_value() if settings.imap_password else ""
        config = ImapConfig(
            settings.imap_host,
            settings.imap_port,
            settings.imap_user or "",
            password,
            settings.imap_ssl,
            settings.imap_folder,
        )
        return ImapMailbox(config)

    def flagged_phrases(self) -> tuple[str, ...]:
        """The linter's R13 phrases: the defaults plus the `flagged_phrases_file`'s."""
        path = self.settings.flagged_phrases_file
        if path is None:
            return DEFAULT_FLAGGED_PHRASES
        return (*DEFAULT_FLAGGED_PHRASES, *read_phrases(path, "flagged_phrases_file"))

    def ensure_schema(self) -> None:
        """SQLite is migrated on first use (zero setup); other databases need `db upgrade`."""
        if self.database_url.startswith("sqlite"):
            migrate.upgrade(self.database_url)
        elif not migrate.is_current(self.database_url):
            raise DatabaseNotReady(
                "the database schema is not up to date: run `ringback db upgrade` first"
            )


def read_phrases(path: Path, field: str = "phrases") -> tuple[str, ...]:
    """The phrases of a phrase file (one per line, `#` comments); InvalidField names it."""
    try:
        return parse_phrases(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidField(field, f"cannot read {path}: {exc.strerror or exc}") from None
