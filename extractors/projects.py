"""Projects: named projects, programmes, pilots and tiltak a document lists or reports on.

Patterns over ``Document.text``:

* a project word followed by a quoted name — ``prosjektet «Eldre i skolen»``,
  ``programmet "Sammen om en bedre kommune"``, ``har initiert «Omstilling 2024»``;
* a quoted compound — ``«tilgangsprosjektet»``;
* a capitalised compound name ending in a project word — ``Forbedringsprogrammet``,
  ``Effektiviseringsnettverkene``;
* a name with a phase — ``Læringslean fase 2``;
* names enumerated after ``prosjekter … deriblant / blant dem`` (capitalised items);
* bullets under a ``Piloter`` / ``Prosjekter`` / ``Tiltak`` heading (kind from heading).

One record per project per document (names compared case-insensitively), at its first
mention; ``description`` is the sentence (or bullet) around that mention.
"""

from __future__ import annotations

import logging
import re

from saksfinn.extractors.textspans import BULLET_RE, in_boilerplate, locate, split_lines, squash
from saksfinn.extractors.themes import classify_themes
from saksfinn.models.document import Document
from saksfinn.models.findings import Project

log = logging.getLogger(__name__)

NAME = "projects"
VERSION = "3"
EXTRACTOR = f"{NAME}@{VERSION}"

_Q_OPEN, _Q_CLOSE = "«\"“", "»\"”"
_WRAP = r"\n(?![ \t]*\n)"  # one line break inside a name or phrase (PDF text wraps), not a blank line
_QUOTED = rf"[{_Q_OPEN}](?P<name>(?:[^{_Q_CLOSE}\n]|{_WRAP}){{3,80}})[{_Q_CLOSE}]"
_PROJECT_WORD = (
    r"(?P<word>prosjekt(?:et)?|pilotprosjekt(?:et)?|delprosjekt(?:et)?|programmet|program|satsingen|satsinga"
    r"|piloten|pilot|tiltaket|nettverket|initiativet|utviklingsprogrammet|prosjektene)"
)
_WORD_QUOTED_RE = re.compile(rf"\b{_PROJECT_WORD}\s+{_QUOTED}", re.IGNORECASE)
_INITIATED_RE = re.compile(rf"\b(?:initiert|igangsatt|startet|etablert|lansert)\s+{_QUOTED}", re.IGNORECASE)
_QUOTED_COMPOUND_RE = re.compile(
    rf"[{_Q_OPEN}](?P<name>[\wæøåÆØÅ\-]{{3,40}}(?:prosjektet|programmet|satsingen))[{_Q_CLOSE}]", re.IGNORECASE
)
_COMPOUND_RE = re.compile(
    r"(?<=[a-zæøå,] )(?P<name>[A-ZÆØÅ][a-zæøå]{3,}(?:programmet|prosjektet|nettverkene|nettverket|satsingen))\b",
    re.MULTILINE,
)
_PHASE_RE = re.compile(r"\b(?P<name>[A-ZÆØÅ][\wæøå\-]{3,}\s+[Ff]ase\s+\d)\b")
_ENUM_RE = re.compile(
    rf"\b(?:prosjekter|tiltak|piloter|satsinger)\b(?:[^.\n]|{_WRAP}){{0,80}}?"
    r"\b(?:deriblant|blant dem|blant disse)\s+(?P<items>[^.]{5,400})",
    re.IGNORECASE,
)
_LIST_HEADING_RE = re.compile(
    r"^[#*\s■\-–•]*(?P<word>piloter|pilotprosjekter|prosjekter|delprosjekter|tiltak)\s*:?\**\s*$", re.IGNORECASE
)
GENERIC_NAMES = {
    "utviklingsprogrammet", "prosjektet", "programmet", "delprosjektet", "forprosjektet", "hovedprosjektet",
    "rammeprogrammet", "forbedringsprosjektet", "pilotprosjektet", "utviklingsprosjektet", "prosjektene",
}


def project_kind(word: str) -> str:
    """The kind a project word or name says: pilot, program, nettverk, satsing, tiltak or prosjekt."""
    word = word.lower()
    for key, kind in (("pilot", "pilot"), ("program", "program"), ("nettverk", "nettverk"), ("satsing", "satsing"),
                      ("tiltak", "tiltak"), ("initiativ", "prosjekt")):
        if key in word:
            return kind
    return "prosjekt"


def _clean(name: str) -> str:
    name = squash(name).strip(" .,:;-–«»\"“”*")
    return re.sub(r"\s*\(.*?\)\s*$", "", name)


