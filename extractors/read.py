"""The reading stage: file bytes → :class:`~saksfinn.models.Document` with pages.

Contract of :func:`read_document`:

* The format is sniffed from the bytes, never from ``source``'s extension: ``%PDF-`` in
  the first 1 KiB → PDF (:mod:`.pdf`); otherwise the bytes must decode as text — HTML when
  it starts like markup (``<!doctype html``, ``<html``, ``<body``, …), Markdown when it
  has ``#`` heading lines, else plain text (:mod:`.text`).
* Text decoding: UTF-8 (BOM allowed), UTF-16 with a BOM, else cp1252 (latin-1 as last
  resort) with a warning in ``Document.warnings``.
* ``pages[i].start`` is the offset of page ``i`` in ``Document.text`` (pages joined with
  :data:`~saksfinn.models.document.PAGE_SEPARATOR`). ``sections`` and ``meta`` are left
  empty for the later stages.
* Expected failures raise a :class:`~saksfinn.models.errors.ReadError` subclass with a
  one-line message: EmptyFileError, CorruptFileError, EncryptedFileError,
  UnsupportedFormatError, TooLargeError.
"""

from __future__ import annotations

import codecs
import logging
import re

from saksfinn.extractors.pdf import read_pdf
from saksfinn.extractors.text import is_markdown, read_html, read_plain_text
from saksfinn.models.document import PAGE_SEPARATOR, Document, Page
from saksfinn.models.errors import EmptyFileError, UnsupportedFormatError

logger = logging.getLogger(__name__)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx/odt?)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (doc/xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_HTML_START_RE = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|h[1-6])\b", re.IGNORECASE | re.DOTALL)  # fmt: skip
_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13}


def read_document(
    data: bytes,
    *,
    source: str,
    document_id: str,
    ocr: str = "auto",
    ocr_languages: str = "nor",
    max_pages: int = 2000,
) -> Document:
    """Read ``data`` (the whole file) into a Document (see module contract).

    ``ocr`` is ``"auto"`` (OCR pages without text when tesseract is installed) or ``"off"``;
    ``ocr_languages`` is tesseract's ``-l`` value; ``max_pages`` bounds PDFs.
    """
    if not data:
        raise EmptyFileError(f"{source} is empty (0 bytes); fetch it again")
    if b"%PDF-" in data[:1024]:
        reading = read_pdf(data, ocr=ocr, ocr_languages=ocr_languages, max_pages=max_pages)
        return _document(document_id, source, "application/pdf", reading.pages, reading.warnings, reading.needs_ocr_pages,
                         reading.furniture, file_title=reading.title)
    text, warnings = decode_text(data, source=source)
    if _HTML_START_RE.match(data[:4096]) or _HTML_START_RE.match(text[:4096].encode("utf-8", "replace")):
        return _document(document_id, source, "text/html", read_html(text), warnings, ())
    media_type = "text/markdown" if is_markdown(text) else "text/plain"
    return _document(document_id, source, media_type, read_plain_text(text), warnings, ())


def decode_text(data: bytes, *, source: str = "file") -> tuple[str, tuple[str, ...]]:
    """``data`` decoded as text, with warnings; UnsupportedFormatError when it is binary."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormatError(f"{source} is {what}, not PDF, HTML or text; convert it to PDF first")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError as exc:
            raise UnsupportedFormatError(f"{source} has a UTF-16 mark but is not UTF-16 text: {exc.reason}") from exc
    head = data[:8192]
    controls = sum(1 for b in head if b in _TEXT_CONTROLS)
    if b"\x00" in head or controls > max(2, len(head) // 100):
        raise UnsupportedFormatError(f"{source} is binary data, not PDF, HTML or text; convert it to PDF first")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    logger.info("%s is not UTF-8; decoded as %s", source, encoding)
    return text, (f"text is not UTF-8; decoded as {encoding} (check æ, ø, å)",)


def _document(
    document_id: str,
    source: str,
    media_type: str,
    pages: tuple[Page, ...],
    warnings: tuple[str, ...],
    needs_ocr_pages: tuple[int, ...],
    furniture: tuple[str, ...] = (),
    *,
    file_title: str | None = None,
) -> Document:
    placed: list[Page] = []
    offset = 0
    for page in pages:
        placed.append(page if page.start == offset else page.model_copy(update={"start": offset}))
        offset += len(page.text) + len(PAGE_SEPARATOR)
    return Document(
        document_id=document_id,
        source=source,
        media_type=media_type,
        pages=tuple(placed),
        warnings=tuple(warnings),
        needs_ocr_pages=tuple(needs_ocr_pages),
        furniture=tuple(furniture),
        file_title=file_title,
    )
