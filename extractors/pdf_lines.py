"""Line assembly from one PDFium text page: upright, unstacked lines with font facts.

Contract of :func:`page_lines`: takes PDFium's text of a page (one ``get_text_range``
call) and returns its non-blank lines, cleaned, in PDFium's reading order, each with
effective font size, bold flag, and position (top/left/right in pt, y from the top).

* Characters are *sampled*, not all queried (querying size/weight/box/angle for every
  character through ctypes costs ~4 calls per char and fell to 22 % of raw pypdfium2):
  matrix of the first and last non-space character (rotated/mirrored → line dropped, or
  filtered per char when only one end is rotated), the first two or three boxes
  ("stacked" glyphs printed on top of each other, as in the Bø møtebok logo → dropped),
  and the boxes either side of each space run (cell gaps: 2 or more gaps wider than
  :data:`CELL_GAP_EM` font sizes → cells joined with ``" | "``).
* ``bold`` is only computed for lines that could be a bold heading (≤
  :data:`BOLD_CANDIDATE_WORDS` words, not ending in "." or ","): the first character of
  every word (and the last of longer words) is checked, and the line is bold when words
  making up ≥ :data:`BOLD_SHARE` of its characters are bold.
* Known limit of sampling: a line whose first and last characters are upright but which
  hides a rotated run in the middle keeps that run.
"""

from __future__ import annotations

import ctypes
import math
import re

import pypdfium2.raw as pdfium_c

from saksfinn.extractors.pdf_cleanup import join_marked_hyphens
from saksfinn.extractors.pdf_model import PdfLine
from saksfinn.extractors.text import clean_line

CELL_GAP_EM = 1.5
"""A gap between words wider than this many font sizes separates table cells."""
BOLD_CANDIDATE_WORDS = 12
"""Longer lines are never bold headings, so their weight is not queried."""
BOLD_SHARE = 0.9
"""Share of a line's (non-space) characters that must be bold for the line to be bold."""

_LINE_RE = re.compile(r"[^\r\n]+")
_SPACES_RE = re.compile(r" +")
_WORD_RE = re.compile(r"\S+")
_BOLD_NAME_RE = re.compile(rb"bold|black|heavy|semibold|demi|extrab|ultrab", re.IGNORECASE)
# Symbol/Wingdings glyphs land in the private use area; map the common bullets.
_PUA = {0xF020: " ", 0xF0B7: "•", 0xF0A7: "▪", 0xF0D8: "➢", 0xF0FC: "✓", 0xF0E0: "→", 0xF02D: "-"}
PUA_TABLE = {cp: _PUA.get(cp, "") for cp in range(0xF000, 0xF100)}
"""``str.translate`` table mapping Symbol/Wingdings private-use glyphs to text."""


