"""Line-level view of ``Document.text`` shared by the finding extractors.

Every :class:`Line` keeps its ``[start, end)`` span in ``Document.text`` (without the
line break), so findings built from lines point back exactly. :func:`locate` gives the
``page`` and ``section`` heading for a span; :func:`in_boilerplate` tells whether a span
lies in a section the splitter marked ``boilerplate``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from saksfinn.models.document import Document, Section

BULLET_RE = re.compile(r"^\s*(?:[-–•▪●◦■➢➤►*·]|\d{1,2}[.)]\s|[a-zæøå][.)]\s|[ivx]{1,4}[.)])\s*")
"""A list item's marker: dash/bullet glyphs, ``1.``/``1)``, ``a)``/``a.``, ``ii.``."""

GLYPH_BULLET_RE = re.compile(r"^\s*[-–•▪●◦➢➤►*·]\s+")
"""An unnumbered bullet (dash or glyph) followed by text."""


class Line(NamedTuple):
    start: int
    end: int
    text: str  # the raw line, without its line break

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip() or self.text.strip() == "\f"


def split_lines(text: str) -> list[Line]:
    """All lines of ``text`` with their offsets (form feeds are their own blank lines)."""
    lines: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def squash(text: str) -> str:
    """Join wrapped lines: collapse all whitespace (incl. page breaks) to single spaces."""
    return re.sub(r"\s+", " ", text.replace("\f", " ")).strip()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def section_at(doc: Document, offset: int) -> Section | None:
    """The section of ``doc`` containing ``offset`` (``None`` when not split or outside)."""
    found = None
    for section in doc.sections:
        if section.start > offset:
            break
        found = section
    return found


def locate(doc: Document, start: int) -> tuple[int, str | None]:
    """``(page, section heading)`` for a span starting at ``start``."""
    section = section_at(doc, start)
    return doc.page_at(start), (section.heading if section else None)


def in_boilerplate(doc: Document, offset: int) -> bool:
    section = section_at(doc, offset)
    return bool(section and section.kind == "boilerplate")
