"""Letters and reply postcards as one printable PDF (R9), from HTML and CSS.

WeasyPrint lays out templates/letters.html (styled by templates/letter.css): per
contact, the letter on one page and the reply card on the next, each page on the
letter's paper (A4 or US Letter, CSS named pages), so one batch can mix both.
WeasyPrint is imported when a PDF is made, not with this module: it loads Pango,
which the other commands do not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ringback.adapters.documents.templating import TEMPLATES, render
from ringback.domain.errors import InvalidField
from ringback.domain.letters import Letter


def letters_html(letters: Sequence[Letter], title: str = "Letters") -> str:
    return render("letters.html", letters=letters, title=title)


def letters_pdf(letters: Sequence[Letter], title: str = "Letters") -> bytes:
    """The PDF of `letters`, each followed by its reply card."""
    if not letters:
        raise InvalidField("letters", "there is no letter to print")
    from weasyprint import HTML

    pdf: bytes = HTML(string=letters_html(letters, title), base_url=str(TEMPLATES)).write_pdf()
    return pdf


def write_letters_pdf(letters: Sequence[Letter], path: Path, title: str = "Letters") -> Path:
    """Write the PDF to `path` (through a temporary file, so a failure leaves no half file)."""
    data = letters_pdf(letters, title)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path
