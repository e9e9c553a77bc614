"""Letters and reply postcards print (R9): pages are drawn, read and sized right."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ringback.adapters.documents.letters import letters_html, write_letters_pdf
from ringback.domain.errors import InvalidField
from ringback.domain.letters import Letter, compose_letter
from ringback.domain.sender import Sender
from tests.pdf_tools import ink, page_png, page_sizes, pdf_text
from tests.unit.domain.personas import alice, bernd

SAM = Sender("Sam Lee", "sam@example.com", "+1 646 555 0100", ("12 Main Street", "Springfield"))
DAY = date(2026, 11, 24)
A4 = (595.3, 841.9)
LETTER = (612.0, 792.0)


def alice_letter() -> Letter:
    return compose_letter(alice(address="350 Fifth Avenue; New York, NY 10118"), SAM, DAY)


@pytest.fixture(scope="module")
def alice_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Printed once for the tests that only look at it (WeasyPrint takes a second)."""
    return write_letters_pdf([alice_letter()], tmp_path_factory.mktemp("pdf") / "alice.pdf")


def test_a_letter_prints_on_two_pages_with_ink_on_them(alice_pdf: Path) -> None:
    pdf = alice_pdf

    first = page_png(pdf, 1)
    assert first.exists() and first.stat().st_size > 0
    assert ink(first) > 0.002
    assert ink(page_png(pdf, 2)) > 0.002
    assert len(page_sizes(pdf)) == 2
    assert not pdf.with_name("alice.pdf.part").exists()


def test_the_letter_page_greets_by_first_name_and_the_card_comes_back_to_you(
    alice_pdf: Path,
) -> None:
    pdf = alice_pdf

    letter = pdf_text(pdf, 1)
    assert "Dear Alice," in letter
    assert "Alice Moreno" in letter and "350 Fifth Avenue" in letter
    assert "November 24, 2026" in letter
    assert "Sam Lee" in letter
    card = pdf_text(pdf, 2)
    assert "Good times to call me" in card
    for word in ("Morning", "Afternoon", "Evening", "Monday", "Friday", "Best number to call"):
        assert word in card
    assert "12 Main Street" in card and "From: Alice Moreno" in card


def test_each_letter_is_on_its_own_paper_in_a_batch(tmp_path: Path) -> None:
    letters = [alice_letter(), compose_letter(bernd(), SAM, DAY)]

    pdf = write_letters_pdf(letters, tmp_path / "batch.pdf")

    sizes = page_sizes(pdf)
    assert len(sizes) == 4
    assert [size == pytest.approx(LETTER, abs=1) for size in sizes] == [True, True, False, False]
    assert sizes[2] == pytest.approx(A4, abs=1)
    assert "Dear Bernd," in pdf_text(pdf, 3)


def test_the_paper_setting_overrides_the_country(tmp_path: Path) -> None:
    contact = alice(address="350 Fifth Avenue")
    letter = compose_letter(contact, SAM, DAY, paper_setting="a4")

    pdf = write_letters_pdf([letter], tmp_path / "a4.pdf")

    assert page_sizes(pdf)[0] == pytest.approx(A4, abs=1)


def test_words_are_escaped_in_the_printed_html() -> None:
    contact = bernd(full_name="Bernd <Huber>", first_name="Bernd & Co")
    html = letters_html([compose_letter(contact, SAM, DAY)])

    assert "Dear Bernd &amp; Co," in html
    assert "Bernd &lt;Huber&gt;" in html


def test_nothing_to_print_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidField, match="letters"):
        write_letters_pdf([], tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()