class CharProbe:
    """Per-character queries on one PDFium text page, with reusable ctypes buffers."""

    def __init__(self, textpage: object) -> None:
        self.tp = textpage
        self.left, self.right, self.bottom, self.top = (ctypes.c_double() for _ in range(4))
        self.matrix = pdfium_c.FS_MATRIX()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.bold_names: dict[bytes, bool] = {}

    def box(self, i: int) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) of char ``i`` in PDF points (y up)."""
        pdfium_c.FPDFText_GetCharBox(self.tp, i, self.left, self.right, self.bottom, self.top)
        return self.left.value, self.right.value, self.bottom.value, self.top.value

    def upright_size(self, i: int) -> float | None:
        """Effective font size of char ``i``, or ``None`` if it is rotated/mirrored."""
        m = self.matrix
        if not pdfium_c.FPDFText_GetMatrix(self.tp, i, m):
            return 0.0
        scale = math.hypot(m.c, m.d)
        if scale <= 0 or abs(m.b) > 0.1 * scale or abs(m.c) > 0.1 * scale or m.a <= 0 or m.d <= 0:
            return None
        return pdfium_c.FPDFText_GetFontSize(self.tp, i) * m.d

    def bold(self, i: int) -> bool:
        pdfium_c.FPDFText_GetFontInfo(self.tp, i, self.name, 128, self.flags)
        name = self.name.value
        known = self.bold_names.get(name)
        if known is None:
            known = self.bold_names[name] = bool(_BOLD_NAME_RE.search(name))
        return known or pdfium_c.FPDFText_GetFontWeight(self.tp, i) >= 600


def page_lines(textpage: object, text: str, height: float, asides: list[str] | None = None) -> tuple[PdfLine, ...]:
    """Upright, unstacked lines of one page, cleaned, with font size / bold / position; the
    text of the lines left out is appended to ``asides`` when given."""
    probe = CharProbe(textpage)
    sampled = len(text) == pdfium_c.FPDFText_CountChars(textpage)  # else indices don't map to chars
    lines: list[PdfLine] = []
    for match in _LINE_RE.finditer(text):
        seg = match.group()
        body = seg.strip()
        if not body:
            continue
        if not sampled:
            lines.append(PdfLine(fix_text(body), 0.0, False, 0.0))
            continue
        start = match.start()
        first = start + len(seg) - len(seg.lstrip())
        last = start + len(seg.rstrip()) - 1
        line = _sample_line(probe, text, first, last, height)
        if line is not None and line.text:
            lines.append(line)
        elif line is None and asides is not None:
            asides.append(fix_text(body))
    return tuple(lines)


def _sample_line(probe: CharProbe, text: str, first: int, last: int, height: float) -> PdfLine | None:
    size = probe.upright_size(first)
    if size is None:
        return None
    if last > first and probe.upright_size(last) is None:
        return _mixed_line(probe, text, first, last, height)
    box0 = probe.box(first)
    if _stacked(probe, text, first, last, box0):
        return None
    body = _cells(probe, text, first, last, size)
    bold = _bold_candidate(body) and bold_share(probe, text, first, last) >= BOLD_SHARE
    right = probe.box(last)[1] if last > first else box0[1]
    return PdfLine(fix_text(body), size, bold, height - box0[3], box0[0], right)


def _bold_candidate(body: str) -> bool:
    """Whether a line could be a bold heading (short, no sentence/clause end, no cells)."""
    return " | " not in body and not body.endswith((".", ",")) and len(body.split()) <= BOLD_CANDIDATE_WORDS


def bold_share(probe: CharProbe, text: str, first: int, last: int) -> float:
    """Share of the non-space characters in ``text[first:last+1]`` that are in bold words.

    A word counts as bold when its first character is (and, for words of 4+ characters,
    its last one too). Returns 0.0 at once when the line's first or last character is not
    bold, and stops counting once the share cannot reach :data:`BOLD_SHARE`."""
    if not probe.bold(first) or (last > first and not probe.bold(last)):
        return 0.0
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text, first, last + 1)]
    total = sum(end - start for start, end in words)
    allowed = (1 - BOLD_SHARE) * total
    missing = 0
    for start, end in words[1:-1]:
        n = end - start
        if not probe.bold(start) or (n >= 4 and not probe.bold(end - 1)):
            missing += n
            if missing > allowed:
                return 0.0
    return (total - missing) / total if total else 0.0


def _stacked(probe: CharProbe, text: str, first: int, last: int, box0: tuple[float, float, float, float]) -> bool:
    """Whether the line starts with glyphs printed on top of each other (a zero-advance 'logo')."""
    if last - first < 1 or text[first + 1].isspace():
        return False
    width = max(box0[1] - box0[0], 0.5)
    box1 = probe.box(first + 1)
    if box1[0] - box0[0] >= 0.3 * width:
        return False
    if last - first >= 2 and not text[first + 2].isspace():
        box2 = probe.box(first + 2)
        return box2[0] - box1[0] < 0.3 * max(box1[1] - box1[0], 0.5)
    return True


def _cells(probe: CharProbe, text: str, first: int, last: int, size: float) -> str:
    """Line text with wide gaps turned into ``" | "`` when the line has 2 or more of them."""
    segment = text[first : last + 1]
    gaps: list[tuple[int, int]] = []
    threshold = CELL_GAP_EM * max(size, 4.0)
    for run in _SPACES_RE.finditer(segment):
        left, right = first + run.start() - 1, first + run.end()
        if probe.box(right)[0] - probe.box(left)[1] > threshold:
            gaps.append(run.span())
    if len(gaps) < 2:
        return segment
    parts, pos = [], 0
    for a, b in gaps:
        parts.append(segment[pos:a])
        pos = b
    parts.append(segment[pos:])
    return " | ".join(parts)


def _mixed_line(probe: CharProbe, text: str, first: int, last: int, height: float) -> PdfLine | None:
    """A line mixing upright and rotated characters: keep the upright ones (checked per char)."""
    kept = [
        ch
        for i, ch in enumerate(text[first : last + 1], start=first)
        if ch.isspace() or probe.upright_size(i) is not None
    ]
    body = "".join(kept).strip()
    if not body:
        return None
    box0 = probe.box(first)
    return PdfLine(fix_text(body), probe.upright_size(first) or 0.0, False, height - box0[3], box0[0], box0[1])


def fix_text(line: str) -> str:
    """PUA bullets mapped, PDFium's line-end hyphen marks resolved, whitespace cleaned."""
    line = line.translate(PUA_TABLE)
    if "\ufffe" in line or "\x02" in line:
        line = join_marked_hyphens(line)
    return clean_line(line)
