"""How a protocol lays out its votes: the line patterns and the cases they fall in.

The regular expressions name the kinds of line a vote block is made of (case header, ``K-112/12``
ref line, proposal label, proposer line, ``N)``, roll-call, ``Dermed …``, absentees, inline
outcomes, ``Mindretalet …``); :func:`cases` cuts a text's lines into cases, with body and
meeting date from the header or the saksgang table; :func:`continuation` and :func:`join_lines`
read a statement wrapped over several lines. Pure text layout: who voted is read in
:mod:`~saksfinn.extractors.vote_people`, the records are made in
:mod:`~saksfinn.extractors.voterings`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from saksfinn.extractors.case_lines import CASE_HEADER_RE, CASE_REF_LINE_RE
from saksfinn.extractors.dates import parse_exact_date
from saksfinn.extractors.textspans import Line

ROLL_RE = re.compile(
    r"^(?P<side>For|Imot|Mot|I\s+mot)\s+"
    r"(?:forslag\s+(?P<alt>\d{1,2})|forslaget|innstillingen|innstillinga|tilrådinga|tilrådingen|framlegget"
    r"|framlegg\s+(?P<alt2>\d{1,2}))"
    r"(?:\s*\([^)]*\))?\s+(?:stemte|røysta|røystet)\s+(?P<count>\d{1,3})\s*(?P<colon>[:.])?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
DERMED_RE = re.compile(r"^Dermed\s+(?:ble|blei|vart)\s+(?P<what>.*)$", re.IGNORECASE)
ABSENT_RE = re.compile(
    r"^(?:Ikke\s+til\s+stede|Ikkje\s+til\s+stades|Fraværende|Fråverande|Ikke\s+tilstede)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(r"^(?P<n>\d{1,2})\)$")
SATT_OPP_RE = re.compile(r"^Dette\s+(?:ble|vart|blei)\s+(?:satt|sett)\s+opp\s+mot\s*:?$", re.IGNORECASE)
_KIND_WORDS = (
    ("endringsforslag", "endringsforslag"),
    ("endringsframlegg", "endringsforslag"),
    ("tilleggsforslag", "tilleggsforslag"),
    ("tilleggsframlegg", "tilleggsforslag"),
    ("alternative forslag", "alternativt forslag"),
    ("alternativt forslag", "alternativt forslag"),
    ("alternativt framlegg", "alternativt forslag"),
    ("oversendelsesforslag", "oversendelsesforslag"),
    ("oversendingsforslag", "oversendelsesforslag"),
    ("innstilling", "innstilling"),
    ("tilråding", "innstilling"),
    ("forslag til vedtak", "innstilling"),
)
PROPOSER_RE = re.compile(
    r"^(?P<who>[A-ZÆØÅ][\wæøåÆØÅ.\- ]{1,80}?)\s*(?:\((?P<party>[^)]{1,60})\)\s*)?,?\s+"
    r"(?:fremmet|fremma|fremja|la\s+fram|sette\s+fram|satte\s+fram)\s+(?:følgende|følgjande|slikt|dette)\s+"
    r"(?P<kind>[\wæøåÆØÅ ]{3,40}?)\s*:?\s*$",
    re.IGNORECASE,
)
LABEL_RE = re.compile(
    r"^(?:(?P<avstemning>avstemning|votering|røysting)\s+(?:over|av|om)\s+(?P<what>.+?)"
    r"|(?P<inn>innstilling(?:\s+til\s+vedtak)?|innstillinga|tilråding|tilrådinga"
    r"|(?:[\wæøåÆØÅ\-]+s\s+|[\wæøåÆØÅ\-]+\s+sitt\s+)?(?:forslag|framlegg)\s+til\s+vedtak(?:\s+i\s+[\wæøå ]+)?"
    r"|rådmannen\s+tilrår|kommunedirektøren\s+tilrår)"
    r"|(?P<meeting>forslag\s+fremmet\s+i\s+møtet|forslag\s+i\s+møtet?|framlegg\s+i\s+møtet|nytt\s+forslag))\s*:?\s*$",
    re.IGNORECASE,
)
VEDTAK_LABEL_RE = re.compile(r"^(?:[\wæøåÆØÅ\-]+s\s+)?vedtak\s*:?\s*(?P<inline>.*)$", re.IGNORECASE)
UNANIMOUS_RE = re.compile(r"\b(?:enstemmig|enstemmige|einstemmig|einstemmige|samrøystes|samrøysta)\b", re.IGNORECASE)
ADOPTED_WORD_RE = re.compile(
    r"\b(?:vedtatt|vedtatte|vedteke|vedteken|vedtekne|vedtas|vedtek|godkjent|godkjend|bifalt|tilrådd|tilrådde)\b",
    re.IGNORECASE,
)
NOT_ADOPTED_RE = re.compile(
    r"\b(?:ikke|ikkje)\s+(?:vedtatt|vedteke|vedteken|godkjent|godkjend)|\bfalt\b|\bfall\b|\bforkasta?\b|\bavvist\b",
    re.IGNORECASE,
)
COUNT_INLINE_RE = re.compile(
    r"\b(?:vedtatt|vedteke|vedteken|vedtekne|vedtas|godkjent|godkjend|tilrådd)\s+med\s+(?P<for>\d{1,3})\s+mot\s+"
    r"(?P<against>\d{1,3})\s*(?:stemmer|røyster|røyster|stemme|røyst)?",
    re.IGNORECASE,
)
MINORITY_RE = re.compile(
    r"^Mindretal(?:let|et|l)?\s*[-–(]?\s*(?P<count>\d{1,3})\s*[-–)]?\s*(?:stemte|røysta|røystet)\s+for\s+(?P<rest>.*)$",
    re.IGNORECASE,
)
CASTING_RE = re.compile(r"dobbelt?stemme|dobbeltrøyst|dobbelrøyst", re.IGNORECASE)
NOT_A_VOTE_RE = re.compile(r"\binhabil|\bhabil\b|habilitet|erklært", re.IGNORECASE)
_SAKSGANG_ROW_RE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][^|\d]{2,60}?)\s*\|?\s*(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s*\|?\s*(?P<ref>\d+/\d+)"
)


@dataclass(frozen=True)
class Case:
    start: int  # first line index
    end: int  # line index after the case
    case_ref: str | None
    body: str | None
    date: dt.date | None


def join_lines(texts: list[str]) -> str:
    """Wrapped lines as one string: a line ending in ``-`` joins the next without a space."""
    out = ""
    for raw in texts:
        part = raw.strip()
        if not part:
            continue
        if out.endswith("-") and part[:1].isalpha():
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out



def body_name(genitive: str) -> str:
    """``Kommunestyrets`` / ``Kommunestyres`` → ``Kommunestyret``; ``Formannskaps`` → ``Formannskapet``;
    ``Hovedutvalg helse og omsorgs`` → ``Hovedutvalg helse og omsorg``."""
    name = genitive.strip()
    if name.endswith("s") and not name.endswith("ss"):
        name = name[:-1]
    if name.lower() in {"kommunestyre", "bystyre", "fylkesting"}:
        name += "t"
    elif name.lower() in {"formannskap", "formannskapp"}:
        name += "et"
    return name



def kind_of(words: str, default: str = "forslag") -> str:
    lowered = words.lower()
    for word, kind in _KIND_WORDS:
        if word in lowered:
            return kind
    return default



def saksgang_rows(lines: list[Line]) -> dict[str, tuple[str, dt.date | None]]:
    """``139/12`` → (body, date) from a ``Styre/råd/utval | Møtedato | Sak nr`` table."""
    rows: dict[str, tuple[str, dt.date | None]] = {}
    for line in lines[:80]:
        row = _SAKSGANG_ROW_RE.match(line.stripped)
        if row:
            rows[row.group("ref")] = (row.group("body").strip(), parse_exact_date(row.group("date")))
    return rows



def cases(lines: list[Line]) -> list[Case]:
    """The cases of a text: from a case header (or a ``K-112/12`` ref line followed by a label)
    to the next one."""
    saksgang = saksgang_rows(lines)
    starts: list[tuple[int, str | None, str | None, dt.date | None]] = []
    for k, line in enumerate(lines):
        text = line.stripped
        header = CASE_HEADER_RE.match(text)
        if header:
            date = parse_exact_date(header.group("date")) if header.group("date") else None
            starts.append((k, f"sak {header.group('ref')}", body_name(header.group("body")), date))
            continue
        ref = CASE_REF_LINE_RE.match(text)
        if ref and next_text(lines, k) and re.match(r"^(?:tilråding|vedtak|innstilling)\b", next_text(lines, k), re.I):
            body, date = saksgang.get(ref.group("number"), (None, None))
            starts.append((k, re.sub(r"\s", "", ref.group("ref")), body, date))
    return [
        Case(start, starts[n + 1][0] if n + 1 < len(starts) else len(lines), ref, body, date)
        for n, (start, ref, body, date) in enumerate(starts)
    ]



def next_text(lines: list[Line], k: int) -> str:
    for line in lines[k + 1 : k + 4]:
        if not line.blank:
            return line.stripped
    return ""



def continuation(lines: list[Line], k: int, end: int) -> int:
    """Index after the lines that continue the statement on line ``k`` (wrapped names)."""
    j = k + 1
    while j < end:
        text = lines[j].stripped
        if not text or ROLL_RE.match(text) or DERMED_RE.match(text) or ABSENT_RE.match(text):
            break
        if PROPOSER_RE.match(text) or LABEL_RE.match(text) or NUMBER_RE.match(text):
            break
        if lines[j - 1].stripped.endswith(".") and not lines[j - 1].stripped.endswith(("K.", "J.")) and "(" not in text:
            break
        j += 1
    return j

