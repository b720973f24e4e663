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

Labels and text bounds are found in :mod:`~saksfinn.extractors.decision_labels`, body, date and
case ref in :mod:`~saksfinn.extractors.decision_context`; this module reads each decision's text,
its votes and what a ``Som rådmannen`` refers to, and makes the records.
"""

from __future__ import annotations

import logging
import re

from saksfinn.extractors.decision_context import decision_context, saksgang_meetings
from saksfinn.extractors.decision_labels import STOP_RE, Label, block_end, case_start, find_labels
from saksfinn.extractors.textspans import Line, in_boilerplate, locate, split_lines, trim_span
from saksfinn.extractors.themes import classify_themes
from saksfinn.extractors.votes import VoteResult, decisive_vote, parse_votes, vote_after_proposal
from saksfinn.models.document import Document
from saksfinn.models.findings import Decision

log = logging.getLogger(__name__)

NAME = "decisions"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

_SAME_AS_RE = re.compile(
    r"^som\s+(?P<ref>innstillingen|innstillinga|innstilling|tilrådinga|tilråding|rådmannen|rådmannens"
    r"|kommunedirektøren|kommunedirektørens|administrasjonen|forslaget|framlegget|[\wæøåÆØÅ\-]+(?:et|en|a|ets|ens))\b",
    re.IGNORECASE,
)
_NO_PROPOSAL_RE = re.compile(r"^\(?\s*saken\s+legges\s+fr[ae]m\s+uten\s+innstilling", re.IGNORECASE)
_ADMIN_WHO = re.compile(r"rådmann|kommunedirektør|administrasjon", re.IGNORECASE)


def _votes_for_vedtak(lines: list[Line], label: Label, own_text: str, per_point: bool) -> VoteResult:
    """Votes for a vedtak: its own text, else the case's decisive vote. When the case voted
    point by point (several innstillinger), no single vote stands for the whole vedtak."""
    own = parse_votes(own_text)
    if not own.empty:
        return own._replace(adopted=True)
    if per_point:
        return VoteResult(adopted=True)
    case_lines = lines[case_start(lines, label.line_index) : label.line_index]
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
        if text and STOP_RE.match(text) and not _VOTE_HEADING_RE.match(text):
            return block[:k]
    return block


def _numbered_first(lines: list[Line], label: Label) -> bool:
    """The innstilling is proposal ``1)`` of a ``1) ... Dette ble satt opp mot: 2) ...`` vote."""
    return any(lines[k].stripped == "1)" for k in range(max(0, label.line_index - 6), label.line_index))


def _votes_for_innstilling(lines: list[Line], label: Label, own_text: str, end: int, next_label: int) -> VoteResult:
    own = parse_votes(own_text)
    if not own.empty:
        return own
    window = [line.text for line in _vote_window(lines, end, next_label)]
    return vote_after_proposal(window, numbered_first=_numbered_first(lines, label))


def _voted_per_point(lines: list[Line], labels: list[Label], label: Label) -> bool:
    """More than one innstilling was put to the vote in this case (``Innstilling: 1. ...``,
    ``Innstilling: 2. ...``) before the vedtak."""
    first = case_start(lines, label.line_index)
    earlier = [
        lab for lab in labels if lab.kind == "innstilling" and first <= lab.line_index < label.line_index
    ]
    return len(earlier) > 1


def _resolve(text: str, label: Label, earlier: list[tuple[Label, Decision]]) -> str | None:
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
    labels = find_labels(lines)
    label_lines = {lab.line_index for lab in labels} | {lab.next_index - 1 for lab in labels}
    meetings = saksgang_meetings(lines, doc)
    out: list[Decision] = []
    made: list[tuple[Label, Decision]] = []
    for n, label in enumerate(labels):
        end_index = block_end(lines, label.next_index, label_lines)
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
        body, date, case_ref = decision_context(lines, label, meetings)
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

