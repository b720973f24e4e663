"""Reading PDF bytes into pages of clean text: the orchestration of the ``pdf_*`` modules.

Contract of :func:`read_pdf`: returns a :class:`PdfReading` whose pages are 1-based and
complete (one :class:`~saksfinn.models.Page` per PDF page, ``start`` left at 0 for the
caller to set), and raises :class:`~saksfinn.models.errors.CorruptFileError`,
:class:`~saksfinn.models.errors.EncryptedFileError` or
:class:`~saksfinn.models.errors.TooLargeError` with a one-line message. Per page:

* text in PDFium's reading order (it already puts a label column such as
  "Rådmannen tilrår:" before the text beside it, and keeps table rows on one line);
  rotated and "stacked" text is dropped, cells separated by wide gaps are joined with
  ``" | "`` (:mod:`.pdf_lines`);
* on pages whose vector paths form a grid (:func:`.pdf_tables.has_ruled_table`), the
  tables are read with pdfplumber and each row replaces the flattened lines as
  ``"Utvalg | Møtedato | Saksnr"`` (:mod:`.pdf_tables`; listed in
  ``PdfReading.table_pages``);
* running headers/footers and page numbers are removed, hyphenated line ends joined
  (:mod:`.pdf_cleanup`);
* larger-font lines and short, wholly bold lines become ``Page.heading_lines`` (exact
  copies of lines of ``Page.text``; rules in :mod:`.pdf_headings`);
* a page with no text layer but an image is OCR'd with tesseract when ``ocr="auto"`` and
  tesseract is installed (``Page.ocr=True``); otherwise its number is listed in
  ``needs_ocr_pages`` and its text left empty.

Design decision (``bench/bench_read.py``, best of N runs on a loaded 2-core box): PDFium
does the whole text pass (one ``get_text_range`` per page, characters *sampled* through
ctypes, see :mod:`.pdf_lines`); pdfplumber's ``extract_text`` runs at 2–3 pages/s on the
shared corpus (A0 map pages are very slow in pdfminer), far below the ≥ 30 %-of-raw-
pypdfium2 target, so it is used only for its table finder, and only on pages PDFium
found ruled (~50–120 ms each).
"""

from __future__ import annotations

import io
import logging
import math
import re
import threading
from dataclasses import dataclass, replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from saksfinn.extractors.ocr import OCR_DPI, OCRFailed, ocr_image, tesseract_path
from saksfinn.extractors.pdf_cleanup import MAX_FURNITURE, drop_running_lines, join_hyphenated
from saksfinn.extractors.pdf_headings import body_size, mark_headings
from saksfinn.extractors.pdf_lines import page_lines
from saksfinn.extractors.pdf_model import PdfLine, RawPage
from saksfinn.extractors.pdf_tables import find_ruled_tables, has_ruled_table, splice_tables
from saksfinn.extractors.text import clean_line
from saksfinn.models.document import Page
from saksfinn.models.errors import CorruptFileError, EncryptedFileError, TooLargeError

logger = logging.getLogger(__name__)

OCR_MODES = ("auto", "off")
# PDFium is not thread-safe, not even across different documents: ingestion reads files on
# a thread pool, so every PDFium call of this package runs under this lock (a segfault in
# FPDF_LoadPage under two ingest workers was the symptom). OCR runs outside it.
PDFIUM_LOCK = threading.RLock()
_MAX_OCR_PIXELS = 60_000_000  # caps the render of huge (A0 map) pages for OCR


_WORDY = re.compile(r"[^\W\d_]{2,}")  # a word of two letters: not a map coordinate or a parcel number


@dataclass(frozen=True)
class PdfReading:
    """Pages of one PDF plus what went wrong along the way (non-fatal).

    ``table_pages``: pages whose ruled tables were read with pdfplumber; ``furniture``: the
    running headers/footers removed from the pages' text; ``title``: the PDF's own
    ``/Title`` as written (``None`` when empty), whatever it is worth."""

    pages: tuple[Page, ...]
    warnings: tuple[str, ...] = ()
    needs_ocr_pages: tuple[int, ...] = ()
    table_pages: tuple[int, ...] = ()
    furniture: tuple[str, ...] = ()
    title: str | None = None


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The PDF in ``data``; raises EncryptedFileError / CorruptFileError with a one-line reason."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedFileError(
                "PDF is password-protected: save an unprotected copy (e.g. `qpdf --decrypt`) and add that"
            ) from exc
        raise CorruptFileError(f"not a readable PDF: {exc}") from exc


