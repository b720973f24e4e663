"""Which PDF lines are headings, from font size, weight and position.

Contract of :func:`mark_headings` (lines of one page, document body size):

* no line of a ruled table, no line over 150 characters or 20 words, none with ``" | "``
  cells and none without a letter is a heading;
* a line set ≥ :data:`HEADING_SIZE_RATIO` × the body size is a heading unless it is a
  sentence (more than 8 words ending in ".");
* a body-size line is a heading only when it is bold over (nearly) the whole line, has
  ≤ :data:`BOLD_HEADING_MAX_WORDS` words, does not end with "." or "," (so "Hei." is not),
  and does not sit beside another line — a line whose top is level with a line ending to
  its left is the text of a label column (Bø møtebok: "Som rådmannen - samrøystes" is set
  in bold level with the label "PTN-139/12", i.e. it is the committee's vote, not a title);
* a heading wrapped onto a next heading line that starts in lower case becomes one line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from saksfinn.extractors.pdf_model import PdfLine, RawPage

HEADING_SIZE_RATIO = 1.15
"""A line whose font is this much larger than the body font is a heading."""
BOLD_HEADING_MAX_WORDS = 12
"""A bold body-size line with more words is emphasised text, not a heading."""
_LEVEL_PT = 2.0  # tops closer than this are on the same visual line


def body_size(pages: Sequence[RawPage]) -> float:
    """The font size most characters are set in (0.0 when unknown)."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if line.size > 0:
                weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def is_heading(line: PdfLine, body: float, *, beside: bool = False) -> bool:
    """Whether ``line`` is a heading (see module contract); ``beside``: level with a line to its left."""
    text = line.text
    words = len(text.split())
    if line.table or len(text) > 150 or words > 20 or " | " in text or not any(c.isalpha() for c in text):
        return False
    if body > 0 and line.size >= body * HEADING_SIZE_RATIO:
        return not (words > 8 and text.endswith("."))
    return line.bold and words <= BOLD_HEADING_MAX_WORDS and not text.endswith((".", ",")) and not beside


def _beside_flags(lines: Sequence[PdfLine]) -> list[bool]:
    """Per line: whether it is bold and another line is level with it and ends left of it."""
    placed = [(line.top, line.right) for line in lines if line.top > 0 and line.right > 0]
    flags: list[bool] = []
    for line in lines:
        flags.append(
            line.bold
            and line.top > 0
            and any(abs(top - line.top) < _LEVEL_PT and right <= line.left for top, right in placed)
        )
    return flags


def mark_headings(lines: Sequence[PdfLine], body: float) -> list[PdfLine]:
    """``lines`` with ``heading`` set, wrapped headings merged (see module contract)."""
    beside = _beside_flags(lines)
    marked = [replace(line, heading=is_heading(line, body, beside=b)) for line, b in zip(lines, beside)]
    return _merge_heading_continuations(marked)


def _merge_heading_continuations(lines: list[PdfLine]) -> list[PdfLine]:
    """A heading wrapped onto a next line starting in lower case becomes one line."""
    out: list[PdfLine] = []
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
