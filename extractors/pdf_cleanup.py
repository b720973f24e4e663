"""Document-wide cleanup of PDF lines: running headers/footers and hyphenation.

* :func:`drop_running_lines` — lines in the top/bottom 10 % of a page whose text (digits
  ignored) recurs there on more than half of the pages (documents of 3+ pages), and bare
  page numbers ("3", "- 3 -", "Side 1 av 3") there, are removed.
* :func:`join_marked_hyphens` — PDFium marks a hyphen it saw at a line end inside one
  text line with U+FFFE/U+0002; the word is joined ("kommu-nen" → "kommunen") unless the
  next word is a conjunction ("helse- og omsorg") or a capital/digit is involved
  ("Nord-Trøndelag").
* :func:`join_hyphenated` — the same rule across two lines ("kommu-" / "nen …").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from saksfinn.extractors.pdf_model import PdfLine, RawPage

_PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:side|sida|page|s\.)\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:av|of|/|frå|fra)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
_MARK_RE = re.compile(r"[\ufffe\x02]")
CONJUNCTIONS = frozenset({"og", "eller", "samt", "enn", "and", "or", "&", "mv", "m.v.", "o.l."})
"""Words after which a line-end hyphen is kept with a space ("helse- og omsorg")."""
_LINE_END_HYPHEN_RE = re.compile(r"[a-zæøåäöü]-$")
_FIRST_WORD_RE = re.compile(r"^(\S+)\s*(.*)$")


# --- running headers and footers ------------------------------------------------------


MAX_FURNITURE = 200
"""At most this many distinct lines left out of the text are kept for the metadata."""


def _running_key(text: str) -> str:
    return _DIGITS_RE.sub("#", text.lower())


def _margin_indices(page: RawPage) -> set[int]:
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


def drop_running_lines(pages: list[RawPage]) -> tuple[list[RawPage], tuple[str, ...]]:
    """Pages without running headers/footers (lines repeated in the margins of most pages),
    and the distinct texts dropped (page numbers aside) in first-seen order: a letterhead
    such as "Bø komune Møtebok" is evidence for the metadata even though it is not text."""
    margins = [_margin_indices(p) if not p.ocr else set() for p in pages]
    counts: Counter[str] = Counter()
    for page, idx in zip(pages, margins):
        counts.update({_running_key(page.lines[i].text) for i in idx})
    need = len(pages) // 2 + 1
    running = {k for k, c in counts.items() if c >= need} if len(pages) >= 3 else set()
    out: list[RawPage] = []
    dropped: dict[str, None] = {}
    for page, idx in zip(pages, margins):
        drop = {i for i in idx if _running_key(page.lines[i].text) in running or _PAGE_NUMBER_RE.match(page.lines[i].text)}
        if drop:
            dropped.update((page.lines[i].text.strip(), None) for i in sorted(drop)
                           if not _PAGE_NUMBER_RE.match(page.lines[i].text) and page.lines[i].text.strip())
            page = replace(page, lines=tuple(line for i, line in enumerate(page.lines) if i not in drop))
        out.append(page)
    return out, tuple(dropped)[:MAX_FURNITURE]


# --- hyphenation ----------------------------------------------------------------------


def hyphen_glue(before: str, after: str) -> str:
    """What replaces a hyphen at a line end between ``before`` and ``after``:
    ``""`` (join the word), ``"-"`` (keep: capitals/digits) or ``"- "`` (before a conjunction)."""
    nxt = after.lstrip()
    next_word = nxt.split(" ", 1)[0].rstrip(",.;:").lower() if nxt else ""
    if next_word in CONJUNCTIONS:
        return "- "
    prev = before.rstrip()[-1:] if before.rstrip() else ""
    if not nxt or not prev or not prev.isalpha() or not nxt[0].isalpha() or prev.isupper() or nxt[0].isupper():
        return "-"
    return ""


def join_marked_hyphens(line: str) -> str:
    """``line`` with PDFium's line-end hyphen marks (U+FFFE, U+0002) resolved."""
    pieces = _MARK_RE.split(line)
    out = pieces[0]
    for piece in pieces[1:]:
        glue = hyphen_glue(out, piece)
        out = out + glue + (piece.lstrip() if glue == "- " else piece)
    return out


def join_hyphenated(lines: list[PdfLine]) -> list[PdfLine]:
    """Join a word split over two lines by a hyphen; keep "helse-/og omsorg"; table rows untouched."""
    out: list[PdfLine] = []
    carry: PdfLine | None = None
    for line in lines:
        if carry is not None:
            prev, carry = carry, None
            m = _FIRST_WORD_RE.match(line.text)
            if not line.table and m and m.group(1)[0].islower() and m.group(1).rstrip(",.;:") not in CONJUNCTIONS:
                prev = replace(prev, text=prev.text[:-1] + m.group(1))
                line = replace(line, text=m.group(2))
            out.append(prev)
            if not line.text:
                continue
        if not line.table and _LINE_END_HYPHEN_RE.search(line.text):
            carry = line
        else:
            out.append(line)
    if carry is not None:
        out.append(carry)
    return out
