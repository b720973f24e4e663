"""Locating innstillinger and vedtak: which lines are decision labels, and where a decision's
text ends.

A label is found by :func:`find_labels` (``Innstilling:``, ``Rådmannen tilrår``, ``<Body>s vedtak``
with a sentence after it, ``Vedtak i AMU:``; see :mod:`~saksfinn.extractors.decisions` for the
full list); :func:`block_end` runs a decision's text to the next stop line (:func:`is_stop`: a
label, a prose heading, a case header, a vote line, a postcode or a signature). The patterns of
agenda items and body+date lines (and :mod:`~saksfinn.extractors.case_lines`' case headers and
case-ref lines) are shared with :mod:`~saksfinn.extractors.decision_context`, which reads body,
date and case ref from them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from saksfinn.extractors.case_lines import CASE_HEADER_RE, CASE_REF_LINE_RE
from saksfinn.extractors.dates import parse_exact_date
from saksfinn.extractors.textspans import Line

_WHO = r"(?P<who>[A-ZÆØÅa-zæøå][\wæøåÆØÅ\-]*?s|[A-ZÆØÅ][\wæøåÆØÅ\-]*\s+(?:sitt|sin|si))"
"""Whose proposal / decision: ``Rådmannens``, Nynorsk ``Rådmannen sitt``."""
_INNSTILLING_RE = re.compile(
    rf"(?:{_WHO}\s+)?(?:(?:revidert|ny|endelig|endelige|endret)\s+)?"
    r"(?:(?:forslag|framlegg)\s+til\s+(?:vedtak|innstilling|innstilling\s+til\s+vedtak)"
    r"|innstilling(?:\s+til\s+vedtak)?|innstillinga|tilråding|tilrådinga)"
    r"(?:\s+i\s+(?P<for_body>[\wæøåÆØÅ\-]+(?:\s+[\wæøåÆØÅ\-]+){0,4})(?=\s*:))?"
    r"|(?P<who2>rådmannen|kommunedirektøren|administrasjonen|rådmann|kommunedirektør)\s+"
    r"(?:tilrår|rår\s+til|innstiller(?:\s+på)?)",
    re.IGNORECASE,
)
_VEDTAK_RE = re.compile(
    rf"(?:(?:{_WHO}|endelig)\s+)?vedtak(?:\s+i\s+(?P<in_body>[\wæøåÆØÅ \-]{{3,40}}))?"
    r"|(?P<dbody>[A-ZÆØÅ][\wæøåÆØÅ \-]{2,50}?)\s+vedtak\s+(?P<ddate>\d{1,2}\.\d{1,2}\.\d{4})",
    re.IGNORECASE,
)
_LABEL_TAIL_RE = re.compile(r"\s*(?::\s*(?P<inline>.*))?$", re.DOTALL)

_NOT_WHO = {"forslags", "endringsforslags", "tilleggsforslags", "als", "os"}

AGENDA_ITEM_RE = re.compile(r"^(?:PS|FO|RS|DS|Sak|SAK)\s+\d+/\d+\b")
BODY_DATE_RE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][\wæøåÆØÅ ,\-]{2,60}?)\s+(?:behandling\s+)?(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4})\s*:?$"
)
STOP_RE = re.compile(
    r"^(?:saksopplysninger|saksopplysningar|saksutredning|saksutgreiing|saksutgreiding"
    r"|(?:rådmannens|kommunedirektørens|rådmannen si|kommunedirektøren si)\s+vurdering"
    r"|økonomiske konsekvensar|saksomtale|saksframstilling|saksfremstilling|saksframlegg"
    r"|sakens bakgrunn|bakgrunn for saken|bakgrunn|behandling|handsaming|hva saken gjelder|kva saka gjeld"
    r"|saken gjelder|saka gjeld|vedlegg|trykte vedlegg|utrykte vedlegg|andre saksdokumenter"
    r"|dokumenter i saken|sammendrag|samandrag|vurdering|saksvurdering|saksvurderinger|vurderingar"
    r"|konklusjon|vedtakskompetanse|hjemmel|heimel|økonomiske konsekvenser|saksgang|møtebehandling"
    r"|avstemning|votering|røysting|protokolltilførsel|rett utskrift|svar fra ordfører|saksdokumenter"
    r"|forslag fremmet i møtet|forslag i møte|forslag i møtet|habilitetsvurdering|innledning"
    r"|med (?:vennlig |venleg )?hilsen|med helsing|dokumentet er elektronisk"
    r"|kopi til\s*:|kopi\s*:|kopi sendes|mottakere?\s*:"
    r"|side \d+ av \d+|klageadgang|klagerett|orientering om klage)\b(?:\s*:.*|.{0,40})$",
    re.IGNORECASE,
)
_POSTCODE_RE = re.compile(r"^(?!19\d\d|20\d\d)\d{4}$|^\d{4}\s+[A-ZÆØÅ]{3,}$")
_NUMBER_LINE_RE = re.compile(r"^[\d\s.,\-–]+$")
# an appeal body's closing line after its decision: "Dette vedtaket er endelig og kan ikke påklages"
_FINAL_RE = re.compile(
    r"^(?:[\wæøåÆØÅ]+\s+){0,3}vedtak(?:et|a)?\s+er\s+endel[ei]g\b",
    re.IGNORECASE,
)
_VOTE_LINE_RE = re.compile(
    r"^(?:for\s+(?:forslaget|forslag\s+\d|innstillingen|framlegget)\s+(?:stemte|røysta)"
    r"|(?:imot|mot|i mot)\s+(?:forslaget|innstillingen|framlegget)\s+(?:stemte|røysta)"
    r"|dermed\s+(?:ble|blei|vart)\b|dette\s+(?:ble|vart|blei)\s+(?:satt|sett)\s+opp\s+mot"
    r"|mindretalet|mindretallet|\d\)\s*$"
    r"|.{0,80}\bfremmet\s+følgende\b|.{0,80}\bfremja\s+(?:følgjande|slikt)\b)",
    re.IGNORECASE,
)
_TITLE_RE = re.compile(
    r"^(?:fung\.?\s+|konst\.?\s+|ass\.?\s+|assisterende\s+)?[\wæøåÆØÅ/\-]*(?:direktør|rådmann|rådmannen|sjef"
    r"|leder|leiar|ordfører|saksbehandler|sakshandsamar|rådgiver|rådgjevar|konsulent|rektor|styrer)\b",
    re.IGNORECASE,
)
_BODY_NAME_RE = re.compile(
    r"^(?:formannskap|kommunestyre|bystyre|fylkesting|hovedutval|hovudutval|utval|styret|ungdomsråd"
    r"|eldreråd|råd for|rådet for|amu\b|[a-zæøå]*(?:utvalg|utval|råd|styre|komite|nemnd)\w*)",
    re.IGNORECASE,
)


def is_body(name: str) -> bool:
    """Does ``name`` look like a political body (``Formannskapet``, ``Utval for plan ...``)?"""
    return bool(_BODY_NAME_RE.match(name.strip())) and len(name.split()) <= 9


@dataclass(frozen=True)
class Label:
    kind: str  # "innstilling" | "vedtak"
    line_index: int  # first line of the label
    next_index: int  # first line after the label
    inline_start: int | None  # offset of text after "label:" on the same line
    who: str | None
    body: str | None = None
    date: dt.date | None = None


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _match_label(text: str) -> tuple[str, re.Match[str], str | None] | None:
    """Is ``text`` (one stripped line) a decision label? → (kind, match, inline text)."""
    for kind, regex in (("vedtak", _VEDTAK_RE), ("innstilling", _INNSTILLING_RE)):
        match = regex.match(text)
        if not match:
            continue
        tail = _LABEL_TAIL_RE.fullmatch(text, match.end())
        if not tail:
            continue
        who = match.groupdict().get("who")
        if who and who.lower() in _NOT_WHO:
            continue
        if who and who[0].islower() and kind == "vedtak":
            continue  # "politisk vedtak ..." inside running text
        inline = tail.group("inline")
        return kind, match, (inline.strip() or None) if inline is not None else None
    return None


def _is_form_field(lines: list[Line], after: int, kind: str, match: re.Match[str]) -> bool:
    """A ``Bystyrets vedtak`` line without a colon is a form field unless a sentence follows
    (``Statsforvalterens vedtak`` / ``Statsforvalteren stadfester kommunens vedtak ...``)."""
    if kind != "vedtak" or not (match.group("who") or match.group("in_body")):
        return False
    if ":" in lines[after - 1].text:
        return False
    following = next((ln.stripped for ln in lines[after : after + 3] if not ln.blank), "")
    return not (following[:1].isupper() and len(following.split()) >= 6)


def find_labels(lines: list[Line]) -> list[Label]:
    labels: list[Label] = []
    i = 0
    while i < len(lines):
        text = lines[i].stripped
        found = _match_label(text) if 0 < len(text) <= 120 else None
        span = 1
        if found is None and 0 < len(text) <= 40 and i + 1 < len(lines):
            joined = f"{text} {lines[i + 1].stripped}"
            found = _match_label(joined) if len(joined) <= 80 else None
            if found and found[2] is None and not re.search(r"\b(?:tilrår|rår til)\b", joined, re.I):
                found = None  # only split "Rådmannen / tilrår:" labels are joined
            span = 2
        if found is None:
            i += 1
            continue
        kind, match, inline = found
        if _is_form_field(lines, i + span, kind, match):
            i += span  # "Bystyrets vedtak" / "Vedtak i kommunestyre" without a colon: a form field, not a label
            continue
        last = lines[i + span - 1]
        inline_start = None
        if inline is not None:
            inline_start = last.start + last.text.rfind(inline)
        who = match.groupdict().get("who") or match.groupdict().get("who2")
        body = date = None
        if kind == "vedtak" and match.group("dbody"):
            body, date = match.group("dbody").strip(), parse_exact_date(match.group("ddate"))
        elif kind == "vedtak" and match.group("in_body") and is_body(match.group("in_body")):
            body = match.group("in_body").strip().capitalize()
        elif kind == "innstilling" and match.group("for_body") and is_body(match.group("for_body")):
            body = _capitalize_first(match.group("for_body").strip())  # "forslag til vedtak i AMU:"
        labels.append(Label(kind, i, i + span, inline_start, who, body, date))
        i += span
    return labels


def is_stop(lines: list[Line], j: int, label_lines: set[int]) -> bool:
    text = lines[j].stripped
    if not text:
        return False
    return bool(
        j in label_lines
        or STOP_RE.match(text)
        or _is_postcode(lines, j)
        or _FINAL_RE.match(text)
        or CASE_HEADER_RE.match(text)
        or AGENDA_ITEM_RE.match(text)
        or CASE_REF_LINE_RE.match(text)
        or _VOTE_LINE_RE.match(text)
        or (BODY_DATE_RE.match(text) is not None and is_body(BODY_DATE_RE.match(text).group("body")))
        or _is_signature(lines, j)
    )


def _is_postcode(lines: list[Line], j: int) -> bool:
    """``7713 STEINKJER``, or a bare ``7734`` that is not one more number in a table column."""
    if not _POSTCODE_RE.match(lines[j].stripped):
        return False
    previous = next((ln.stripped for ln in reversed(lines[:j]) if not ln.blank), "")
    return " " in lines[j].stripped or not _NUMBER_LINE_RE.match(previous)


def _is_name_and_title(text: str) -> bool:
    """``Britt Elin Steinveg Kommunedirektør`` (PDF text puts name and title on one line)."""
    words = text.split()
    if len(text) >= 90 or text.endswith(".") or len(words) < 3:
        return False
    for k in range(2, min(5, len(words))):
        if not all(re.fullmatch(r"[A-ZÆØÅ][\wæøåÆØÅ\-]+", w) for w in words[:k]):
            return False
        if _TITLE_RE.match(" ".join(words[k:])):
            return True
    return False


def _is_signature(lines: list[Line], j: int) -> bool:
    """Line ``j`` starts a signature paragraph: a short name line followed by a title."""
    text = lines[j].stripped
    if _TITLE_RE.match(text) and len(text) < 60 and not text.endswith("."):
        return j > 0 and lines[j - 1].blank
    if _is_name_and_title(text):
        return True
    if not re.fullmatch(r"[A-ZÆØÅ][\wæøåÆØÅ.\-]+(?: [A-ZÆØÅ][\wæøåÆØÅ.\-]+){1,4}", text):
        return False
    k = j + 1
    return k < len(lines) and bool(_TITLE_RE.match(lines[k].stripped)) and len(lines[k].stripped) < 60


def block_end(lines: list[Line], start_index: int, label_lines: set[int]) -> int:
    """Index of the first line after the decision body that starts at ``start_index``."""
    j = start_index
    while j < len(lines) and not is_stop(lines, j, label_lines):
        j += 1
    return j


def case_start(lines: list[Line], index: int) -> int:
    for j in range(index, -1, -1):
        text = lines[j].stripped
        if CASE_HEADER_RE.match(text) or AGENDA_ITEM_RE.match(text):
            return j
    return 0

