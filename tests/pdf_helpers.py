"""Small generated PDFs (fpdf2) and corpus PDFs for the ``test_read_pdf_*`` modules."""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

from saksfinn.extractors.read import read_document
from saksfinn.models.document import Document

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


def _body_page(pdf: FPDF, y0: float = 60) -> None:
    for i in range(6):
        _line(pdf, y0 + 6 * i, f"Vanlig brødtekst linje {i} med mange ord i seg.")


BOE = "real/pdf/boe_2012_moetebok_saksframlegg_breisaas_syd_2gongs.pdf"


def _read_corpus(path: Path) -> Document:
    return read_document(path.read_bytes(), source=path.name, document_id="t", ocr="off")
