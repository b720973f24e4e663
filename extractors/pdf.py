"""Reading PDF bytes into pages of clean text, with pypdfium2 only.

Contract of :func:`read_pdf`: returns a :class:`PdfReading` whose pages are 1-based and
complete (one :class:`~saksfinn.models.Page` per PDF page, ``start`` left at 0 for the
caller to set), and raises :class:`~saksfinn.models.errors.CorruptFileError`,
:class:`~saksfinn.models.errors.EncryptedFileError` or
:class:`~saksfinn.models.errors.TooLargeError` with a one-line message. Per page:

* text in PDFium's reading order (it already puts a label column such as
  "Rådmannen tilrår:" before the text beside it, and keeps table rows on one line);
  cells of a row separated by wide gaps (2 or more per line) are joined with ``" | "``;
* rotated text (any char matrix not upright) and "stacked" text (glyphs printed on top
  of each other, as in the Bø møtebok logo) are dropped;
* lines repeated at the top/bottom of most pages (headers, footers, "Side 1 av 3") and
  bare page numbers there are removed;
* hyphenated line ends are joined ("kommu-/nen" → "kommunen"), but a hyphen followed by
  "og"/"eller" ("helse- og omsorg") or next to capitals/digits ("Nord-Trøndelag") stays;
* lines set in a larger font (≥ 1.15 × the document's body size) or wholly bold become
  ``Page.heading_lines`` (exact copies of lines of ``Page.text``);
* a page with no text layer but an image is OCR'd with tesseract when ``ocr="auto"`` and
  tesseract is installed (``Page.ocr=True``); otherwise its number is listed in
  ``needs_ocr_pages`` and its text left empty.

Design decision (measured with ``bench/bench_read.py`` on the 78 pages of
shared/corpus real/pdf + seeds/pdf, one run, best of 5, on a loaded 2-core box): raw
pypdfium2 ``get_text_range`` 160–570 pages/s, pdfplumber ``extract_text`` 2.4–2.9
pages/s (the A0 map pages are very slow in pdfminer), this module 100–160 pages/s =
54–62 % of raw (target ≥ 30 %). Querying font size, weight, box and angle for *every*
character through ctypes (~4 calls/char) fell to 22 % of raw, so this module takes
PDFium's text in one call and *samples* characters: matrix/box/font of the first, middle
and last non-space character of each line (the first two or three boxes for the
"stacked glyphs" test), and the boxes either side of each space (table cell gaps).
pdfplumber is not used: its table finder would cost far more than the whole budget per
ruled page, while PDFium's row lines plus the gap rule already keep table rows together.
Known limit of sampling: a line whose first/middle/last characters are upright but which
hides a rotated run elsewhere keeps that run.
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from saksfinn.extractors.ocr import OCR_DPI, OCRFailed, ocr_image, tesseract_path
from saksfinn.extractors.text import clean_line
from saksfinn.models.document import Page
from saksfinn.models.errors import CorruptFileError, EncryptedFileError, TooLargeError

logger = logging.getLogger(__name__)

OCR_MODES = ("auto", "off")

HEADING_SIZE_RATIO = 1.15
"""A line whose font is this much larger than the body font is a heading."""
CELL_GAP_EM = 1.5
"""A gap between words wider than this many font sizes separates table cells."""
_MAX_OCR_PIXELS = 60_000_000  # caps the render of huge (A0 map) pages for OCR

_LINE_RE = re.compile(r"[^\r\n]+")
_SPACES_RE = re.compile(r" +")
_BOLD_NAME_RE = re.compile(rb"bold|black|heavy|semibold|demi|extrab|ultrab", re.IGNORECASE)
_PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:side|sida|page|s\.)\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:av|of|/|frå|fra)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
_CONJUNCTIONS = frozenset({"og", "eller", "samt", "enn", "and", "or", "&", "mv", "m.v.", "o.l."})
_LINE_END_HYPHEN_RE = re.compile(r"[a-zæøåäöü]-$")
_FIRST_WORD_RE = re.compile(r"^(\S+)\s*(.*)$")
# Symbol/Wingdings glyphs land in the private use area; map the common bullets.
_PUA = {0xF020: " ", 0xF0B7: "•", 0xF0A7: "▪", 0xF0D8: "➢", 0xF0FC: "✓", 0xF0E0: "→", 0xF02D: "-"}
_PUA_TABLE = {cp: _PUA.get(cp, "") for cp in range(0xF000, 0xF100)}


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    size: float  # effective font size in pt, 0.0 when unknown
    bold: bool
    top: float  # distance of the line's top from the top of the page, pt
    heading: bool = False


@dataclass(frozen=True, slots=True)
class _RawPage:
    number: int
    lines: tuple[_Line, ...]
    width: float
    height: float
    ocr: bool = False
    needs_ocr: bool = False


@dataclass(frozen=True)
class PdfReading:
    """Pages of one PDF plus what went wrong along the way (non-fatal)."""

    pages: tuple[Page, ...]
    warnings: tuple[str, ...] = ()
    needs_ocr_pages: tuple[int, ...] = ()


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


def read_pdf(data: bytes, *, ocr: str = "auto", ocr_languages: str = "nor", max_pages: int = 2000) -> PdfReading:
    """Pages of the PDF in ``data`` (see module contract)."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}, not {ocr!r}")
    doc = open_pdf(data)
    try:
        count = len(doc)
        if count == 0:
            raise CorruptFileError("not a readable PDF: it has no pages")
        if count > max_pages:
            raise TooLargeError(f"PDF has {count} pages, more than the limit of {max_pages}; split it or raise max_pages")
        can_ocr = ocr == "auto" and tesseract_path() is not None
        warnings: list[str] = []
        raw_pages = [_read_page(doc, i, can_ocr, ocr_languages, warnings) for i in range(count)]
    finally:
        doc.close()
    raw_pages = _drop_running_lines(raw_pages)
    body = _body_size(raw_pages)
    pages = tuple(_finish_page(p, body) for p in raw_pages)
    needs = tuple(p.number for p in raw_pages if p.needs_ocr)
    if needs:
        why = "OCR is off" if ocr == "off" else "tesseract is not installed" if not can_ocr else "OCR failed"
        warnings.append(f"pages {_ranges(needs)} have no text layer and were not OCR'd ({why})")
    return PdfReading(pages=pages, warnings=tuple(warnings), needs_ocr_pages=needs)


