"""Records for a read document: Document, Page, Section, Meeting.

Conventions used by every record here:

* ``page`` numbers are 1-based, as printed in a PDF viewer.
* Character spans (``start``/``end``) are offsets into ``Document.text`` — the
  document's pages joined by :data:`PAGE_SEPARATOR` — half-open ``[start, end)``.
* A field that is ``None`` means *unknown*, never "empty" or "guessed".
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

PAGE_SEPARATOR = "\n\f\n"
"""Joins page texts into ``Document.text``; a form feed marks each page break."""


class Record(BaseModel):
    """Base of all saksfinn records: immutable; copy with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DocType(str, Enum):
    SAKSFREMLEGG = "saksfremlegg"
    MOTEPROTOKOLL = "møteprotokoll"
    RAPPORT = "rapport"
    PRESENTASJON = "presentasjon"
    ANNET = "annet"


class DocStatus(str, Enum):
    """How a source file ended up after ingestion."""

    INGESTED = "ingested"
    PARTIAL = "partial"  # read, but some pages/stages failed; see reason
    NEEDS_OCR = "needs_ocr"  # no text layer and no OCR engine available
    FAILED = "failed"
    DUPLICATE = "duplicate"  # same bytes already ingested under another source
    WITHDRAWN = "withdrawn"  # removed at its source
    SUPERSEDED = "superseded"  # its source now holds another version (``superseded_by``)


LIVE_STATUSES = frozenset({DocStatus.INGESTED, DocStatus.PARTIAL, DocStatus.NEEDS_OCR})
"""Statuses of a document that is the current version of a present source: the only
documents that search, exports, counts, charts and saved searches see."""

RETIRED_STATUSES = frozenset({DocStatus.WITHDRAWN, DocStatus.SUPERSEDED})
"""Statuses of a stored document that is no longer current; its record stays for history."""


class Page(Record):
    number: int = Field(ge=1)
    text: str
    start: int = Field(ge=0, description="offset of this page in Document.text")
    ocr: bool = False
    heading_lines: tuple[str, ...] = ()  # lines set apart by layout (bold / larger font), in order
    width: float | None = None
    height: float | None = None


class Section(Record):
    """A contiguous run of text under one heading.

    ``heading`` is the heading as written (``None`` for text before the first
    heading); ``kind`` is a normalised label for known Norwegian headings
    (e.g. ``innstilling``, ``vedtak``, ``saksopplysninger``) or ``None``.
    ``text`` is ``Document.text[start:end]`` and excludes the heading line.
    """

    index: int = Field(ge=0)
    heading: str | None = None
    kind: str | None = None
    level: int = 1
    page: int = Field(ge=1, description="page where the section starts")
    page_end: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Meeting(Record):
    """One line of a *Saksgang* / *Behandling* table."""

    body: str
    date: dt.date | None = None
    case_ref: str | None = None  # e.g. "PTN-139/12", "10/2026"


class DocumentMeta(Record):
    title: str | None = None
    doc_type: DocType = DocType.ANNET
    municipality: str | None = None
    municipality_number: str | None = None
    case_number: str | None = None
    meetings: tuple[Meeting, ...] = ()
    saksbehandler: str | None = None
    date: dt.date | None = None  # the document's main date (first meeting or letter date)
    dates: tuple[dt.date, ...] = ()
    # The year the document belongs to: its date's, else its archive case number's
    # ("Arkivsaksnr: 2026/44"), else the latest past date in its text; None when unknown.
    year: int | None = None

    @property
    def known_year(self) -> int | None:
        """``year``, or the year of ``date`` for metadata stored before ``year`` existed."""
        return self.year if self.year is not None else (self.date.year if self.date else None)
    language: str | None = None  # "nb", "nn", "mixed" or None


class Document(Record):
    """A read document: its bytes' identity, its text by page, its sections.

    ``document_id`` is the sha256 hex digest of the file bytes.
    """

    document_id: str
    source: str
    media_type: str  # "application/pdf", "text/plain", "text/html", "text/markdown"
    pages: tuple[Page, ...]
    sections: tuple[Section, ...] = ()
    meta: DocumentMeta = DocumentMeta()
    warnings: tuple[str, ...] = ()  # non-fatal problems, e.g. "page 3: OCR failed"
    needs_ocr_pages: tuple[int, ...] = ()  # pages with no text that were not OCR'd
    furniture: tuple[str, ...] = ()  # running headers/footers removed from the text (letterheads): metadata evidence
    # the title in the file's own metadata (a PDF's /Title) as written, None when it has
    # none; often a tool's placeholder ("Microsoft Word - x.doc"): extractors/titles.py judges it
    file_title: str | None = None

    @property
    def text(self) -> str:
        return PAGE_SEPARATOR.join(p.text for p in self.pages)

    def page_at(self, offset: int) -> int:
        """1-based page number holding character ``offset`` of ``text``."""
        number = 1
        for page in self.pages:
            if page.start <= offset:
                number = page.number
            else:
                break
        return number
