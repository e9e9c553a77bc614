"""The key signing session cookies: configured, or generated once in the data directory."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from ringback.bootstrap import App
from ringback.settings import Settings


def test_without_a_setting_a_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    app = App(Settings(data_dir=tmp_path, session_secret=None))
    first = app.session_secret()
    assert len(first) >= 32
    assert App(Settings(data_dir=tmp_path)).session_secret() == first
    mode = (tmp_path / "session_secret").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_configured_key_is_used_as_it_is(tmp_path: Path) -> None:
    key = "k" * 40
    assert App(Settings(data_dir=tmp_path, session_secret=key)).session_secret() == key  # type: ignore[arg-type]
    assert not (tmp_path / "session_secret").exists()


def test_a_short_key_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="session_secret"):
        Settings(session_secret="too short")  # type: ignore[arg-type]


def test_an_empty_key_means_generate_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGBACK_SESSION_SECRET", "")
    assert Settings().session_secret is None