def _ranges(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers) if len(numbers) <= 10 else f"{numbers[0]}–{numbers[-1]}"


# --- one page -------------------------------------------------------------------------


def _read_page(doc: pdfium.PdfDocument, index: int, can_ocr: bool, languages: str, warnings: list[str]) -> _RawPage:
    number = index + 1
    try:
        page = doc[index]
    except pdfium.PdfiumError as exc:
        warnings.append(f"page {number}: could not be loaded ({exc})")
        return _RawPage(number=number, lines=(), width=0.0, height=0.0)
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            lines = _page_lines(textpage.raw, text, height) if text.strip() else ()
        finally:
            textpage.close()
        if lines or not _has_image(page.raw):
            return _RawPage(number=number, lines=lines, width=width, height=height)
        if not can_ocr:
            return _RawPage(number=number, lines=(), width=width, height=height, needs_ocr=True)
        try:
            ocr_text = ocr_image(_render_png(page, width, height), languages=languages)
        except OCRFailed as exc:
            warnings.append(f"page {number}: OCR failed: {exc}")
            return _RawPage(number=number, lines=(), width=width, height=height, needs_ocr=True)
        ocr_lines = tuple(_Line(clean_line(t), 0.0, False, 0.0) for t in ocr_text.splitlines())
        return _RawPage(number=number, lines=ocr_lines, width=width, height=height, ocr=True)
    finally:
        page.close()


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


class _Probe:
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


def _page_lines(textpage: object, text: str, height: float) -> tuple[_Line, ...]:
    """Upright, unstacked lines of one page, cleaned, with font size / bold / position."""
    probe = _Probe(textpage)
    sampled = len(text) == pdfium_c.FPDFText_CountChars(textpage)  # else indices don't map to chars
    lines: list[_Line] = []
    for match in _LINE_RE.finditer(text):
        seg = match.group()
        body = seg.strip()
        if not body:
            continue
        if not sampled:
            lines.append(_Line(_fix_text(body), 0.0, False, 0.0))
            continue
        start = match.start()
        first = start + len(seg) - len(seg.lstrip())
        last = start + len(seg.rstrip()) - 1
        line = _sample_line(probe, text, first, last, height)
        if line is not None and line.text:
            lines.append(line)
    return tuple(lines)


def _sample_line(probe: _Probe, text: str, first: int, last: int, height: float) -> _Line | None:
    size = probe.upright_size(first)
    if size is None:
        return None
    if last > first and probe.upright_size(last) is None:
        return _mixed_line(probe, text, first, last, height)
    box0 = probe.box(first)
    if _stacked(probe, text, first, last, box0):
        return None
    mid = (first + last) // 2
    while mid < last and text[mid].isspace():
        mid += 1
    bold = probe.bold(first) and probe.bold(last) and (mid in (first, last) or probe.bold(mid))
    body = _cells(probe, text, first, last, size)
    return _Line(_fix_text(body), size, bold, height - box0[3])


def _stacked(probe: _Probe, text: str, first: int, last: int, box0: tuple[float, float, float, float]) -> bool:
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


def _cells(probe: _Probe, text: str, first: int, last: int, size: float) -> str:
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


def _mixed_line(probe: _Probe, text: str, first: int, last: int, height: float) -> _Line | None:
    """A line mixing upright and rotated characters: keep the upright ones (checked per char)."""
    kept = [
        ch
        for i, ch in enumerate(text[first : last + 1], start=first)
        if ch.isspace() or probe.upright_size(i) is not None
    ]
    body = "".join(kept).strip()
    if not body:
        return None
    return _Line(_fix_text(body), probe.upright_size(first) or 0.0, False, height - probe.box(first)[3])


