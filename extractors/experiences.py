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

Heading rules and polarity are in :mod:`~saksfinn.extractors.experience_polarity`, list items in
:mod:`~saksfinn.extractors.experience_lists`; this module finds the statements and makes the records.
"""

from __future__ import annotations

import logging
import re

from saksfinn.extractors.experience_lists import heading_items, inline_items, is_bullet, is_markdown_heading
from saksfinn.extractors.experience_polarity import heading_polarity, word_polarity
from saksfinn.extractors.textspans import BULLET_RE, Line, in_boilerplate, locate, split_lines, squash, trim_span
from saksfinn.extractors.themes import classify_themes
from saksfinn.models.document import Document
from saksfinn.models.findings import Experience

log = logging.getLogger(__name__)

NAME = "experiences"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

__all__ = ["EXTRACTOR", "extract_experiences", "word_polarity"]

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
        if line.blank or is_bullet(line) or is_markdown_heading(line):
            if current:
                spans.append((current[0].start, current[-1].end))
            current = [line] if (is_bullet(line) and not line.blank) else []
            continue
        current.append(line)
    return spans


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
    if heading_polarity(sentence) and not sentence.endswith((".", "!")):
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
    items = heading_items(text, lines, frozenset(headings)) + inline_items(text, lines)

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