def read_pdf(
    data: bytes, *, ocr: str = "auto", ocr_languages: str = "nor", max_pages: int = 2000, tables: bool = True
) -> PdfReading:
    """Pages of the PDF in ``data`` (see module contract); ``tables=False`` skips pdfplumber."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}, not {ocr!r}")
    can_ocr = ocr == "auto" and tesseract_path() is not None
    warnings: list[str] = []
    with PDFIUM_LOCK:
        doc = open_pdf(data)
        try:
            count = len(doc)
            if count == 0:
                raise CorruptFileError("not a readable PDF: it has no pages")
            if count > max_pages:
                raise TooLargeError(f"PDF has {count} pages, more than the limit of {max_pages}; split it or raise max_pages")
            read = [_read_page(doc, i, can_ocr, warnings) for i in range(count)]
            title = _info_title(doc)
        finally:
            doc.close()
    raw_pages = [_ocr_page(page, png, ocr_languages, warnings) if png else page for page, png in read]
    ruled = tuple(p.number for p in raw_pages if p.ruled) if tables else ()
    if ruled:
        found = find_ruled_tables(data, ruled, warnings)
        raw_pages = [replace(p, lines=splice_tables(p.lines, found[p.number])) if found.get(p.number) else p for p in raw_pages]
    raw_pages, running = drop_running_lines(raw_pages)
    # what the text leaves out but names the sender: running headers/footers, then turned or stacked lines
    furniture = tuple(dict.fromkeys([*running, *(a for p in raw_pages for a in p.asides if _WORDY.search(a))]))[:MAX_FURNITURE]
    body = body_size(raw_pages)
    pages = tuple(_finish_page(p, body) for p in raw_pages)
    needs = tuple(p.number for p in raw_pages if p.needs_ocr)
    if needs:
        why = "OCR is off" if ocr == "off" else "tesseract is not installed" if not can_ocr else "OCR failed"
        warnings.append(f"pages {_ranges(needs)} have no text layer and were not OCR'd ({why})")
    return PdfReading(pages=pages, warnings=tuple(warnings), needs_ocr_pages=needs, table_pages=ruled,
                      furniture=furniture, title=title)


def _info_title(doc: pdfium.PdfDocument) -> str | None:
    """The document information dictionary's /Title, white space folded; ``None`` if empty."""
    try:
        title = " ".join((doc.get_metadata_value("Title") or "").split())
    except (pdfium.PdfiumError, UnicodeDecodeError, KeyError):  # a broken info dictionary is no reason to fail
        return None
    return title[:500] or None


def _ranges(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers) if len(numbers) <= 10 else f"{numbers[0]}–{numbers[-1]}"


def _read_page(doc: pdfium.PdfDocument, index: int, can_ocr: bool, warnings: list[str]) -> tuple[RawPage, bytes | None]:
    """The page's text lines, or (when it is a scan and OCR can run) its rendering to OCR later."""
    number = index + 1
    try:
        page = doc[index]
    except pdfium.PdfiumError as exc:
        warnings.append(f"page {number}: could not be loaded ({exc})")
        return RawPage(number=number, lines=(), width=0.0, height=0.0), None
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            asides: list[str] = []
            lines = page_lines(textpage.raw, text, height, asides) if text.strip() else ()
        finally:
            textpage.close()
        if lines:
            ruled = has_ruled_table(page.raw, width, height)
            return RawPage(number=number, lines=lines, width=width, height=height, ruled=ruled,
                           asides=tuple(asides)), None
        if not _has_image(page.raw):
            return RawPage(number=number, lines=(), width=width, height=height), None
        scan = RawPage(number=number, lines=(), width=width, height=height, needs_ocr=True)
        return scan, (_render_png(page, width, height) if can_ocr else None)
    finally:
        page.close()


def _ocr_page(page: RawPage, png: bytes, languages: str, warnings: list[str]) -> RawPage:
    try:
        ocr_text = ocr_image(png, languages=languages)
    except OCRFailed as exc:
        warnings.append(f"page {page.number}: OCR failed: {exc}")
        return page
    ocr_lines = tuple(PdfLine(clean_line(t), 0.0, False, 0.0) for t in ocr_text.splitlines())
    return replace(page, lines=ocr_lines, ocr=True, needs_ocr=False)


def _render_png(page: pdfium.PdfPage, width: float, height: float) -> bytes:
    scale = OCR_DPI / 72
    if width * height * scale * scale > _MAX_OCR_PIXELS:
        scale = math.sqrt(_MAX_OCR_PIXELS / (width * height))
    image = page.render(scale=scale, grayscale=True).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _has_image(page_raw: object, depth: int = 0) -> bool:
    """Whether the page (or a form XObject on it, 2 levels deep) holds an image."""
    count_fn, get_fn = (
        (pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject)
        if depth == 0
        else (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject)
    )
    for i in range(count_fn(page_raw)):
        obj = get_fn(page_raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 2 and _has_image(obj, depth + 1):
            return True
    return False


def _finish_page(page: RawPage, body: float) -> Page:
    lines = join_hyphenated(list(page.lines))
    if not page.ocr:
        lines = mark_headings(lines, body)
    text_lines: list[str] = []
    for line in lines:
        if line.text or (text_lines and text_lines[-1]):
            text_lines.append(line.text)
    while text_lines and not text_lines[-1]:
        text_lines.pop()
    return Page(
        number=page.number,
        text="\n".join(text_lines),
        start=0,
        ocr=page.ocr,
        heading_lines=tuple(line.text for line in lines if line.heading and line.text),
        width=page.width or None,
        height=page.height or None,
    )
