"""Split a Document into Sections under Norwegian headings (Bokmål and Nynorsk).

A line is a heading when

1. it is a known case-paper heading (:mod:`~saksfinn.extractors.heading_words`: *Innstilling til vedtak*,
   *Rådmannen tilrår*, *Skogsjefens forslag til vedtak*, *PTN-139/12 Tilråding:*,
   *K-112/12 Vedtak:*, *Formannskapet behandling 12.02.2026:*, *Saksopplysninger*,
   *Vurdering*, *Positive erfaringer* ...),
   alone on its line or followed by a colon and text ("Konklusjon: Planleggingen ...");
2. it equals one of its page's layout ``heading_lines``;
3. it is a Markdown heading (``# Bakgrunn``) or an entry of the document's table of contents;
4. conservative plain-text heuristics: a short numbered line ("3.2 Resultater") or a short
   Title-case / ALL CAPS line without final punctuation, after a blank line and before body
   text.

Not headings: a known heading's words that go on a sentence from the line above (the line
starts in lower case after a line without final punctuation: "... skriver i sin" /
"vurdering:"), and a short line right under two table cells holding numbers ("TOTALT",
"Sum" below "1659" / "100 %").

Boilerplate blocks — "Like dokumenter" lists (up to "Transkript:", also when the first
title stands on the "Like dokumenter" line), tables of contents ("Innhold" /
"Innholdsfortegnelse"), contact lists — become sections with kind ``"boilerplate"`` so
later stages can skip them. A table of contents with page numbers ("Forord… 3", also one
typeset as running text: "Innhold Forord… 3 Hva er …… 4") ends at its last page-number line.

Contract: sections are in text order, do not overlap, and ``section.text ==
doc.text[section.start:section.end]`` (trimmed of surrounding whitespace, heading excluded).
Text before the first heading, and text after a table of contents up to the next heading,
is a section with ``heading=None`` when it is not blank.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from saksfinn.extractors.heading_words import BOILERPLATE, HEADING_MATCHERS
from saksfinn.models import Document, Section

logger = logging.getLogger(__name__)

_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?=\S)")
_MARKDOWN = re.compile(r"^(#{1,6})\s+")
# "PTN-139/12 Tilråding:", "K-112/12 Vedtak:", "PS 12/26 Vedtak"
_CASE_PREFIX = re.compile(r"^(?:[A-ZÆØÅ]{1,8}[- ]?\d{1,4}/\d{2,4}|sak\s+\d{1,4}/\d{2,4})\s+", re.IGNORECASE)
# "Formannskapet behandling 12.02.2026:", "Hovedutvalg helse og omsorgs behandling av sak 15/2025 i møte den 09.12.2025:"
_BODY_BEHANDLING = re.compile(
    r"^[A-ZÆØÅ][\wæøåÆØÅ -]{2,70}?\s+behandling(?:\s+av\s+sak\s+[\d/]+)?(?:\s+i\s+møte(?:t)?(?:\s+den)?)?(?:\s+\d{1,2}\.\d{1,2}\.\d{2,4})?\s*:?$"
)
_INLINE_MAX_HEAD = 60
_BULLET = re.compile(r"^[-–•➢*·▪o]\s")
_DOTTED = re.compile(r"(?:\.{3,}|…|\s\.\s\.)\s*\d+")
_NOT_HEADING = re.compile(
    r"\d{1,2}\.\d{1,2}\.\d{2,4}|\b\d{4}/\d+|@|www\.|https?:|\.pdf|\.docx?|\d{2} \d{2} \d{2} \d{2}|^side\s*:?\s*\d|\w\. \w|,",
    re.IGNORECASE,
)
_TOC_ENTRY = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?[A-ZÆØÅ«\"].{0,90}?(?:\s*(?:\.{2,}|…)\s*\d+)?$")


@dataclass(frozen=True)
class _Heading:
    line_start: int  # offset of the heading line
    body_start: int  # where the section text may start (after the line or after "Heading:")
    heading: str | None  # None: untitled text after a table of contents
    kind: str | None
    level: int = 1


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _strip_marks(line: str) -> tuple[str, int]:
    """Line without Markdown marks / numbering / case-ref prefix, and the heading level."""
    s = line.strip()
    level = 1
    md = _MARKDOWN.match(s)
    if md:
        level = len(md.group(1))
        s = s[md.end() :]
    num = _NUMBER.match(s)
    if num:
        level = num.group(1).count(".") + 1
        s = s[num.end() :]
    s = _CASE_PREFIX.sub("", s)
    return s.strip(), level


def known_kind(line: str) -> tuple[str | None, bool, int] | None:
    """Match a line against the known headings.

    Returns ``(kind, inline, heading_len)`` — ``inline`` when text follows "Heading:" on
    the same line, ``heading_len`` the number of characters of ``line.lstrip()`` that form the
    heading — or ``None`` when the line is not a known heading.
    """
    raw = line.strip()
    core, _level = _strip_marks(raw)
    if not core or len(raw) > 120:
        return None
    if _BODY_BEHANDLING.match(core) and len(core) <= 110:
        return "behandling", False, len(raw)
    for whole, inline, kind in HEADING_MATCHERS:
        m = whole.match(core)
        if m and len(core) <= 80 and not core.endswith("."):
            return kind, False, len(raw)
        m = inline.match(core)
        if m and m.end() <= _INLINE_MAX_HEAD:
            head_len = len(raw) - len(core) + m.end()
            return kind, True, head_len
    if kind_of_inline_toc(raw):
        return BOILERPLATE, True, len(raw.split()[0])
    return None


def kind_of_inline_toc(line: str) -> bool:
    """A whole table of contents on one line: 'Innhold Forord... 3 Hva er ...... 4'."""
    return bool(re.match(r"^(?:innhold|innholdsfortegnelse|innhald)\s", line, re.IGNORECASE)) and len(
        _DOTTED.findall(line)
    ) >= 2


def _is_plain_heading(lines: list[tuple[int, str]], i: int) -> bool:
    """Conservative heuristic for an unknown heading line at index ``i``."""
    s = lines[i][1].strip()
    if not s or len(s) > 70 or _BULLET.match(s) or s[-1] in ".,;!?-–…" or "  " in s or "\t" in s:
        return False
    if " | " in s:  # a table row
        return False
    words = s.split()
    if len(words) > 9 or (s.endswith(":") and len(words) > 3):
        return False
    core, _ = _strip_marks(s)
    if not core or not core[0].isupper() or not any(c.isalpha() for c in core):
        return False
    if _NOT_HEADING.search(s):
        return False
    numbered = bool(_NUMBER.match(s))
    if len(words) <= 2 and not numbered and _after_number_cell(lines, i):
        return False  # a table cell ("TOTALT", "Sum") under a column of numbers
    prev_blank = i == 0 or not lines[i - 1][1].strip() or lines[i - 1][1].strip() == "\f"
    if not prev_blank and not numbered:
        return False
    # what follows: a blank line then body, or body directly; body = a long line
    j = i + 1
    while j < len(lines) and (not lines[j][1].strip() or lines[j][1].strip() == "\f") and j - i <= 3:
        j += 1
    if j >= len(lines):
        return False
    nxt = lines[j][1].strip()
    if _NUMBER.match(nxt) and len(nxt) < 70 and numbered:
        return False  # a list of numbered lines (TOC or enumeration), not a heading
    if numbered:
        return len(nxt) >= 30 or j > i + 1
    return (len(nxt) >= 60 or (len(nxt) >= 30 and nxt.endswith("."))) and (s.isupper() or len(words) <= 7)


_NUMBER_CELL = re.compile(r"^[-–+]?\d[\d  .,]*(?:\s*%)?$|^\d[\d  .,]*\s*(?:-|–)\s*\d[\d  .,]*\s*%?$")


def _after_number_cell(lines: list[tuple[int, str]], i: int) -> bool:
    """Whether the two nearest non-blank lines above line ``i`` are table cells holding numbers.

    (One number alone is more likely a page or slide number above a real heading.)
    """
    cells = []
    for j in range(i - 1, max(-1, i - 8), -1):
        s = lines[j][1].strip()
        if s and s != "\f":
            cells.append(s)
            if len(cells) == 2:
                break
    return len(cells) == 2 and all(_NUMBER_CELL.match(c) for c in cells)


def _toc_end(lines: list[tuple[int, str]], i: int) -> tuple[int, set[str]]:
    """Index of the first line after the TOC starting below line ``i``, and the TOC entries."""
    entries: set[str] = set()
    j = i + 1
    while j < len(lines):
        s = lines[j][1].strip()
        if not s or s == "\f":
            j += 1
            continue
        if not _TOC_ENTRY.match(s) or len(s) > 100:
            break
        key = _DOTTED.sub("", s).strip().rstrip(". ").casefold()
        if key in entries:
            break  # the first entry again: the body begins
        entries.add(key)
        j += 1
    return j, entries


def _like_documents_end(lines: list[tuple[int, str]], i: int) -> int | None:
    """Index of the "Transkript:" line that ends a "Like dokumenter" list starting at line ``i``."""
    for j in range(i + 1, len(lines)):
        if re.match(r"^\s*transkript\s*(?::|$)", lines[j][1], re.IGNORECASE):
            return j
    return None


# "Like dokumenter RESULTATER OG TILTAK I ..." — the first listed title on the heading's line
_LIKE_DOCUMENTS_INLINE = re.compile(r"^like\s+dokumenter\b\s*:?\s*(?=[^\s:])", re.IGNORECASE)


def _leaders_end(lines: list[tuple[int, str]], first: int, limit: int) -> int | None:
    """Index of the line after the last page-number line of a TOC whose lines start at ``first``.

    Page-number lines are those with leaders ("Forord… 3", "Vurdering ....... 12"); one line
    without (a wrapped entry) may come between them, two in a row end the TOC. ``None`` when
    no line from ``first`` (up to ``limit``) has leaders.
    """
    last = None
    misses = 0
    for j in range(first, min(limit, len(lines))):
        s = lines[j][1].strip()
        if not s or s == "\f":
            continue
        if _DOTTED.search(s):
            last, misses = j, 0
            continue
        misses += 1
        if misses >= 2:
            break
    return None if last is None else last + 1


def _layout_headings(doc: Document) -> dict[int, set[str]]:
    return {p.number: {h.strip() for h in p.heading_lines if h.strip()} for p in doc.pages if p.heading_lines}


def _wrapped_prose(lines: list[tuple[int, str]], i: int, line: str) -> bool:
    """Whether line ``i`` (``line``, stripped) goes on a sentence from the line above: it starts
    in lower case and the line above is text without final punctuation."""
    if not line[:1].islower() or i == 0:
        return False
    previous = lines[i - 1][1].strip()
    return bool(previous) and previous != "\f" and not previous.endswith((".", ":", "!", "?", ";"))


def _find_headings(doc: Document, text: str) -> list[_Heading]:
    lines = _lines(text)
    layout = _layout_headings(doc)
    toc_entries: set[str] = set()
    found: list[_Heading] = []
    untitled: list[int] = []  # line offsets where text after a table of contents resumes
    i = 0
    while i < len(lines):
        start, line = lines[i]
        s = line.strip()
        if not s or s == "\f":
            i += 1
            continue
        lead = len(line) - len(line.lstrip())
        like = _LIKE_DOCUMENTS_INLINE.match(s)
        end = _like_documents_end(lines, i) if like else None
        if like and end is not None:
            heading = s[: like.end()].rstrip(" :")
            found.append(_Heading(start, start + lead + like.end(), heading, BOILERPLATE))
            i = end
            continue
        hit = known_kind(line)
        page_heads = layout.get(doc.page_at(start), set())
        core, level = _strip_marks(s)
        if hit is not None and _wrapped_prose(lines, i, s):
            hit = None  # "Et høyt sykefravær får" / "økonomiske konsekvenser for kommunen, og kan"
        if hit is not None:
            kind, inline, head_len = hit
            heading = (s[:head_len] if inline else s).rstrip(" :").lstrip("#").strip()
            body = start + lead + head_len if inline else start + len(line) + 1
            found.append(_Heading(start, body, heading, kind, level))
            if kind == BOILERPLATE and not inline and re.match(r"like\s+dokumenter", core, re.IGNORECASE):
                end = _like_documents_end(lines, i)
                if end is not None:
                    i = end
                    continue
            elif kind == BOILERPLATE and re.match(r"innh", core, re.IGNORECASE):
                # a TOC ends at its last page-number line, and the text after it is untitled
                # (else a TOC typeset into running text, "Innhold Forord… 3 Hva er …… 4",
                # would swallow the pages after it)
                end = _leaders_end(lines, i if inline else i + 1, len(lines))
                if end is not None:
                    untitled.append(end)
                if not inline:
                    toc_end, entries = _toc_end(lines, i)
                    toc_entries |= entries
                    end = end or toc_end
                i = max(end or 0, i + 1)
                continue
            i += 1
            continue
        is_toc_entry = bool(toc_entries) and _DOTTED.sub("", s).strip().rstrip(". ").casefold() in toc_entries
        if s in page_heads or is_toc_entry or _MARKDOWN.match(s) or _is_plain_heading(lines, i):
            found.append(_Heading(start, start + len(line) + 1, s.lstrip("#").strip(), None, level))
        i += 1
    starts = {h.line_start for h in found}
    for index in untitled:
        while index < len(lines) and (not lines[index][1].strip() or lines[index][1].strip() == "\f"):
            index += 1
        if index < len(lines) and lines[index][0] not in starts:
            found.append(_Heading(lines[index][0], lines[index][0], None, None))
    return sorted(found, key=lambda h: h.line_start)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    start = min(start, end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sections(doc: Document) -> tuple[Section, ...]:
    """The document's sections in text order (see module docstring for the contract)."""
    text = doc.text
    heads = _find_headings(doc, text)
    sections: list[Section] = []

    def add(heading: str | None, kind: str | None, level: int, body: int, end: int) -> None:
        s, e = _trim(text, min(body, len(text)), end)
        if heading is None and s == e:
            return
        page = doc.page_at(s)
        sections.append(
            Section(
                index=len(sections),
                heading=heading,
                kind=kind,
                level=level,
                page=page,
                page_end=max(page, doc.page_at(max(s, e - 1))),
                start=s,
                end=e,
                text=text[s:e],
            )
        )

    first = heads[0].line_start if heads else len(text)
    add(None, None, 1, 0, first)
    for n, h in enumerate(heads):
        end = heads[n + 1].line_start if n + 1 < len(heads) else len(text)
        add(h.heading, h.kind, h.level, h.body_start, end)
    logger.debug("%s: %d sections", doc.source, len(sections))
    return tuple(sections)
