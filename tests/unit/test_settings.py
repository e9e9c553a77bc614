"""Settings: each declared once, each documented, bad values named."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ringback.settings import Settings

DOC = Path(__file__).parents[2] / "docs" / "settings.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_with_its_variable(name: str) -> None:
    text = DOC.read_text()
    assert f"`{name}`" in text
    assert f"`RINGBACK_{name.upper()}`" in text


def test_sqlite_in_the_data_directory_is_the_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'ringback.sqlite'}"


@pytest.mark.parametrize(
    ("field", "value"), [("default_region", "XX"), ("user_timezone", "Mars/Olympus")]
)
def test_bad_values_are_refused_naming_the_setting(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings(**{field: value})  # type: ignore[arg-type]


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGBACK_DEFAULT_REGION", "de")
    assert Settings().default_region == "DE"
