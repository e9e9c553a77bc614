"""One typed Settings object; every setting is declared once, with its default and help.

Values come from environment variables prefixed `RINGBACK_` (e.g.
`RINGBACK_DATABASE_URL`), then from command-line options that override them.
"""

from __future__ import annotations

import os
from pathlib import Path
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
    user: str = Field(
        default_factory=_default_user,
        description="Name of the user logging touches from this terminal.",
    )
    user_timezone: str = Field(
        default="UTC",
        description="IANA time zone of the user, for showing times in both clocks.",
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
