"""The intermediate records of PDF reading: one text line and one page before cleanup.

These are internal to the ``pdf*`` modules (the stage's output is
:class:`~saksfinn.models.Page`); they are frozen so each step returns new ones.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One line of a page as read (``top``/``left``/``right`` in pt, y from the page top).

    ``size`` is the effective font size, 0.0 when unknown (OCR, unmappable text);
    ``bold`` means bold over (nearly) the whole line; ``table`` marks a row built from a
    ruled table (cells joined with ``" | "``), which is never a heading nor hyphen-joined.
    """

    text: str
    size: float
    bold: bool
    top: float
    left: float = 0.0
    right: float = 0.0
    heading: bool = False
    table: bool = False


@dataclass(frozen=True, slots=True)
class RawPage:
    """One page's lines before document-wide cleanup; ``ruled`` = has a grid of rulings;
    ``asides`` = text left out of the lines (turned or stacked: map labels, a letterhead
    printed up the margin), kept as metadata evidence."""

    number: int
    lines: tuple[PdfLine, ...]
    width: float
    height: float
    ocr: bool = False
    needs_ocr: bool = False
    ruled: bool = False
    asides: tuple[str, ...] = ()
