"""Looking at printed pages in tests with poppler-utils (pdftoppm, pdftotext, pdfinfo).

Without the tools a test is skipped with the reason, except under CI=true, where it
fails: CI installs poppler-utils (.ci/run) and must look at every page it prints.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image


def require(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    reason = f"{tool} not found: install poppler-utils (apt-get install poppler-utils)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: PDF tests must run)", pytrace=False)
    pytest.skip(reason)


def page_png(pdf: Path, page: int = 1, dpi: int = 50) -> Path:
    """Page `page` of `pdf` as a PNG beside it, made by pdftoppm."""
    stem = pdf.with_name(f"{pdf.stem}-page{page}")
    subprocess.run(
        [require("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
         "-singlefile", str(pdf), str(stem)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return stem.with_suffix(".png")


def ink(png: Path) -> float:
    """The share of pixels that are not (near) white: 0.0 for a blank page."""
    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(count for level, count in enumerate(grey.histogram()) if level < 200)
        return dark / (grey.width * grey.height)


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    result = subprocess.run(
        [require("pdftotext"), *pages, str(pdf), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, from pdfinfo."""
    result = subprocess.run(
        [require("pdfinfo"), "-f", "1", "-l", "999", str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    )
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", result.stdout)
    return [(float(w), float(h)) for w, h in sizes]
