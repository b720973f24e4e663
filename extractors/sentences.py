"""Sentence units of a document: the items that prose extractors classify and that
annotators label.

A unit is a sentence, or a list item (a line starting with a bullet or a number), inside
one section. Blank lines and list markers end a unit; within a block the spaCy
sentencizer splits sentences. Spans are offsets into ``Document.text``, half-open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from saksfinn.models import Document

_ITEM_RE = re.compile(r"^\s*(?:[•●▪■◦○·\-–—*►✓]|\(?\d{1,2}[.)]|\(?[a-zæøå][.)])\s+")
_MIN_CHARS = 12


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    text: str
    section_index: int
    heading: str | None
    is_item: bool


def _blocks(text: str, base: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_item) of paragraph/list-item blocks of ``text``, offsets + ``base``."""
    blocks: list[tuple[int, int, bool]] = []
    start: int | None = None
    item = False
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        line_start, line_end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if not stripped or stripped == "\f":
            if start is not None:
                blocks.append((start, last_end, item))
            start = None
            continue
        if _ITEM_RE.match(line) and start is not None:
            blocks.append((start, last_end, item))
            start = None
        if start is None:
            start = line_start + (len(line) - len(line.lstrip()))
            item = bool(_ITEM_RE.match(line))
        last_end = line_end
    if start is not None:
        blocks.append((start, last_end, item))
    return [(s + base, e + base, i) for s, e, i in blocks]


def sentence_units(doc: Document, nlp: Any) -> list[Unit]:
    """Every sentence / list item of ``doc``'s sections, in text order."""
    text = doc.text
    units: list[Unit] = []
    for section in doc.sections:
        for start, end, is_item in _blocks(text[section.start : section.end], section.start):
            block = text[start:end]
            if is_item:
                spans = [(0, len(block))]
            else:
                parsed = nlp(block.replace("\n", " "))
                spans = [(s.start_char, s.end_char) for s in parsed.sents]
            for s, e in spans:
                piece = block[s:e]
                lead = len(piece) - len(piece.lstrip())
                s, e = s + lead, s + len(piece.rstrip())
                if e - s < _MIN_CHARS:
                    continue
                units.append(Unit(start + s, start + e, text[start + s : start + e], section.index, section.heading, is_item))
    return units
