"""Reading PDFs, tables: gap-separated cells joined with bars, ruled tables read as rows
(R1b), splicing table rows into the page's lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from saksfinn.extractors.pdf import read_pdf
from saksfinn.extractors.pdf_model import PdfLine
from saksfinn.extractors.pdf_tables import RuledTable, TableRow, splice_tables
from tests.pdf_helpers import _body_page, _font, _line, _pdf, _read

SAMPLE_DOCS = Path(__file__).resolve().parents[1] / "corpus" / "documents"


def test_table_row_cells_joined_with_bars():
    pdf = _pdf()
    pdf.add_page()
    for y, cells in ((40, ("Utval", "Møtedato", "Saknr")), (46, ("Kommunestyret", "17.12.2012", "112/12"))):
        for x, cell in zip((20, 90, 150), cells):
            _line(pdf, y, cell, x=x)
    doc = _read(pdf)
    assert "Kommunestyret | 17.12.2012 | 112/12" in doc.text.split("\n")


# --- ruled tables (R1b) ---------------------------------------------------------------


def _ruled_table_pdf(rows: list[tuple[str, ...]], *, widths: tuple[int, ...] | None = None) -> bytes:
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 20, "Saksgang", style="B", size=14)
    pdf.set_xy(20, 30)
    _font(pdf, "", 10)
    with pdf.table(col_widths=widths, first_row_as_headings=True, line_height=6) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(value)
    _body_page(pdf, 120)
    return bytes(pdf.output())


def test_ruled_two_column_table_read_as_rows():
    # two columns: the gap rule (2+ wide gaps) cannot see these cells, the rulings can
    rows = [("Saksnr", "Tittel"), ("PS 13/25", "Detaljregulering for Moan sentrum"), ("PS 14/25", "Skolebruksplan")]
    reading = read_pdf(_ruled_table_pdf(rows, widths=(1, 4)), ocr="off")
    lines = reading.pages[0].text.split("\n")
    assert reading.table_pages == (1,)
    for row in rows:
        assert " | ".join(row) in lines
    assert "Saksnr Tittel" not in lines
    assert not any("|" in h for h in reading.pages[0].heading_lines)
    assert "Saksgang" in reading.pages[0].heading_lines
    assert lines.index("Saksgang") < lines.index("Saksnr | Tittel")


def test_page_without_grid_takes_no_table_path():
    pdf = _pdf()
    pdf.add_page()
    pdf.rect(15, 25, 180, 60)  # one framed box is not a table
    _line(pdf, 30, "Innramma tekst i en boks.")
    _body_page(pdf, 40)
    reading = read_pdf(bytes(pdf.output()), ocr="off")
    assert reading.table_pages == ()
    assert "Innramma tekst i en boks." in reading.pages[0].text


def test_sample_corpus_saksgang_rows():
    path = SAMPLE_DOCS / "Bærum" / "2025-02-04_saksfremlegg_heltidskultur.pdf"
    if not path.exists():
        pytest.skip("sample corpus not generated (make corpus)")
    reading = read_pdf(path.read_bytes(), ocr="off")
    lines = reading.pages[0].text.split("\n")
    assert 1 in reading.table_pages
    assert "Utvalg | Møtedato | Saksnr" in lines
    assert "Formannskapet | 26.02.2025 | 019/25" in lines
    assert "Utvalg | Møtedato | Saksnr" not in reading.pages[0].heading_lines


def _pline(text: str, top: float, *, bold: bool = False) -> PdfLine:
    return PdfLine(text, 11.0, bold, top, left=60.0, right=200.0)


def test_splice_keeps_one_cell_rows_and_text_outside():
    lines = [_pline("Før tabellen", 50), _pline("SAKSGANG", 105, bold=True), _pline("Utval Møtedato", 115),
             _pline("Kommunestyret 17.12.2012", 125), _pline("Etter tabellen", 200)]  # fmt: skip
    table = RuledTable(
        x0=55, top=100, x1=500, bottom=132,
        rows=(TableRow(100, 110, ("SAKSGANG",)), TableRow(110, 120, ("Utval", "Møtedato")),
              TableRow(120, 132, ("Kommunestyret", "17.12.2012"))),
    )  # fmt: skip
    out = splice_tables(lines, [table])
    assert [line.text for line in out] == [
        "Før tabellen", "SAKSGANG", "Utval | Møtedato", "Kommunestyret | 17.12.2012", "Etter tabellen"
    ]  # fmt: skip
    assert out[1].bold and not out[1].table
    assert out[2].table and out[3].table and not out[4].table
