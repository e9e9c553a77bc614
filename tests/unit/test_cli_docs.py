"""docs/cli.md is generated from the commands' help; it must not drift from the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_cli_reference_matches_the_commands(tmp_path: Path) -> None:
    fresh = tmp_path / "cli.md"
    subprocess.run(
        [sys.executable, "-m", "typer", "ringback.cli", "utils", "docs", "--name", "ringback",
         "--title", "Ringback command line", "--output", str(fresh)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    assert DOC.read_text() == fresh.read_text(), "run `make docs` to refresh docs/cli.md"
