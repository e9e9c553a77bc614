"""Worker processes start without importing the program's main module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROGRAM = """
from pathlib import Path

with Path({log!r}).open("a") as log:  # runs each time this module is imported
    log.write("imported\\n")

if __name__ == "__main__":
    from ringback.services.parallel import map_ordered

    sizes = list(map_ordered(len, [[0] * n for n in range(8)], workers=2))
    print(sizes)
"""


def test_workers_do_not_import_the_main_module(tmp_path: Path) -> None:
    log = tmp_path / "imports.log"
    program = tmp_path / "program.py"
    program.write_text(_PROGRAM.format(log=str(log)))
    done = subprocess.run(
        [sys.executable, str(program)], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == str(list(range(8)))
    assert log.read_text().splitlines() == ["imported"]  # the parent's import only
