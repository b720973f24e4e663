"""Decisions: every *innstilling* (proposal) and *vedtak* (decision) in a document.

Anchors are found in ``Document.text`` itself (labels on their own line, optionally
with the text after a colon): ``Innstilling``, ``Innstilling til vedtak``,
``Kommunedirektørens/Rådmannens forslag til vedtak`` (also ``... i AMU:``, Nynorsk
``Rådmannen sitt framlegg til vedtak``), ``Administrasjonens innstilling``,
``Rådmannen tilrår``, ``Tilråding``, ``Vedtak``, ``<Body>s vedtak`` (without a colon only
when a sentence follows). A decision's text runs from the label to the next label, stop
heading (``Saksopplysninger``, ``Behandling``, ``Vedlegg``, ``Kopi sendes``, ...), case
header, vote line, an appeal body's ``Dette vedtaket er endelig``, a postcode or a
signature block (``Britt Elin Steinveg Kommunedirektør`` on one line too), and keeps
numbered and lettered sub-points and number tables. Competing motions (``Forslag fra``,
``Endringsforslag``, ``Forslag fremmet i møtet``) are not labels and never become decisions.

Body, meeting date and case reference come from the case header
(``Kommunestyrets behandling av sak 8/2026 i møte den 25.03.2026:``), a body+date line
(``Formannskapet 18.03.2026``), a case-ref line (``PTN-139/12``) matched against the
Saksgang table, or ``doc.meta.meetings``. Votes come from the decision's own text
(``vedteke med 14 mot 10 røyster``, ``samrøystes``) or the case's vote block: for an
innstilling the vote after it (never background text past ``Saksopplysninger``; as
proposal ``1)`` it lost when ``Dermed ble forslag 2 vedtatt``), for a vedtak the decisive
vote, unless the case voted point by point (several innstillinger), where no count is given.
A decision that only says ``Som rådmannen`` / ``Som innstillingen`` keeps that text and
gets ``resolved_text`` = the decision it refers to.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from saksfinn.extractors.dates import parse_exact_date
from saksfinn.extractors.textspans import Line, in_boilerplate, locate, split_lines, trim_span
from saksfinn.extractors.themes import classify_themes
from saksfinn.extractors.votes import VoteResult, decisive_vote, parse_votes, vote_after_proposal
from saksfinn.models.document import Document, Meeting
from saksfinn.models.findings import Decision

log = logging.getLogger(__name__)

NAME = "decisions"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

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

_CASE_HEADER_RE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][\wæøåÆØÅ .\-]{2,80}?)\s+(?:sin\s+|si\s+)?(?:behandling|handsaming)"
    r"\s+av\s+sak\s+(?P<ref>\d+/\d+)"
    r"(?:\s+i\s+møte\s+(?:den\s+)?(?P<date>\d{1,2}\.\d{1,2}\.\d{4}))?",
    re.IGNORECASE,
)
_AGENDA_ITEM_RE = re.compile(r"^(?:PS|FO|RS|DS|Sak|SAK)\s+\d+/\d+\b")
_BODY_DATE_RE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][\wæøåÆØÅ ,\-]{2,60}?)\s+(?:behandling\s+)?(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4})\s*:?$"
)
_CASE_REF_LINE_RE = re.compile(r"^(?P<ref>[A-ZÆØÅ]{1,6}\s?-\s?\d+/\d+)\s*$")
_STOP_RE = re.compile(
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
_SAME_AS_RE = re.compile(
    r"^som\s+(?P<ref>innstillingen|innstillinga|innstilling|tilrådinga|tilråding|rådmannen|rådmannens"
    r"|kommunedirektøren|kommunedirektørens|administrasjonen|forslaget|framlegget|[\wæøåÆØÅ\-]+(?:et|en|a|ets|ens))\b",
    re.IGNORECASE,
)
_BODY_NAME_RE = re.compile(
    r"^(?:formannskap|kommunestyre|bystyre|fylkesting|hovedutval|hovudutval|utval|styret|ungdomsråd"
    r"|eldreråd|råd for|rådet for|amu\b|[a-zæøå]*(?:utvalg|utval|råd|styre|komite|nemnd)\w*)",
    re.IGNORECASE,
)


def _is_body(name: str) -> bool:
    """Does ``name`` look like a political body (``Formannskapet``, ``Utval for plan ...``)?"""
    return bool(_BODY_NAME_RE.match(name.strip())) and len(name.split()) <= 9


_NO_PROPOSAL_RE = re.compile(r"^\(?\s*saken\s+legges\s+fr[ae]m\s+uten\s+innstilling", re.IGNORECASE)
_ADMIN_WHO = re.compile(r"rådmann|kommunedirektør|administrasjon", re.IGNORECASE)


@dataclass(frozen=True)
class _Label:
    kind: str  # "innstilling" | "vedtak"
    line_index: int  # first line of the label
    next_index: int  # first line after the label
    inline_start: int | None  # offset of text after "label:" on the same line
    who: str | None
    body: str | None = None
    date: dt.date | None = None


def _body_from_genitive(text: str) -> str:
    """``Kommunestyrets`` → ``Kommunestyret``; ``Hovedutvalg helse og omsorgs`` → ``... omsorg``."""
    text = text.strip()
    return text[:-1] if text.endswith("s") and not text.endswith("ss") else text


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


def _find_labels(lines: list[Line]) -> list[_Label]:
    labels: list[_Label] = []
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
        elif kind == "vedtak" and match.group("in_body") and _is_body(match.group("in_body")):
            body = match.group("in_body").strip().capitalize()
        elif kind == "innstilling" and match.group("for_body") and _is_body(match.group("for_body")):
            body = _capitalize_first(match.group("for_body").strip())  # "forslag til vedtak i AMU:"
        labels.append(_Label(kind, i, i + span, inline_start, who, body, date))
        i += span
    return labels


def _is_stop(lines: list[Line], j: int, label_lines: set[int]) -> bool:
    text = lines[j].stripped
    if not text:
        return False
    return bool(
        j in label_lines
        or _STOP_RE.match(text)
        or _is_postcode(lines, j)
        or _FINAL_RE.match(text)
        or _CASE_HEADER_RE.match(text)
        or _AGENDA_ITEM_RE.match(text)
        or _CASE_REF_LINE_RE.match(text)
        or _VOTE_LINE_RE.match(text)
        or (_BODY_DATE_RE.match(text) is not None and _is_body(_BODY_DATE_RE.match(text).group("body")))
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


def _block_end(lines: list[Line], start_index: int, label_lines: set[int]) -> int:
    """Index of the first line after the decision body that starts at ``start_index``."""
    j = start_index
    while j < len(lines) and not _is_stop(lines, j, label_lines):
        j += 1
    return j


def _case_start(lines: list[Line], index: int) -> int:
    for j in range(index, -1, -1):
        text = lines[j].stripped
        if _CASE_HEADER_RE.match(text) or _AGENDA_ITEM_RE.match(text):
            return j
    return 0


def _case_context(lines: list[Line], index: int) -> tuple[str | None, dt.date | None, str | None]:
    """Body, date and case ref from the nearest case header above line ``index``."""
    for j in range(index, -1, -1):
        match = _CASE_HEADER_RE.match(lines[j].stripped)
        if match:
            date = parse_exact_date(match.group("date")) if match.group("date") else None
            return _body_from_genitive(match.group("body")), date, f"sak {match.group('ref')}"
        if _AGENDA_ITEM_RE.match(lines[j].stripped):
            break
    return None, None, None


def _saksgang(lines: list[Line], doc: Document) -> list[Meeting]:
    """Meetings from ``doc.meta.meetings`` or a Saksgang table near the top of the text."""
    if doc.meta.meetings:
        return list(doc.meta.meetings)
    meetings: list[Meeting] = []
    head = lines[:80]
    row_re = re.compile(
        r"^(?P<body>[A-ZÆØÅ][^\d\n]{2,60}?)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})(?:\s+(?P<ref>\d+/\d+))?"
    )
    for idx, line in enumerate(head):
        if not re.match(r"^(?:saksgang|styre/råd/utval|utvalg)\b", line.stripped, re.IGNORECASE):
            continue
        bodies: list[str] = []
        dates: list[dt.date] = []
        for other in head[idx + 1 : idx + 25]:
            text = other.stripped
            row = row_re.match(text)
            if row and parse_exact_date(row.group("date")) and _is_body(row.group("body")):
                meetings.append(
                    Meeting(body=row.group("body").strip(), date=parse_exact_date(row.group("date")), case_ref=row.group("ref"))
                )
            elif parse_exact_date(text):
                dates.append(parse_exact_date(text))  # type: ignore[arg-type]
            elif re.fullmatch(r"(?:Formannskap(?:et)?|Kommunestyre(?:t)?|[A-ZÆØÅ][\wæøå]*(?:utvalg(?:et)?|utval(?:et)?|råd(?:et)?))", text):
                bodies.append(text)
        if not meetings and bodies:
            meetings = [
                Meeting(body=b, date=dates[k] if k < len(dates) else None) for k, b in enumerate(bodies)
            ]
        if meetings:
            break
    return meetings


def _meeting_for_ref(meetings: list[Meeting], ref: str) -> Meeting | None:
    number = re.search(r"\d+/\d+", ref)
    if not number:
        return None
    for meeting in meetings:
        if meeting.case_ref and meeting.case_ref == number.group(0):
            return meeting
    return None


def _context(
    lines: list[Line], label: _Label, meetings: list[Meeting]
) -> tuple[str | None, dt.date | None, str | None]:
    """(body, meeting date, case ref) for a label, from the nearest evidence above it."""
    if label.body or label.date:
        return label.body, label.date, None
    # a case-ref line ("PTN-139/12") or a body+date line ("Formannskapet 18.03.2026") just above
    seen = 0
    for j in range(label.line_index - 1, max(label.line_index - 8, -1), -1):
        text = lines[j].stripped
        if not text:
            continue
        seen += 1
        ref = _CASE_REF_LINE_RE.match(text)
        if ref:
            case_ref = re.sub(r"\s", "", ref.group("ref"))
            meeting = _meeting_for_ref(meetings, case_ref)
            return (meeting.body if meeting else None), (meeting.date if meeting else None), case_ref
        body_date = _BODY_DATE_RE.match(text)
        if body_date and parse_exact_date(body_date.group("date")) and _is_body(body_date.group("body")):
            body, date = body_date.group("body"), parse_exact_date(body_date.group("date"))
            _, _, case_ref = _case_context(lines, label.line_index)
            return body.strip(), date, case_ref
        if seen >= 3 or _is_stop(lines, j, set()) and not re.match(r"^behandling", text, re.I):
            break
    body, date, case_ref = _case_context(lines, label.line_index)
    if body is not None:
        if label.kind == "vedtak":
            return body, date, case_ref
        return None, None, case_ref
    if label.kind == "innstilling" and meetings:
        return meetings[0].body, meetings[0].date, meetings[0].case_ref
    if label.kind == "vedtak" and meetings:
        return meetings[-1].body, meetings[-1].date, meetings[-1].case_ref
    return None, None, None


def _votes_for_vedtak(lines: list[Line], label: _Label, own_text: str, per_point: bool) -> VoteResult:
    """Votes for a vedtak: its own text, else the case's decisive vote. When the case voted
    point by point (several innstillinger), no single vote stands for the whole vedtak."""
    own = parse_votes(own_text)
    if not own.empty:
        return own._replace(adopted=True)
    if per_point:
        return VoteResult(adopted=True)
    case_lines = lines[_case_start(lines, label.line_index) : label.line_index]
    return decisive_vote([line.text for line in case_lines])._replace(adopted=True)


_VOTE_HEADING_RE = re.compile(
    r"^(?:behandling|handsaming|møtebehandling|avstemning|votering|røysting|forslag|protokolltilførsel)\b",
    re.IGNORECASE,
)


def _vote_window(lines: list[Line], end: int, next_label: int) -> list[Line]:
    """Lines after an innstilling that can hold its vote: up to the next label or the next prose
    heading (``Saksopplysninger``, ``Vurdering``, ...), so background text never lends its votes."""
    block = lines[end:next_label]
    for k, line in enumerate(block):
        text = line.stripped
        if text and _STOP_RE.match(text) and not _VOTE_HEADING_RE.match(text):
            return block[:k]
    return block


def _numbered_first(lines: list[Line], label: _Label) -> bool:
    """The innstilling is proposal ``1)`` of a ``1) ... Dette ble satt opp mot: 2) ...`` vote."""
    return any(lines[k].stripped == "1)" for k in range(max(0, label.line_index - 6), label.line_index))


def _votes_for_innstilling(lines: list[Line], label: _Label, own_text: str, end: int, next_label: int) -> VoteResult:
    own = parse_votes(own_text)
    if not own.empty:
        return own
    window = [line.text for line in _vote_window(lines, end, next_label)]
    return vote_after_proposal(window, numbered_first=_numbered_first(lines, label))


def _voted_per_point(lines: list[Line], labels: list[_Label], label: _Label) -> bool:
    """More than one innstilling was put to the vote in this case (``Innstilling: 1. ...``,
    ``Innstilling: 2. ...``) before the vedtak."""
    case_start = _case_start(lines, label.line_index)
    earlier = [
        lab for lab in labels if lab.kind == "innstilling" and case_start <= lab.line_index < label.line_index
    ]
    return len(earlier) > 1


def _resolve(text: str, label: _Label, earlier: list[tuple[_Label, Decision]]) -> str | None:
    match = _SAME_AS_RE.match(text)
    if not match or not earlier or len(text) > 200:
        return None
    ref = match.group("ref").lower()
    candidates = earlier
    if re.match(r"rådmann|kommunedirektør|administrasjon", ref):
        admin = [(lab, dec) for lab, dec in earlier if lab.who and _ADMIN_WHO.search(lab.who)]
        candidates = admin or [(lab, dec) for lab, dec in earlier if lab.kind == "innstilling"] or earlier
    elif re.match(r"innstilling|tilråding", ref):
        candidates = [(lab, dec) for lab, dec in earlier if lab.kind == "innstilling"] or earlier
    _, target = candidates[-1]
    return target.resolved_text or target.text


def extract_decisions(doc: Document, nlp: object | None = None) -> list[Decision]:
    """All innstillinger and vedtak in ``doc``, in text order (see module docstring)."""
    text = doc.text
    lines = split_lines(text)
    labels = _find_labels(lines)
    label_lines = {lab.line_index for lab in labels} | {lab.next_index - 1 for lab in labels}
    meetings = _saksgang(lines, doc)
    out: list[Decision] = []
    made: list[tuple[_Label, Decision]] = []
    for n, label in enumerate(labels):
        end_index = _block_end(lines, label.next_index, label_lines)
        next_label = labels[n + 1].line_index if n + 1 < len(labels) else len(lines)
        if label.inline_start is not None:
            start = label.inline_start
        else:
            body_lines = [ln for ln in lines[label.next_index : end_index] if not ln.blank]
            if not body_lines:
                continue
            start = body_lines[0].start
        end = lines[end_index - 1].end if end_index > label.next_index else lines[label.next_index - 1].end
        start, end = trim_span(text, start, end)
        if end <= start or in_boilerplate(doc, start):
            continue
        own_text = text[start:end]
        if _NO_PROPOSAL_RE.match(own_text) or len(re.findall(r"[^\W\d_]{2,}", own_text)) < 1:
            continue  # "(Saken legges frem uten innstilling)", or only a date / number under the label
        body, date, case_ref = _context(lines, label, meetings)
        if label.kind == "vedtak":
            votes = _votes_for_vedtak(lines, label, own_text, _voted_per_point(lines, labels, label))
        else:
            votes = _votes_for_innstilling(lines, label, own_text, end_index, next_label)
        resolved = _resolve(own_text.strip(), label, made)
        page, section = locate(doc, start)
        theme_text = resolved or own_text
        decision = Decision(
            document_id=doc.document_id,
            page=page,
            section=section,
            start=start,
            end=end,
            text=own_text,
            extractor=EXTRACTOR,
            themes=classify_themes(theme_text),
            kind=label.kind,  # type: ignore[arg-type]
            body=body,
            meeting_date=date,
            case_ref=case_ref,
            adopted=votes.adopted,
            votes_for=votes.votes_for,
            votes_against=votes.votes_against,
            unanimous=votes.unanimous,
            vote_text=votes.vote_text,
            resolved_text=resolved,
        )
        made.append((label, decision))
        out.append(decision)
    log.debug("%s: %d decisions", doc.document_id[:12], len(out))
    return out
