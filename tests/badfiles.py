"""Generators for bad input files: what a reader must survive and report, not crash on.

Import ``make_bad_files(dir)`` from tests (``from tests.badfiles import make_bad_files``);
it writes each file into ``dir`` and returns them by name:

===============  =====================================================================
name             what it is
===============  =====================================================================
valid            a good 2-page PDF with Norwegian text (the reference for the others)
duplicate        the same bytes as ``valid`` under another name
empty            a zero-byte ``.pdf``
truncated        the first half of ``valid``'s bytes (no xref, no trailer)
corrupt          ``%PDF-1.4`` header followed by random bytes
encrypted        a PDF that needs the user password :data:`USER_PASSWORD` to open
text_as_pdf      a UTF-8 Norwegian text file named ``.pdf``
cp1252_txt       a ``.txt`` in Windows-1252 (not UTF-8) with æøå
many_pages       a 300-page PDF (:data:`MANY_PAGES`), one short text per page
scanned          a 1-page PDF whose only content is an image of Norwegian text (no text layer)
random_docx      random bytes named ``.docx``
===============  =====================================================================

Everything is deterministic (fixed seeds and dates) and needs only fpdf2, pypdfium2
and Pillow; the scanned page is rasterised by pdfium from a PDF core font, so no TTF
file has to exist on the machine.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fpdf import FPDF

USER_PASSWORD = "bruker123"
OWNER_PASSWORD = "eier456"
MANY_PAGES = 300
SCANNED_TEXT = (
    "Saksframlegg",
    "Innstilling til vedtak:",
    "Kommunestyret vedtar at sykefraværet",
    "skal reduseres til 7 % innen 2027.",
    "Positive erfaringer: færre vikarer",
    "og større stillinger på sykehjemmet.",
)
NORWEGIAN_TEXT = (
    "Møteprotokoll for formannskapet i Søndre Åsen kommune.\n"
    "Vedtak: Kommunedirektørens forslag ble enstemmig vedtatt. Særlige tiltak for økt nærvær "
    "gjennomføres i hjemmetjenesten på Åsen.\n"
)
_MEASURES = ("flere hele stillinger", "nye vaktordninger", "digitalt tilsyn", "lavere sykefravær", "felles innkjøp")
_FIXED_DATE = dt.datetime(2025, 1, 2, 12, 0, tzinfo=dt.timezone.utc)


def _pdf(orientation: str = "P") -> FPDF:
    pdf = FPDF(orientation=orientation)
    pdf.core_fonts_encoding = "windows-1252"  # æøå with the built-in Helvetica
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_producer("saksfinn tests/badfiles.py")
    pdf.set_font("helvetica", size=12)
    return pdf


def valid_pdf_bytes() -> bytes:
    pdf = _pdf()
    for n in (1, 2):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Side {n}. " + NORWEGIAN_TEXT * 8)
    return bytes(pdf.output())


def encrypted_pdf_bytes() -> bytes:
    pdf = _pdf()
    pdf.set_encryption(owner_password=OWNER_PASSWORD, user_password=USER_PASSWORD)
    pdf.add_page()
    pdf.multi_cell(0, 6, "Unntatt offentlighet. " + NORWEGIAN_TEXT)
    return bytes(pdf.output())


def many_pages_pdf_bytes(pages: int = MANY_PAGES) -> bytes:
    pdf = _pdf()
    pdf.set_auto_page_break(False)
    for n in range(1, pages + 1):
        pdf.add_page()
        # body text well inside the page (a line alone in the top margin is a running header)
        pdf.text(20, 100, f"Budsjettdokument, side {n} av {pages}: økonomiplan for helse og omsorg.")
        pdf.text(20, 110, f"Tiltak {n}: {_MEASURES[n % len(_MEASURES)]}.")
    return bytes(pdf.output())


def scanned_pdf_bytes(dpi: int = 200) -> bytes:
    """One A4 page holding only a greyscale image of text about 40 px high, slightly skewed."""
    import pypdfium2 as pdfium

    source = _pdf()
    source.add_page()
    source.set_font("helvetica", size=15)  # 15 pt at 200 dpi is about 40 px
    for line in SCANNED_TEXT:
        source.cell(0, 12, line, new_x="LMARGIN", new_y="NEXT")
    rendered = pdfium.PdfDocument(bytes(source.output()))
    try:
        image = rendered[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        rendered.close()
    image = image.rotate(0.6, fillcolor=255)

    pdf = _pdf()
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def make_bad_files(dir: Path) -> dict[str, Path]:  # noqa: A002 - the name is part of the contract
    """Write every bad file into ``dir`` (created if missing); return them by name (see module doc)."""
    dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20250102)
    valid = valid_pdf_bytes()
    contents: dict[str, tuple[str, bytes]] = {
        "valid": ("gyldig.pdf", valid),
        "duplicate": ("kopi_av_gyldig.pdf", valid),
        "empty": ("tom.pdf", b""),
        "truncated": ("avkuttet.pdf", valid[: len(valid) // 2]),
        "corrupt": ("korrupt.pdf", b"%PDF-1.4\n" + rng.randbytes(4096)),
        "encrypted": ("passordbeskyttet.pdf", encrypted_pdf_bytes()),
        "text_as_pdf": ("egentlig_tekst.pdf", NORWEGIAN_TEXT.encode("utf-8")),
        "cp1252_txt": ("windows_tegnsett.txt", NORWEGIAN_TEXT.encode("cp1252")),
        "many_pages": ("tre_hundre_sider.pdf", many_pages_pdf_bytes()),
        "scanned": ("skannet.pdf", scanned_pdf_bytes()),
        "random_docx": ("tilfeldig.docx", rng.randbytes(8192)),
    }
    paths: dict[str, Path] = {}
    for name, (filename, data) in contents.items():
        path = dir / filename
        path.write_bytes(data)
        paths[name] = path
    return paths
