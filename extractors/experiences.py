"""Experiences: lessons a document reports, each with a polarity (positive / negative).

Two sources, found in ``Document.text`` itself:

* **lists** (``kind="list"``): every bullet under a heading such as *Positive/Negative
  erfaringer*, *Hva fungerte godt/dårlig*, *Suksessfaktorer*, *Utfordringer*,
  *Læringspunkter*, *Råd for veien videre* (and the Nynorsk forms). One record per
  top-level bullet, whole: wrapped lines and sub-bullets are part of it (sub-bullets are
  indented, or — in PDF text, which has no indents — a dash/circle under round bullets);
  an ALL CAPS slide call-out between bullets is skipped. A counted list run into a
  paragraph (``4 suksessfaktorer: Stabil arbeidsgruppe Felles eierskap …``) gives one
  item per capitalised phrase, as many as the count. Polarity comes from the heading
  (suksessfaktorer → positive, utfordringer → negative) or, for neutral headings
  (læringspunkter, råd, erfaringer), from the item's own wording.
* **statements** (``kind="statement"``): sentences that state an experience —
  ``Erfaringen er at …``, ``Erfaringa frå … er at …``, ``… har vært vellykket``,
  ``… fungerte godt/dårlig``, ``… fungerer godt`` (not in a wish or purpose clause),
  ``… ble avsluttet før alle behov ble løst``.

Nothing is taken from boilerplate sections (a table of contents, a web page's "Like
dokumenter" list: :mod:`saksfinn.extractors.sections` finds where they end); sentences inside a list item already taken are not repeated. Spans are
``[start, end)`` in ``Document.text``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from saksfinn.extractors.textspans import (
    BULLET_RE,
    Line,
    in_boilerplate,
    locate,
    split_lines,
    squash,
    trim_span,
)
from saksfinn.extractors.themes import classify_themes
from saksfinn.models.document import Document
from saksfinn.models.findings import Experience

log = logging.getLogger(__name__)

NAME = "experiences"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

_SUB_GLYPHS = frozenset("–-◦▪o·")
_MARKERS_RE = re.compile(r"^[\s#■▪●•*\-–]*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+)?")
_POSITIVE_HEADING_RE = re.compile(
    r"^(?:positive\s+erfaring|gode\s+erfaring|hva\s+(?:har\s+)?fungert(?:e)?\s+(?:godt|bra)"
    r"|kva\s+(?:har\s+)?fungert(?:e)?\s+(?:godt|bra)|det\s+som\s+fungerte(?:\s+godt)?|suksessfaktor"
    r"|suksesskriteri|kritiske\s+suksessfaktor|styrker\b|dette\s+fungerte|hva\s+lyktes|kva\s+lukkast|positivt\b)",
    re.IGNORECASE,
)
_NEGATIVE_HEADING_RE = re.compile(
    r"^(?:negative\s+erfaring|dårlige\s+erfaring|dårlege\s+erfaring"
    r"|hva\s+(?:har\s+)?fungert(?:e)?\s+(?:dårlig|mindre\s+(?:godt|bra)|ikke)"
    r"|kva\s+(?:har\s+)?fungert(?:e)?\s+(?:dårleg|mindre\s+(?:godt|bra)|ikkje)"
    r"|hva\s+kunne\s+vært\s+bedre|kva\s+kunne\s+vore\s+betre|forbedringspunkt|forbetringspunkt"
    r"|utfordringer\b|utfordringar\b|utfordringene\b|utfordringane\b|svakheter\b|svakheiter\b|barrierer\b"
    r"|hindringer\b|negativt\b"
    r"|det\s+som\s+fungerte\s+(?:dårlig|mindre\s+godt))",
    re.IGNORECASE,
)
_NEUTRAL_HEADING_RE = re.compile(
    r"^(?:læringspunkt|lærdom|lærdommer|råd\s+for\s+veien\s+videre|råd\s+for\s+vegen\s+vidare"
    r"|råd\s+videre|erfaringer\s+med\s+innføring|erfaringar\b|erfaringer\b|erfaringene\b|erfaringane\b"
    r"|læring\s+og\s+erfaring"
    r"|viktige\s+erfaring|erfaringer\s+og\s+læring|hva\s+har\s+vi\s+lært|kva\s+har\s+vi\s+lært)",
    re.IGNORECASE,
)

# wording cues for items under neutral headings and for statements
_NEGATIVE_CUES = re.compile(
    r"\b(?:ikke|ikkje|ingen|mangl\w*|vanskelig\w*|vanskeleg\w*|dårlig\w*|dårleg\w*|for\s+lite|for\s+mange"
    r"|for\s+liten|uklar\w*|utfordr\w*|problem\w*|svak\w*|ressurskrevende|krevende|krevjande|sluttet"
    r"|avslutt(?:et|a)\s+før|uro\b|manglende|uoversiktlig|risiko|bekymring|stoppet|forsink\w*|feil\b"
    r"|negativ\w*|urovekkende|savn\w*|behov\s+for)",
    re.IGNORECASE,
)
_POSITIVE_CUES = re.compile(
    r"\b(?:vellykket|vellukka|gode?\b|godt|bra\b|fornøyd\w*|lykkes|lyktes|oppnår|oppnådd|positiv\w*"
    r"|styrk\w*|økt\w*|bedre|betre|effektiv\w*|viktig\w*|trivdes|suksess\w*|fungerer|nøgd\w*|lukka\w*|lukkast)",
    re.IGNORECASE,
)

_STATEMENT_RE = re.compile(
    r"^(?:(?:men|og|imidlertid|dessuten|likevel|derfor)\s+)?(?:(?:en|ei|ein|den|det|vår|våre|vår|viktig|viktigste"
    r"|første|andre|gode?|positive|negative|dårlige)\s+){0,3}"
    r"(?:erfaring(?:en|ene|a|ane)\b|erfaring(?:er|ar)?\s+(?:fra|frå|med|etter)\b).{0,200}?"
    r"(?:\b(?:er|var|viser|tilsier|er\s+at|har\s+vist)\b|:\s*(?:positivt|negativt|bra|godt|dårlig))"
    r"|\berfaring(?:en|ene|a|ane)\s+(?:er|var)\s+at\b|\b(?:er|var)\s+erfaring(?:en|ene|a|ane)\s+at\b"
    r"|\b(?:har|hadde)\s+(?:vært|vore)\s+(?:svært\s+|veldig\s+|meget\s+)?(?:vellykket|vellukka|en\s+suksess)"
    r"|\b(?:ble|vart|blei)\s+(?:vurdert\s+som\s+)?(?:svært\s+|veldig\s+)?(?:vellykket|vellukka)"
    r"|\b(?:var|er)\s+(?:svært\s+|veldig\s+)?(?:vellykket|vellukka)"
    r"|\b(?:har\s+|hadde\s+)?fungert\w*\s+(?:svært\s+|veldig\s+|meget\s+)?(?:godt|bra|dårlig|dårleg|ikke|ikkje)\b"
    r"|\bfungerte\s+(?:svært\s+|veldig\s+)?(?:godt|bra|dårlig|dårleg|ikke|ikkje)\b"
    r"|\b(?:ble|vart|blei)\s+avslutt(?:et|a)\s+før\b"
    r"|\b(?:har|hadde)\s+erfaring(?:er|ar)?\s+med\s+viser\s+at\b"
    r"|\b(?:positive|gode|negative|dårlige)\s+erfaring(?:er|ar)\s+(?:fra|frå|med)\b",
    re.IGNORECASE,
)
# "... fungerer godt" (present tense) states an experience unless it is a purpose or a wish
_PRESENT_RE = re.compile(r"\bfungerer\s+(?:svært\s+|veldig\s+|meget\s+)?(?:godt|bra|dårlig|dårleg)\b", re.IGNORECASE)
_PURPOSE_RE = re.compile(
    r"\b(?:for\s+at|slik\s+at|sikre\s+at|skal|må|bør|vil|kan|hvis|dersom|om)\b(?:(?![.;]).){0,60}\bfungerer\b",
    re.IGNORECASE,
)
_TRIGGER_RE = re.compile(r"erfaring|vellykket|vellukka|fungert|fungerte|fungerer|avslutt(?:et|a)\s+før", re.IGNORECASE)


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    polarity: str
    heading: str


def _heading_polarity(text: str) -> str | None:
    """``positive``/``negative``/``neutral`` when ``text`` is an experience heading line."""
    raw = text.strip()
    if not raw or len(raw) > 80 or raw.endswith((".", ",", ";")):
        return None
    body = _MARKERS_RE.sub("", raw).strip(" :*")
    if not body or len(body.split()) > 9 or ":" in body:
        return None  # "Suksessfaktorer: Stabil gruppe" is an inline list, not a heading line
    if _NEGATIVE_HEADING_RE.match(body):
        return "negative"
    if _POSITIVE_HEADING_RE.match(body):
        return "positive"
    if _NEUTRAL_HEADING_RE.match(body):
        return "neutral"
    return None


def _is_markdown_heading(line: Line) -> bool:
    return line.stripped.startswith("#")


def _indent(line: Line) -> int:
    return len(line.text) - len(line.text.lstrip())


def _is_bullet(line: Line) -> bool:
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
    if _is_markdown_heading(line):
        return True
    if _heading_polarity(text):
        return True
    return bool(re.match(r"^\d{1,2}\.\s+[A-ZÆØÅ]", text)) and not text.endswith(".") and len(text) < 100


def word_polarity(text: str, default: str = "positive") -> str:
    negative = len(_NEGATIVE_CUES.findall(text))
    positive = len(_POSITIVE_CUES.findall(text))
    if negative * 1.5 > positive:
        return "negative"
    if positive:
        return "positive"
    return default


def _list_items(lines: list[Line], head: int, polarity: str, headings: frozenset[str] = frozenset()) -> list[_Item]:
    """Top-level bullets after the heading at ``lines[head]``."""
    heading = _MARKERS_RE.sub("", lines[head].stripped).strip(" :*")
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
        if _is_bullet(line):
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
            if not seen_bullet and _is_markdown_heading(line) and not _heading_polarity(line.stripped):
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
        _Item(lines[first].start + len(BULLET_RE.match(lines[first].text).group(0)), lines[last].end, polarity, heading)
        for first, last in items
    ]


def _statement_sentences(text: str, start: int, end: int, nlp: object | None) -> list[tuple[int, int]]:
    """Sentence spans within ``text[start:end]`` (spaCy sentencizer when ``nlp`` given)."""
    chunk = text[start:end]
    if nlp is not None:
        doc = nlp(chunk)  # type: ignore[operator]
        return [(start + s.start_char, start + s.end_char) for s in doc.sents]
    spans = []
    pos = 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«\"])", chunk):
        spans.append((start + pos, start + match.start()))
        pos = match.end()
    spans.append((start + pos, end))
    return spans


def _paragraphs(lines: list[Line]) -> list[tuple[int, int]]:
    """``[start, end)`` spans of blank-line separated paragraphs (bullets are their own)."""
    spans = []
    current: list[Line] = []
    for line in lines + [Line(0, 0, "")]:
        if line.blank or _is_bullet(line) or _is_markdown_heading(line):
            if current:
                spans.append((current[0].start, current[-1].end))
            current = [line] if (_is_bullet(line) and not line.blank) else []
            continue
        current.append(line)
    return spans


def _starts_apart(lines: list[Line], index: int, headings: frozenset[str]) -> bool:
    """Whether the heading candidate ``lines[index]`` stands apart from the running text."""
    line = lines[index]
    if index == 0 or lines[index - 1].blank or _is_markdown_heading(line):
        return True
    previous = lines[index - 1].stripped
    if line.stripped in headings:
        return True  # set apart by layout or found by the section splitter
    if line.stripped[:1].islower() and not previous.endswith((".", ":", "!", "?")):
        return False  # a wrapped line ("... alle deler av prosessen, også" / "utfordringene")
    return _is_bullet(lines[index - 1]) or bool(_heading_polarity(previous))


def _heading_items(text: str, lines: list[Line], headings: frozenset[str]) -> list[_Item]:
    """Bullets under every experience heading line, polarity resolved."""
    items: list[_Item] = []
    for index, line in enumerate(lines):
        polarity = _heading_polarity(line.stripped)
        if polarity is None or not _starts_apart(lines, index, headings):
            continue
        for item in _list_items(lines, index, polarity, headings):
            items.append(_resolved(text, item))
    return items


def _resolved(text: str, item: _Item) -> _Item:
    if item.polarity != "neutral":
        return item
    return _Item(item.start, item.end, word_polarity(text[item.start : item.end]), item.heading)


_COUNTED_RE = re.compile(
    r"^(?P<n>[2-9]|to|tre|fire|fem|seks|sju|syv|åtte|ni)\s+(?P<head>[^\W\d][^:\n]{2,60}):[ \t]*(?=\S)", re.IGNORECASE
)
_NUMBERS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9}
_CAPITAL_RE = re.compile(r"(?<!\S)[A-ZÆØÅ]")


def _inline_items(text: str, lines: list[Line]) -> list[_Item]:
    """A counted list run into one paragraph: "4 suksessfaktorer: Stabil gruppe Felles eierskap ...".

    Typeset booklets lose the bullets; the count says how many items follow, each starting
    with a capital letter.
    """
    items: list[_Item] = []
    for line, para_end in _line_paragraph_ends(lines):
        match = _COUNTED_RE.match(line.stripped)
        polarity = _heading_polarity(match.group("head")) if match else None
        if polarity is None:
            continue
        count = int(_NUMBERS.get(match.group("n").lower(), match.group("n")))
        body = line.start + _indent(line) + match.end()
        starts = [m.start() for m in _CAPITAL_RE.finditer(text, body, para_end)][: count + 1] + [para_end]
        spans = [trim_span(text, a, b) for a, b in zip(starts[:count], starts[1 : count + 1])]
        if len(spans) < count or starts[0] != body or any(not _short_phrase(text[a:b]) for a, b in spans):
            continue
        heading = match.group("head").strip()
        items.extend(_resolved(text, _Item(a, b, polarity, heading)) for a, b in spans)
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


def _statements(text: str, lines: list[Line], nlp: object | None) -> list[tuple[int, int, str]]:
    """``(start, end, polarity)`` of sentences stating an experience."""
    found = []
    for para_start, para_end in _paragraphs(lines):
        if not _TRIGGER_RE.search(text, para_start, para_end):
            continue
        for start, end in _statement_sentences(text, para_start, para_end, nlp):
            start, end = trim_span(text, start, end)
            marker = BULLET_RE.match(text[start:end])
            if marker and start + marker.end() < end:
                start += marker.end()
            sentence = squash(text[start:end])
            if end <= start or len(sentence) > 600 or not _is_statement(sentence):
                continue
            found.append((start, end, word_polarity(sentence)))
    return found


def _is_statement(sentence: str) -> bool:
    if _heading_polarity(sentence) and not sentence.endswith((".", "!")):
        return False  # an experience heading, not a statement
    if _STATEMENT_RE.search(sentence):
        return True
    return bool(_PRESENT_RE.search(sentence)) and not _PURPOSE_RE.search(sentence)


def extract_experiences(doc: Document, nlp: object | None = None) -> list[Experience]:
    """List items and statements of experience in ``doc`` (see module docstring)."""
    text = doc.text
    lines = split_lines(text)
    headings = {s.heading.strip() for s in doc.sections if s.heading}
    headings.update(h.strip() for p in doc.pages for h in p.heading_lines)
    items = _heading_items(text, lines, frozenset(headings)) + _inline_items(text, lines)

    out: list[Experience] = []
    taken: list[tuple[int, int]] = []
    for item in sorted(items, key=lambda i: i.start):
        start, end = trim_span(text, item.start, item.end)
        if end <= start or in_boilerplate(doc, start) or any(s <= start < e for s, e in taken):
            continue
        taken.append((start, end))
        out.append(_make(doc, start, end, item.polarity, "list", item.heading))
    for start, end, polarity in _statements(text, lines, nlp):
        if any(s <= start < e or s < end <= e for s, e in taken) or in_boilerplate(doc, start):
            continue
        taken.append((start, end))
        out.append(_make(doc, start, end, polarity, "statement", None))
    out.sort(key=lambda e: e.start)
    log.debug("%s: %d experiences", doc.document_id[:12], len(out))
    return out


def _make(doc: Document, start: int, end: int, polarity: str, kind: str, heading: str | None) -> Experience:
    page, section = locate(doc, start)
    body = doc.text[start:end]
    return Experience(
        document_id=doc.document_id,
        page=page,
        section=section or heading,
        start=start,
        end=end,
        text=squash(body),
        extractor=EXTRACTOR,
        themes=classify_themes(body + " " + (heading or "")),
        polarity=polarity,  # type: ignore[arg-type]
        kind=kind,
    )
