"""Reading PDFs: layout cleanup on small generated PDFs, real corpus PDFs, bad input, OCR."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.enums import EncryptionMethod

from saksfinn.extractors.pdf import read_pdf
from saksfinn.extractors.pdf_model import PdfLine
from saksfinn.extractors.pdf_tables import RuledTable, TableRow, splice_tables
from saksfinn.extractors.read import read_document
from saksfinn.models.document import PAGE_SEPARATOR, Document
from saksfinn.models.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    TooLargeError,
    UnsupportedFormatError,
)

FONT_DIR = "/usr/share/fonts/truetype/dejavu"


HAVE_DEJAVU = os.path.exists(f"{FONT_DIR}/DejaVuSans.ttf") and os.path.exists(f"{FONT_DIR}/DejaVuSans-Bold.ttf")


def _pdf() -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    if HAVE_DEJAVU:
        pdf.add_font("Body", "", f"{FONT_DIR}/DejaVuSans.ttf")
        pdf.add_font("Body", "B", f"{FONT_DIR}/DejaVuSans-Bold.ttf")
    return pdf


def _font(pdf: FPDF, style: str = "", size: float = 11) -> None:
    # without DejaVu, the core font (Latin-1) still covers æøå
    pdf.set_font("Body" if HAVE_DEJAVU else "Helvetica", style, size)


def _line(pdf: FPDF, y: float, text: str, *, x: float = 20, style: str = "", size: float = 11) -> None:
    _font(pdf, style, size)
    pdf.set_xy(x, y)
    pdf.cell(0, 6, text)


def _read(pdf: FPDF, **kwargs) -> Document:
    return read_document(bytes(pdf.output()), source="test.pdf", document_id="t", **kwargs)


def _three_pages() -> bytes:
    pdf = _pdf()
    bodies = ["Første side handler om skole.", "Andre side handler om barnehage.", "Tredje side handler om veg."]
    for n, body in enumerate(bodies, start=1):
        pdf.add_page()
        _line(pdf, 8, "Bø kommune - Saksframlegg 12/2960", size=9)
        _line(pdf, 30, f"Kapittel {n} om tjenester", style="B", size=16)
        _line(pdf, 45, body)
        _line(pdf, 51, "Vanlig tekst på linje to uten utheving.")
        _line(pdf, 285, f"Side {n} av 3", size=9)
    return bytes(pdf.output())


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


def test_table_row_cells_joined_with_bars():
    pdf = _pdf()
    pdf.add_page()
    for y, cells in ((40, ("Utval", "Møtedato", "Saknr")), (46, ("Kommunestyret", "17.12.2012", "112/12"))):
        for x, cell in zip((20, 90, 150), cells):
            _line(pdf, y, cell, x=x)
    doc = _read(pdf)
    assert "Kommunestyret | 17.12.2012 | 112/12" in doc.text.split("\n")


def test_image_only_page_listed_when_ocr_off():
    doc = read_document(_image_pdf("Skannet side"), source="s.pdf", document_id="t", ocr="off")
    assert doc.pages[0].text == ""
    assert doc.needs_ocr_pages == (1,)
    assert not doc.pages[0].ocr
    assert any("OCR" in w for w in doc.warnings)


def _image_pdf(text: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1700, 600), 255)
    draw = ImageDraw.Draw(image)
    font = (
        ImageFont.truetype(f"{FONT_DIR}/DejaVuSans.ttf", 64)
        if os.path.exists(f"{FONT_DIR}/DejaVuSans.ttf")
        else ImageFont.load_default(size=64)
    )
    draw.text((80, 200), text, fill=0, font=font)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())


@pytest.mark.slow
def test_ocr_reads_image_only_page():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-nor)")
    doc = read_document(_image_pdf("Kommunestyret vedtok planen"), source="s.pdf", document_id="t")
    if doc.needs_ocr_pages:
        pytest.skip(f"tesseract could not OCR here: {doc.warnings}")
    assert doc.pages[0].ocr
    assert "kommunestyret" in doc.text.lower()
    assert "planen" in doc.text.lower()


# --- bad input ------------------------------------------------------------------------


def _encrypted() -> bytes:
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 40, "Hemmelig")
    pdf.set_encryption(owner_password="eier", user_password="bruker", encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())


def _random_binary() -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(4096))


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: b"", EmptyFileError),
        (lambda: _three_pages()[: len(_three_pages()) // 2], CorruptFileError),
        (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, CorruptFileError),
        (_random_binary, UnsupportedFormatError),
        (lambda: b"PK\x03\x04" + b"\x00" * 100, UnsupportedFormatError),
        (_encrypted, EncryptedFileError),
    ],
    ids=["empty", "truncated", "garbage-pdf", "random-binary", "zip", "encrypted"],
)
def test_bad_input_raises_read_error(make, error):
    with pytest.raises(error) as info:
        read_document(make(), source="bad.pdf", document_id="t")
    message = str(info.value)
    assert message and "\n" not in message


def test_too_many_pages():
    with pytest.raises(TooLargeError, match="3 pages"):
        read_document(_three_pages(), source="a.pdf", document_id="t", max_pages=2)


def test_unknown_ocr_mode_rejected():
    with pytest.raises(ValueError):
        read_document(_three_pages(), source="a.pdf", document_id="t", ocr="sometimes")


# --- real documents -------------------------------------------------------------------

BOE = "real/pdf/boe_2012_moetebok_saksframlegg_breisaas_syd_2gongs.pdf"


def _read_corpus(path) -> Document:
    return read_document(path.read_bytes(), source=path.name, document_id="t", ocr="off")


def test_boe_moetebok(shared_corpus):
    doc = _read_corpus(shared_corpus / BOE)
    assert len(doc.pages) == 2
    assert "komune" not in doc.text  # the stacked logo "Bø komune Møtebok"
    assert "Møtebok" not in doc.text
    assert "Rådmannen tilrår:" in doc.pages[1].heading_lines
    assert "Vedtak:" in doc.pages[1].text.split("\n")
    assert "Hovudutval for plan, teknikk og næring tilrår" in doc.pages[1].text
    # the label comes before the text beside it
    assert doc.text.index("Rådmannen tilrår:") < doc.text.index("Hovudutval for plan")
    assert "Kommunestyret | 17.12.2012" in doc.pages[0].text


@pytest.mark.parametrize("name", ["000_0e985840d361623f", "001_f6d5af557abd03bd", "002_5e2d0d5ab7f8e34f",
                                  "003_56deaedebfc95716", "004_36594888149402fe"])  # fmt: skip
def test_seed_pdf_text_matches_seed_txt(shared_corpus, name):
    doc = _read_corpus(shared_corpus / "seeds" / "pdf" / f"{name}.pdf")
    ours = re.findall(r"\w+", doc.text.lower())
    ref = re.findall(r"\w+", (shared_corpus / "seeds" / "txt" / f"{name}.txt").read_text("utf-8").lower())
    assert SequenceMatcher(None, ours, ref, autojunk=False).ratio() > 0.95


@pytest.mark.parametrize(
    "name", ["boe_2012_plankart_breisaas_syd.pdf", "kristiansand_plankart_gyldenloves_gate70.pdf"]
)
def test_map_only_pdf_reads(shared_corpus, name):
    doc = _read_corpus(shared_corpus / "real" / "pdf" / name)
    assert len(doc.pages) == 1
    assert doc.needs_ocr_pages == ()


@pytest.mark.slow
def test_every_corpus_pdf_reads(shared_corpus):
    for path in sorted(shared_corpus.glob("*/pdf/*.pdf")):
        doc = _read_corpus(path)
        for page in doc.pages:
            assert doc.text[page.start : page.start + len(page.text)] == page.text
            assert set(page.heading_lines) <= set(page.text.split("\n"))


# --- bold headings (R1b) --------------------------------------------------------------

SAMPLE_DOCS = Path(__file__).resolve().parents[1] / "corpus" / "documents"


def _body_page(pdf: FPDF, y0: float = 60) -> None:
    for i in range(6):
        _line(pdf, y0 + 6 * i, f"Vanlig brødtekst linje {i} med mange ord i seg.")


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
