"""List items of experience: the bullets under an experience heading, and a counted list run
into a paragraph (``4 suksessfaktorer: Stabil arbeidsgruppe Felles eierskap …``).

A list item is one top-level bullet, whole: wrapped lines and sub-bullets are part of it
(sub-bullets are indented, or — in PDF text, which has no indents — a dash/circle under round
bullets); an ALL CAPS slide call-out between bullets is skipped. Items under a neutral heading
take their polarity from their wording (:mod:`~saksfinn.extractors.experience_polarity`).
Spans are ``[start, end)`` in ``Document.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from saksfinn.extractors.experience_polarity import MARKERS_RE, heading_polarity, word_polarity
from saksfinn.extractors.textspans import BULLET_RE, Line, trim_span

_SUB_GLYPHS = frozenset("–-◦▪o·")


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    polarity: str
    heading: str


def is_markdown_heading(line: Line) -> bool:
    return line.stripped.startswith("#")


def _indent(line: Line) -> int:
    return len(line.text) - len(line.text.lstrip())


def is_bullet(line: Line) -> bool:
    return bool(BULLET_RE.match(line.text)) and bool(line.stripped[1:].strip())


def _glyph(line: Line) -> str:
    """The bullet's marker kind: ``"1"`` for numbers, ``"a"`` for letters, else the glyph itself."""
    marker = BULLET_RE.match(line.text).group(0).strip()[:1]
    return "1" if marker.isdigit() else "a" if marker.isalpha() else marker


def _is_sub_bullet(line: Line, base_indent: int, base_glyph: str) -> bool:
    """Indented deeper than the list, or (PDF text, no indents) a dash/circle under other bullets."""
    return _indent(line) > base_indent + 1 or (_glyph(line) != base_glyph and _glyph(line) in _SUB_GLYPHS)


def _is_callout(line: Line) -> bool:
    """An ALL CAPS slide call-out line between bullets (not part of the item above)."""
    return line.stripped.isupper() and len(line.stripped.split()) >= 2


def _is_structural_heading(line: Line) -> bool:
    """A line that ends a list: markdown heading, or a numbered/short title (no full stop)."""
    text = line.stripped
    if is_markdown_heading(line):
        return True
    if heading_polarity(text):
        return True
    return bool(re.match(r"^\d{1,2}\.\s+[A-ZÆØÅ]", text)) and not text.endswith(".") and len(text) < 100


def _list_items(lines: list[Line], head: int, polarity: str, headings: frozenset[str] = frozenset()) -> list[Item]:
    """Top-level bullets after the heading at ``lines[head]``."""
    heading = MARKERS_RE.sub("", lines[head].stripped).strip(" :*")
    items: list[tuple[int, int]] = []  # (first line index, last line index)
    base_indent: int | None = None
    base_glyph = ""
    after_blank = False
    j = head + 1
    seen_bullet = False
    while j < len(lines):
        line = lines[j]
        if line.blank:
            after_blank = True
            j += 1
            continue
        if is_bullet(line):
            if base_indent is None:
                base_indent, base_glyph = _indent(line), _glyph(line)
            if items and _is_sub_bullet(line, base_indent, base_glyph):
                items[-1] = (items[-1][0], j)  # sub-bullet: part of the parent item
            else:
                items.append((j, j))
            seen_bullet = True
            after_blank = False
            j += 1
            continue
        if _is_structural_heading(line) or line.stripped in headings:
            if not seen_bullet and is_markdown_heading(line) and not heading_polarity(line.stripped):
                j += 1  # a sub-heading right under the heading ("### Erfaringer med ...")
                continue
            break
        if not seen_bullet:
            # a short lead-in or sub-title before the first bullet
            if j - head > 4:
                break
            j += 1
            continue
        if _is_callout(line) and not lines[items[-1][0]].stripped.isupper():
            j += 1  # slide call-out between bullets
            continue
        if after_blank:
            break
        items[-1] = (items[-1][0], j)  # wrapped continuation line
        j += 1
    return [
        Item(lines[first].start + len(BULLET_RE.match(lines[first].text).group(0)), lines[last].end, polarity, heading)
        for first, last in items
    ]


def _starts_apart(lines: list[Line], index: int, headings: frozenset[str]) -> bool:
    """Whether the heading candidate ``lines[index]`` stands apart from the running text."""
    line = lines[index]
    if index == 0 or lines[index - 1].blank or is_markdown_heading(line):
        return True
    previous = lines[index - 1].stripped
    if line.stripped in headings:
        return True  # set apart by layout or found by the section splitter
    if line.stripped[:1].islower() and not previous.endswith((".", ":", "!", "?")):
        return False  # a wrapped line ("... alle deler av prosessen, også" / "utfordringene")
    return is_bullet(lines[index - 1]) or bool(heading_polarity(previous))


def heading_items(text: str, lines: list[Line], headings: frozenset[str]) -> list[Item]:
    """Bullets under every experience heading line, polarity resolved."""
    items: list[Item] = []
    for index, line in enumerate(lines):
        polarity = heading_polarity(line.stripped)
        if polarity is None or not _starts_apart(lines, index, headings):
            continue
        for item in _list_items(lines, index, polarity, headings):
            items.append(_resolved(text, item))
    return items


def _resolved(text: str, item: Item) -> Item:
    if item.polarity != "neutral":
        return item
    return Item(item.start, item.end, word_polarity(text[item.start : item.end]), item.heading)


_COUNTED_RE = re.compile(
    r"^(?P<n>[2-9]|to|tre|fire|fem|seks|sju|syv|åtte|ni)\s+(?P<head>[^\W\d][^:\n]{2,60}):[ \t]*(?=\S)", re.IGNORECASE
)
_NUMBERS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9}
_CAPITAL_RE = re.compile(r"(?<!\S)[A-ZÆØÅ]")


def inline_items(text: str, lines: list[Line]) -> list[Item]:
    """A counted list run into one paragraph: "4 suksessfaktorer: Stabil gruppe Felles eierskap ...".

    Typeset booklets lose the bullets; the count says how many items follow, each starting
    with a capital letter.
    """
    items: list[Item] = []
    for line, para_end in _line_paragraph_ends(lines):
        match = _COUNTED_RE.match(line.stripped)
        polarity = heading_polarity(match.group("head")) if match else None
        if polarity is None:
            continue
        count = int(_NUMBERS.get(match.group("n").lower(), match.group("n")))
        body = line.start + _indent(line) + match.end()
        starts = [m.start() for m in _CAPITAL_RE.finditer(text, body, para_end)][: count + 1] + [para_end]
        spans = [trim_span(text, a, b) for a, b in zip(starts[:count], starts[1 : count + 1])]
        if len(spans) < count or starts[0] != body or any(not _short_phrase(text[a:b]) for a, b in spans):
            continue
        heading = match.group("head").strip()
        items.extend(_resolved(text, Item(a, b, polarity, heading)) for a, b in spans)
    return items


def _short_phrase(phrase: str) -> bool:
    return 0 < len(phrase.split()) <= 7 and not re.search(r"[.;!?]", phrase)


def _line_paragraph_ends(lines: list[Line]) -> list[tuple[Line, int]]:
    """Each non-blank line with the end offset of its paragraph (up to the next blank line)."""
    out: list[tuple[Line, int]] = []
    end = lines[-1].end if lines else 0
    for line in reversed(lines):
        if line.blank:
            end = line.start
            continue
        out.append((line, end))
    return out[::-1]

