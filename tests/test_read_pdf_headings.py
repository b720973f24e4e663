"""Reading PDFs, headings: large and bold lines, the bold-line rule (R1b), bold text that is
not a heading (partly bold, beside a label), on generated PDFs and a real Bø møtebok."""

from __future__ import annotations

import pytest

from saksfinn.extractors.read import read_document
from tests.pdf_helpers import BOE, _body_page, _font, _line, _pdf, _read, _read_corpus, _three_pages


def test_bold_and_large_lines_become_headings():
    doc = read_document(_three_pages(), source="a.pdf", document_id="t")
    assert doc.pages[0].heading_lines == ("Kapittel 1 om tjenester",)
    assert "Kapittel 1 om tjenester" in doc.pages[0].text.split("\n")


def test_bold_body_size_line_is_a_heading_but_plain_line_is_not():
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 30, "Saksopplysninger", style="B")
    for i in range(6):
        _line(pdf, 40 + 6 * i, f"Vanlig brødtekst linje {i} med mange ord i seg.")
    doc = _read(pdf)
    assert doc.pages[0].heading_lines == ("Saksopplysninger",)


@pytest.mark.parametrize(
    ("bold_text", "is_heading"),
    [
        ("Saksopplysninger", True),
        ("Kommunedirektøren tilrår at kommunestyret gjer slikt vedtak:", True),
        ("Hei.", False),
        ("Vi viser til brevet ditt,", False),
        ("Dette er en lang utheva linje med tretten ord som ikke er noen overskrift", False),
    ],
)
def test_bold_line_heading_rule(bold_text, is_heading):
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 30, bold_text, style="B")
    _body_page(pdf, 40)
    doc = _read(pdf)
    assert bold_text in doc.pages[0].text.split("\n")
    assert (bold_text in doc.pages[0].heading_lines) is is_heading


def test_partly_bold_line_is_not_a_heading():
    pdf = _pdf()
    pdf.add_page()
    pdf.set_xy(20, 30)
    _font(pdf, "B")
    pdf.write(6, "Vedtak ")
    _font(pdf, "")
    pdf.write(6, "i saken ble fattet i dag")
    _body_page(pdf, 40)
    doc = _read(pdf)
    assert "Vedtak i saken ble fattet i dag" in doc.pages[0].text.split("\n")
    assert doc.pages[0].heading_lines == ()


def test_bold_text_beside_a_label_is_not_a_heading():
    # a label column ("PTN-139/12", "Tilråding:") with the vote set in bold beside it
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 30, "PTN-139/12", style="B")
    _line(pdf, 36, "Tilråding:", style="B")
    _line(pdf, 30, "Som rådmannen - samrøystes", x=60, style="B")
    _body_page(pdf, 50)
    page = _read(pdf).pages[0]
    assert "Som rådmannen - samrøystes" in page.text.split("\n")
    assert "Tilråding:" in page.heading_lines
    assert "Som rådmannen - samrøystes" not in page.heading_lines


def test_boe_vote_line_is_not_a_heading(shared_corpus):
    page = _read_corpus(shared_corpus / BOE).pages[1]
    assert "Som rådmannen - samrøystes" in page.text.split("\n")
    assert "Som rådmannen - samrøystes" not in page.heading_lines
    assert {"Tilråding:", "Vedtak:"} <= set(page.heading_lines)