MAX_SENTENCE = 300
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or paragraph) around ``text[start:end]``; its line when that is longer
    than ``MAX_SENTENCE`` characters.

    A sentence ends at . ! ? before any white space — a line break too, as in PDF text
    ("… direkte.\nEn rekke …") — or at a blank line.
    """
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - 1000), start):
        left = m.end()
    while left < start and text[left].isspace():
        left += 1
    m = _SENTENCE_END.search(text, end)
    right = m.start() + 1 if m else len(text)
    if right - left > MAX_SENTENCE:  # no sentence here (a letterhead, a slide): the mention's line
        left, right = text.rfind("\n", 0, start) + 1, text.find("\n", end) % (len(text) + 1)
    return left, right


def _mentions(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, name, kind) for every candidate mention."""
    found: list[tuple[int, int, str, str]] = []
    for match in _WORD_QUOTED_RE.finditer(text):
        found.append((match.start("name"), match.end("name"), match.group("name"), project_kind(match.group("word"))))
    for match in _INITIATED_RE.finditer(text):
        found.append((match.start("name"), match.end("name"), match.group("name"), "prosjekt"))
    for match in _QUOTED_COMPOUND_RE.finditer(text):
        found.append((match.start("name"), match.end("name"), match.group("name"), project_kind(match.group("name"))))
    for match in _COMPOUND_RE.finditer(text):
        name = match.group("name")
        if name.lower() not in GENERIC_NAMES:
            found.append((match.start("name"), match.end("name"), name, project_kind(name)))
    for match in _PHASE_RE.finditer(text):
        found.append((match.start("name"), match.end("name"), match.group("name"), "prosjekt"))
    for match in _ENUM_RE.finditer(text):
        base = match.start("items")
        for part in re.finditer(r"[^,]+", match.group("items")):
            for piece in re.split(r"\s+og\s+", part.group(0)):
                piece_clean = piece.strip()
                if not piece_clean or not piece_clean[0].isupper() or len(piece_clean.split()) > 6:
                    continue
                offset = base + part.start() + part.group(0).find(piece_clean)
                found.append((offset, offset + len(piece_clean), piece_clean, "prosjekt"))
    return found


def _list_mentions(text: str) -> list[tuple[int, int, str, str, str]]:
    """Bullets under a Piloter/Prosjekter heading: (start, end, name, kind, bullet text)."""
    lines = split_lines(text)
    found = []
    for index, line in enumerate(lines):
        heading = _LIST_HEADING_RE.match(line.stripped)
        if not heading:
            continue
        base_indent = len(line.text) - len(line.text.lstrip())
        for other in lines[index + 1 :]:
            if other.blank:
                continue
            marker = BULLET_RE.match(other.text)
            if not marker or (len(other.text) - len(other.text.lstrip())) <= base_indent and not found:
                if not marker:
                    break
            if not marker:
                break
            indent = len(other.text) - len(other.text.lstrip())
            if indent <= base_indent:
                break
            item = other.text[marker.end() :].strip()
            name = re.split(r"\s+[–-]\s+|:", item)[0]
            start = other.start + other.text.find(name)
            found.append((start, start + len(name), name, project_kind(heading.group("word")), item))
    return found


def extract_projects(doc: Document, nlp: object | None = None) -> list[Project]:
    """Named projects in ``doc``, one per name, at the first mention (see module docstring)."""
    text = doc.text
    candidates = [(s, e, n, k, None) for s, e, n, k in _mentions(text)] + _list_mentions(text)
    seen: set[str] = set()
    out: list[Project] = []
    for start, end, raw_name, kind, bullet in sorted(candidates, key=lambda c: c[0]):
        name = _clean(raw_name)
        key = re.sub(r"[\s\-–]+", "", name.lower())
        if len(name) < 3 or key in seen or name.lower() in GENERIC_NAMES or in_boilerplate(doc, start):
            continue
        seen.add(key)
        left, right = _sentence(text, start, end)
        description = bullet or squash(text[left:right])
        page, section = locate(doc, start)
        out.append(
            Project(
                document_id=doc.document_id,
                page=page,
                section=section,
                start=start,
                end=end,
                text=squash(text[start:end]),
                extractor=EXTRACTOR,
                themes=classify_themes(f"{name} {description}"),
                name=name,
                kind=kind,
                description=description if description != name else None,
            )
        )
    log.debug("%s: %d projects", doc.document_id[:12], len(out))
    return out