def _fix_text(line: str) -> str:
    """PUA bullets mapped, PDFium's line-end hyphen marks resolved, whitespace cleaned."""
    line = line.translate(_PUA_TABLE)
    if "\ufffe" in line or "\x02" in line:
        line = _join_marked_hyphens(line)
    return clean_line(line)


def _join_marked_hyphens(line: str) -> str:
    pieces = re.split(r"[\ufffe\x02]", line)
    out = pieces[0]
    for piece in pieces[1:]:
        glue = _hyphen_glue(out, piece)
        out = out + glue + (piece.lstrip() if glue == "- " else piece)
    return out


def _hyphen_glue(before: str, after: str) -> str:
    """What replaces a hyphen at a line end between ``before`` and ``after``."""
    nxt = after.lstrip()
    next_word = nxt.split(" ", 1)[0].rstrip(",.;:").lower() if nxt else ""
    if next_word in _CONJUNCTIONS:
        return "- "
    prev = before.rstrip()[-1:] if before.rstrip() else ""
    if not nxt or not prev or not prev.isalpha() or not nxt[0].isalpha() or prev.isupper() or nxt[0].isupper():
        return "-"
    return ""


# --- whole document -------------------------------------------------------------------


def _running_key(text: str) -> str:
    return _DIGITS_RE.sub("#", text.lower())


def _margin_indices(page: _RawPage) -> set[int]:
    """Lines that could be a running header/footer: in the top/bottom 10 % of the page
    (or, where the position is unknown, the first/last two lines)."""
    n = len(page.lines)
    found: set[int] = set()
    for i, line in enumerate(page.lines):
        if line.top > 0 and page.height > 0:
            if line.top < 0.10 * page.height or line.top > 0.90 * page.height:
                found.add(i)
        elif i < 2 or i >= n - 2:
            found.add(i)
    return found


def _drop_running_lines(pages: list[_RawPage]) -> list[_RawPage]:
    """Pages without running headers/footers (lines repeated in the margins of most pages)."""
    margins = [_margin_indices(p) if not p.ocr else set() for p in pages]
    counts: Counter[str] = Counter()
    for page, idx in zip(pages, margins):
        counts.update({_running_key(page.lines[i].text) for i in idx})
    need = len(pages) // 2 + 1
    running = {k for k, c in counts.items() if c >= need} if len(pages) >= 3 else set()
    out: list[_RawPage] = []
    for page, idx in zip(pages, margins):
        drop = {i for i in idx if _running_key(page.lines[i].text) in running or _PAGE_NUMBER_RE.match(page.lines[i].text)}
        if drop:
            page = replace(page, lines=tuple(line for i, line in enumerate(page.lines) if i not in drop))
        out.append(page)
    return out


def _body_size(pages: list[_RawPage]) -> float:
    """The font size most characters are set in (0.0 when unknown)."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if line.size > 0:
                weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _is_heading(line: _Line, body: float) -> bool:
    text = line.text
    words = len(text.split())
    if len(text) > 150 or words > 20 or " | " in text or not any(c.isalpha() for c in text):
        return False
    if words > 8 and text.endswith("."):  # a bold sentence, not a title
        return False
    larger = body > 0 and line.size >= body * HEADING_SIZE_RATIO
    return larger or line.bold


def _join_hyphenated(lines: list[_Line]) -> list[_Line]:
    """Join a word split over two lines by a hyphen; keep "helse-/og omsorg"."""
    out: list[_Line] = []
    carry: _Line | None = None
    for line in lines:
        if carry is not None:
            prev, carry = carry, None
            m = _FIRST_WORD_RE.match(line.text)
            if m and m.group(1)[0].islower() and m.group(1).rstrip(",.;:") not in _CONJUNCTIONS:
                prev = replace(prev, text=prev.text[:-1] + m.group(1))
                line = replace(line, text=m.group(2))
            out.append(prev)
            if not line.text:
                continue
        if _LINE_END_HYPHEN_RE.search(line.text):
            carry = line
        else:
            out.append(line)
    if carry is not None:
        out.append(carry)
    return out


def _merge_heading_continuations(lines: list[_Line]) -> list[_Line]:
    """A heading wrapped onto a next line starting in lower case becomes one line."""
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.heading
            and line.heading
            and line.text[:1].islower()
            and not prev.text.endswith((":", "."))
            and abs(prev.size - line.size) < 0.5
        ):
            out[-1] = replace(prev, text=f"{prev.text} {line.text}")
        else:
            out.append(line)
    return out


def _finish_page(page: _RawPage, body: float) -> Page:
    lines = _join_hyphenated(list(page.lines))
    if not page.ocr:
        lines = [replace(line, heading=_is_heading(line, body)) for line in lines]
        lines = _merge_heading_continuations(lines)
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
