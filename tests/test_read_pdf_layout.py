"""Reading PDFs, layout cleanup on small generated PDFs: running headers and footers, page
offsets, line-end hyphenation, rotated text."""

from __future__ import annotations

import re

import pytest

from saksfinn.extractors.read import read_document
from saksfinn.models.document import PAGE_SEPARATOR
from tests.pdf_helpers import _line, _pdf, _read, _three_pages


def test_running_header_and_footer_removed_body_kept():
    doc = read_document(_three_pages(), source="a.pdf", document_id="t")
    assert len(doc.pages) == 3
    assert "Saksframlegg 12/2960" not in doc.text
    assert not re.search(r"Side \d av 3", doc.text)
    assert "Andre side handler om barnehage." in doc.pages[1].text
    assert doc.media_type == "application/pdf"


def test_page_starts_match_document_text():
    doc = read_document(_three_pages(), source="a.pdf", document_id="t")
    text = doc.text
    for page in doc.pages:
        assert text[page.start : page.start + len(page.text)] == page.text
    assert text.count(PAGE_SEPARATOR) == len(doc.pages) - 1
    assert all(line == line.rstrip() for page in doc.pages for line in page.text.split("\n"))


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Dette gjelder tjenestene i kommu-", "nen og fylket samlet.", "tjenestene i kommunen og fylket"),
        ("Vi styrker tilbudet innen helse-", "og omsorg i hele kommunen.", "innen helse- og omsorg i hele"),
        ("Planen gjelder for Nord-", "Trøndelag og Sør-Trøndelag.", "for Nord-Trøndelag og"),
        ("Her står plan- og byg-", "ningsloven sentralt for alle.", "plan- og bygningsloven sentralt"),
    ],
)
def test_line_end_hyphenation(first, second, expected):
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 40, first)
    _line(pdf, 46, second)
    doc = _read(pdf)
    assert expected in re.sub(r"\s+", " ", doc.text)


def test_rotated_text_dropped():
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 40, "Teksten som skal leses står her.")
    with pdf.rotation(90, x=180, y=150):
        _line(pdf, 150, "ROTERT LOGOTEKST", x=180)
    doc = _read(pdf)
    assert "Teksten som skal leses står her." in doc.text
    assert "ROTERT" not in doc.text
