"""Experiences: lessons a document reports, each with a polarity (positive / negative).

Two sources, found in ``Document.text`` itself:

* **lists** (``kind="list"``): every bullet under a heading such as *Positive/Negative
  erfaringer*, *Hva fungerte godt/dårlig*, *Suksessfaktorer*, *Utfordringer*,
  *Læringspunkter*, *Råd for veien videre*. One record per top-level bullet, whole:
  wrapped lines and indented sub-bullets are part of it. Polarity comes from the
  heading (suksessfaktorer → positive, utfordringer → negative) or, for neutral
  headings (læringspunkter, råd, erfaringer), from the item's own wording.
* **statements** (``kind="statement"``): sentences that state an experience —
  ``Erfaringen er at …``, ``Erfaringa frå … er at …``, ``… har vært vellykket``,
  ``… fungerte godt/dårlig``, ``… ble avsluttet før alle behov ble løst``.

Sentences inside a list item already taken, in ``boilerplate`` sections, or inside a
decision label block are not repeated. Spans are ``[start, end)`` in ``Document.text``.
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
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"

_MARKERS_RE = re.compile(r"^[\s#■▪●•*\-–]*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+)?")
_POSITIVE_HEADING_RE = re.compile(
    r"^(?:positive\s+erfaring|gode\s+erfaring|hva\s+(?:har\s+)?fungert(?:e)?\s+(?:godt|bra)"
    r"|kva\s+(?:har\s+)?fungert(?:e)?\s+(?:godt|bra)|det\s+som\s+fungerte(?:\s+godt)?|suksessfaktor"
    r"|suksesskriteri|kritiske\s+suksessfaktor|styrker\b|dette\s+fungerte|hva\s+lyktes|positivt\b)",
    re.IGNORECASE,
)
_NEGATIVE_HEADING_RE = re.compile(
    r"^(?:negative\s+erfaring|dårlige\s+erfaring|hva\s+(?:har\s+)?fungert(?:e)?\s+(?:dårlig|mindre\s+godt|ikke)"
    r"|kva\s+(?:har\s+)?fungert(?:e)?\s+(?:dårleg|ikkje)|hva\s+kunne\s+vært\s+bedre|kva\s+kunne\s+vore\s+betre"
    r"|utfordringer\b|utfordringar\b|utfordringene\b|svakheter\b|barrierer\b|hindringer\b|negativt\b"
    r"|det\s+som\s+fungerte\s+(?:dårlig|mindre\s+godt))",
    re.IGNORECASE,
)
_NEUTRAL_HEADING_RE = re.compile(
    r"^(?:læringspunkt|lærdom|lærdommer|råd\s+for\s+veien\s+videre|råd\s+for\s+vegen\s+vidare"
    r"|råd\s+videre|erfaringer\s+med\s+innføring|erfaringar\b|erfaringer\b|læring\s+og\s+erfaring"
    r"|viktige\s+erfaring|erfaringer\s+og\s+læring|hva\s+har\s+vi\s+lært|kva\s+har\s+vi\s+lært)",
    re.IGNORECASE,
)

# wording cues for items under neutral headings and for statements
_NEGATIVE_CUES = re.compile(
    r"\b(?:ikke|ikkje|ingen|mangl\w*|vanskelig\w*|vanskeleg\w*|dårlig\w*|dårleg\w*|for\s+lite|for\s+mange"
    r"|for\s+liten|uklar\w*|utfordr\w*|problem\w*|svak\w*|ressurskrevende|krevende|krevjande|sluttet"
    r"|avsluttet\s+før|uro\b|manglende|uoversiktlig|risiko|bekymring|stoppet|forsink\w*|feil\b"
    r"|negativ\w*|urovekkende|savn\w*|behov\s+for)",
    re.IGNORECASE,
)
_POSITIVE_CUES = re.compile(
    r"\b(?:vellykket|vellukka|gode?\b|godt|bra\b|fornøyd\w*|lykkes|lyktes|oppnår|oppnådd|positiv\w*"
    r"|styrk\w*|økt\w*|bedre|betre|effektiv\w*|viktig\w*|trivdes|suksess\w*|fungerer)",
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
    r"|\bble\s+avsluttet\s+før\b"
    r"|\b(?:positive|gode|negative|dårlige)\s+erfaring(?:er|ar)\s+(?:fra|frå|med)\b",
    re.IGNORECASE,
)
_TRIGGER_RE = re.compile(r"erfaring|vellykket|vellukka|fungert|fungerte|avsluttet\s+før", re.IGNORECASE)


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
    if not body or len(body.split()) > 9:
        return None
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


def _is_structural_heading(line: Line) -> bool:
    """A line that ends a list: markdown heading, or a numbered/short title (no full stop)."""
    text = line.stripped
    if _is_markdown_heading(line):
        return True
    if _heading_polarity(text):
        return True
    return bool(re.match(r"^\d{1,2}\.\s+[A-ZÆØÅ]", text)) and not text.endswith(".") and len(text) < 100


def _word_polarity(text: str, default: str = "positive") -> str:
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
            indent = _indent(line)
            if base_indent is None:
                base_indent = indent
            if indent > base_indent + 1 and items:
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
        if after_blank:
            if line.stripped.isupper():
                j += 1  # slide call-out between bullets
                continue
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


def extract_experiences(doc: Document, nlp: object | None = None) -> list[Experience]:
    """List items and statements of experience in ``doc`` (see module docstring)."""
    text = doc.text
    lines = split_lines(text)
    headings = {s.heading.strip() for s in doc.sections if s.heading}
    headings.update(h.strip() for p in doc.pages for h in p.heading_lines)
    items: list[_Item] = []
    for index, line in enumerate(lines):
        polarity = _heading_polarity(line.stripped)
        if polarity is None:
            continue
        if index > 0 and not lines[index - 1].blank and not _is_markdown_heading(line):
            known = line.stripped in headings or _is_bullet(lines[index - 1])
            if not known and not _heading_polarity(lines[index - 1].stripped):
                continue  # a heading stands apart (blank line, layout or list before it); this is running text
        for item in _list_items(lines, index, polarity, frozenset(headings)):
            if item.polarity == "neutral":
                item = _Item(item.start, item.end, _word_polarity(text[item.start : item.end]), item.heading)
            items.append(item)

    out: list[Experience] = []
    taken: list[tuple[int, int]] = []
    for item in items:
        start, end = trim_span(text, item.start, item.end)
        if end <= start or in_boilerplate(doc, start) or any(s <= start < e for s, e in taken):
            continue
        taken.append((start, end))
        out.append(_make(doc, start, end, item.polarity, "list", item.heading))

    for para_start, para_end in _paragraphs(lines):
        if not _TRIGGER_RE.search(text, para_start, para_end):
            continue
        for start, end in _statement_sentences(text, para_start, para_end, nlp):
            start, end = trim_span(text, start, end)
            marker = BULLET_RE.match(text[start:end])
            if marker and start + marker.end() < end:
                start += marker.end()
            sentence = text[start:end]
            if end <= start or len(sentence) > 600 or not _STATEMENT_RE.search(squash(sentence)):
                continue
            if _heading_polarity(sentence) and not sentence.rstrip().endswith((".", "!")):
                continue  # an experience heading, not a statement
            if any(s <= start < e or s < end <= e for s, e in taken) or in_boilerplate(doc, start):
                continue
            taken.append((start, end))
            out.append(_make(doc, start, end, _word_polarity(squash(sentence)), "statement", None))
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
