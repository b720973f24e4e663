"""Ruled tables: cheap detection with PDFium, rows read with pdfplumber only where found.

Contract:

* :func:`has_ruled_table` looks only at the bounds of a page's path objects (PDFium, no
  content parsing): thin paths are rulings, other paths contribute their four edges. A
  page is "ruled" when the rulings take ≥ 3 distinct heights and ≥ 3 distinct x
  positions and cross at least :data:`MIN_CROSSINGS` times (a 2 × 2 cell grid). Pages
  larger than A3 or with more than :data:`MAX_OBJECTS` objects (plan maps, drawings) are
  never ruled, so the costly path below never runs on them (pdfminer takes ~0.5 s on an
  A0 map).
* :func:`find_ruled_tables` opens the PDF with pdfplumber once, reads only the given
  pages, and returns each page's tables (``page.find_tables()`` with the default
  "lines" strategy) as rows of cleaned cell texts. It costs ~50–120 ms per page (pdfminer
  parses the page), which is why only ruled pages go there. A page pdfplumber cannot
  parse gets a warning and keeps PDFium's lines.
* :func:`splice_tables` replaces the PDFium lines lying inside a table with one line per
  table row, cells joined with ``" | "`` (``PdfLine.table=True``), placed where the
  table's first line was. Rows with fewer than two filled cells (a title row such as
  "SAKSGANG") keep PDFium's lines, so their font facts still count for headings.
"""

from __future__ import annotations

import ctypes
import io
import logging
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pdfplumber
import pypdfium2.raw as pdfium_c

from saksfinn.extractors.pdf_lines import PUA_TABLE
from saksfinn.extractors.pdf_model import PdfLine
from saksfinn.extractors.text import clean_line

logger = logging.getLogger(__name__)

MAX_OBJECTS = 1500
"""Pages (or forms) with more page objects than this are not searched for tables."""
MAX_AREA_PT2 = 1.1 * 842 * 1191
"""Pages larger than A3 (plan maps, drawings) are not searched for tables."""
MIN_CROSSINGS = 9
"""Crossings of horizontal and vertical rulings that make a grid (3 × 3 = 2 × 2 cells)."""
_RULE_PT = 3.0  # a path thinner than this is a ruling
_SLACK_PT = 2.0  # tolerance when placing lines in tables and rows


@dataclass(frozen=True, slots=True)
class TableRow:
    """One table row: its vertical extent (pt from the page top) and cell texts."""

    top: float
    bottom: float
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuledTable:
    """A table found by pdfplumber: bounding box (pt, y from the page top) and rows."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: tuple[TableRow, ...]


# --- detection (PDFium) ---------------------------------------------------------------


def _path_bounds(parent: object, depth: int = 0, budget: list[int] | None = None) -> Iterator[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of the path objects on a page, 2 form levels deep."""
    budget = [MAX_OBJECTS] if budget is None else budget
    count_fn, get_fn = (
        (pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject)
        if depth == 0
        else (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject)
    )
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(count_fn(parent)):
        budget[0] -= 1
        if budget[0] < 0:
            return
        obj = get_fn(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                yield left.value, bottom.value, right.value, top.value
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 2:
            yield from _path_bounds(obj, depth + 1, budget)


def has_ruled_table(page_raw: object, width: float, height: float) -> bool:
    """Whether the page's vector paths form a grid of at least 2 × 2 cells (see contract)."""
    if width * height > MAX_AREA_PT2 or pdfium_c.FPDFPage_CountObjects(page_raw) > MAX_OBJECTS:
        return False
    horizontal: set[tuple[int, int, int]] = set()  # (y, x from, x to)
    vertical: set[tuple[int, int, int]] = set()  # (x, y from, y to)
    for left, bottom, right, top in _path_bounds(page_raw):
        width, height = right - left, top - bottom
        if width <= _RULE_PT and height <= _RULE_PT:
            continue
        x0, x1, y0, y1 = round(left), round(right), round(bottom), round(top)
        if height <= _RULE_PT:
            horizontal.add((round((bottom + top) / 2), x0, x1))
        elif width <= _RULE_PT:
            vertical.add((round((left + right) / 2), y0, y1))
        else:
            horizontal.update({(y0, x0, x1), (y1, x0, x1)})
            vertical.update({(x0, y0, y1), (x1, y0, y1)})
    if len({h[0] for h in horizontal}) < 3 or len({v[0] for v in vertical}) < 3:
        return False
    crossings = 0
    for y, hx0, hx1 in horizontal:
        for x, vy0, vy1 in vertical:
            if hx0 - 1 <= x <= hx1 + 1 and vy0 - 1 <= y <= vy1 + 1:
                crossings += 1
                if crossings >= MIN_CROSSINGS:
                    return True
    return False


# --- rows (pdfplumber) ----------------------------------------------------------------


def _cell_text(cell: str) -> str:
    return clean_line(cell.replace("\n", " ").translate(PUA_TABLE))


def _row_cells(texts: Sequence[str | None]) -> tuple[str, ...]:
    """Cell texts of a row; ``None`` (a cell spanned by its neighbour) dropped, empty ends trimmed."""
    cells = [_cell_text(t) for t in texts if t is not None]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return tuple(cells)


def find_ruled_tables(data: bytes, numbers: Sequence[int], warnings: list[str]) -> dict[int, tuple[RuledTable, ...]]:
    """Tables of the 1-based pages ``numbers`` of the PDF ``data``, read with pdfplumber."""
    found: dict[int, tuple[RuledTable, ...]] = {}
    if not numbers:
        return found
    try:
        with pdfplumber.open(io.BytesIO(data), pages=list(numbers)) as pdf:
            for page in pdf.pages:
                try:
                    found[page.page_number] = tuple(_read_tables(page))
                except Exception as exc:  # pdfminer raises many kinds on odd content
                    logger.warning("page %d: pdfplumber could not read its tables: %s", page.page_number, exc)
                    warnings.append(f"page {page.page_number}: table layout not read ({type(exc).__name__})")
    except Exception as exc:  # noqa: BLE001 - PDFium read it; pdfminer may still choke
        logger.warning("pdfplumber could not open the PDF: %s", exc)
        warnings.append(f"table layout not read: pdfplumber could not open the PDF ({type(exc).__name__})")
    return found


def _read_tables(page: pdfplumber.page.Page) -> Iterator[RuledTable]:
    for table in page.find_tables():
        rows = []
        for row, texts in zip(table.rows, table.extract()):
            cells = _row_cells(texts)
            if cells:
                rows.append(TableRow(top=float(row.bbox[1]), bottom=float(row.bbox[3]), cells=cells))
        if rows:
            x0, top, x1, bottom = (float(v) for v in table.bbox)
            yield RuledTable(x0=x0, top=top, x1=x1, bottom=bottom, rows=tuple(rows))


# --- splicing -------------------------------------------------------------------------


def _table_index(line: PdfLine, tables: Sequence[RuledTable]) -> int | None:
    for k, table in enumerate(tables):
        if table.top - _SLACK_PT <= line.top < table.bottom - 1 and table.x0 - _SLACK_PT <= line.left <= table.x1:
            return k
    return None


def splice_tables(lines: Sequence[PdfLine], tables: Sequence[RuledTable]) -> tuple[PdfLine, ...]:
    """``lines`` with the lines inside each table replaced by its rows (see contract)."""
    if not tables:
        return tuple(lines)
    where = [_table_index(line, tables) for line in lines]
    members: dict[int, list[PdfLine]] = {}
    for line, k in zip(lines, where):
        if k is not None:
            members.setdefault(k, []).append(line)
    out: list[PdfLine] = []
    for line, k in zip(lines, where):
        if k is None:
            out.append(line)
        elif line is members[k][0]:
            out.extend(_table_lines(tables[k], members[k]))
    return tuple(out)


def _table_lines(table: RuledTable, members: list[PdfLine]) -> list[PdfLine]:
    sizes = [m.size for m in members if m.size > 0]
    size = statistics.median_low(sizes) if sizes else 0.0
    out: list[PdfLine] = []
    used: set[int] = set()
    for row in table.rows:
        inside = [i for i, m in enumerate(members) if i not in used and m.top < row.bottom - 1]
        used.update(inside)
        if sum(1 for c in row.cells if c) >= 2:
            text = clean_line(" | ".join(row.cells))
            out.append(PdfLine(text, size, False, row.top, table.x0, table.x1, table=True))
        else:
            out.extend(members[i] for i in inside)
    out.extend(m for i, m in enumerate(members) if i not in used)  # text in no row: keep it
    return out
