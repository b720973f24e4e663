"""What a votering is linked to: the point an amendment changes, the vote on the proposal it
amends, and the vedtak the vote produced (``amends``, ``amends_vote_id``, ``decision_id`` of
:class:`~saksfinn.models.votes.Vote`). Runs on the records :mod:`~saksfinn.extractors.voterings`
made; pure.
"""

from __future__ import annotations

import re

from saksfinn.extractors.textspans import split_lines
from saksfinn.extractors.vote_layout import cases
from saksfinn.models.document import Document
from saksfinn.models.votes import AMENDMENT_KINDS, Vote

_AMENDS_RE = re.compile(
    r"^(?:(?:endringsforslag|tilleggsforslag|alternativt?\s+forslag|konkret\s+endringsforslag)\s*(?:til|i)?\s*)?"
    r"(?P<ref>(?:pkt\.?|punkt|kulepunkt|kapittel|kap\.)\s*[\w.]+(?:\s*\w\))?(?:,\s*(?:kulepunkt|punkt|pkt\.?)\s*\d+)?"
    r"|NOK\s*\d+(?:\s*pkt\.?\s*\d+)?)",
    re.IGNORECASE,
)


def amended_point(text: str | None) -> str | None:
    """The point an amendment changes when its text opens with one (``Pkt 1 b):``, ``Til pkt 3:``,
    ``Endringsforslag kapittel 1, kulepunkt 1``, ``Konkret endringsforslag i NOK 1``, ``pkt. 7 - …``)."""
    if not text:
        return None
    head = re.sub(r"^på vegne av .*?(?=\d{1,2}\.\s|pkt\b|punkt\b|$)", "", text.strip(), flags=re.IGNORECASE)
    head = re.sub(r"^til\s+", "", head.strip(" :"), flags=re.IGNORECASE)
    head = re.sub(r"^(?:tilleggsforslag|endringsforslag)\s+til\s+", "", head, flags=re.IGNORECASE)
    match = _AMENDS_RE.match(head)
    if match:
        return match.group("ref").strip(" :.-")
    numbered = re.match(r"^(\d{1,2})\.\s", head)
    return f"pkt {numbered.group(1)}" if numbered else None



def link_amendments(votes: list[Vote]) -> list[Vote]:
    """Each amendment points at the votering on the proposal it changed: in the same case, the
    innstilling vote whose text opens with the same point, else the case's last innstilling vote."""
    out: list[Vote] = []
    for vote in votes:
        if vote.proposal_kind not in AMENDMENT_KINDS:
            out.append(vote)
            continue
        targets = [v for v in votes if v.case_ref == vote.case_ref and v.proposal_kind in ("innstilling", "forslag")
                   and v.vote_id != vote.vote_id]
        point = re.search(r"\d+", vote.amends or "")
        same_point = [
            v for v in targets if point and v.proposal_text and re.match(rf"^\s*{point.group(0)}\s*\.", v.proposal_text)
        ]
        target = (same_point or targets[-1:] or [None])[-1]
        out.append(vote.model_copy(update={"amends_vote_id": target.vote_id}) if target else vote)
    return out



def link_decisions(doc: Document, votes: list[Vote], findings: list[object]) -> list[Vote]:
    """Each votering with the ``decision_id`` of the vedtak it produced: in the same case, the
    decision whose text holds the vote (``Vedtak: Som PTN-utvalet - vedteke med 14 mot 10``), else
    the first vedtak after it. Votes of a case without a vedtak stay unlinked."""
    decisions = [f for f in findings if getattr(f, "type", None) == "decision"]
    if not votes or not decisions:
        return votes
    lines = split_lines(doc.text)
    bounds = [
        (lines[c.start].start, lines[c.end - 1].end if c.end > c.start else lines[c.start].end) for c in cases(lines)
    ]
    out: list[Vote] = []
    for vote in votes:
        case = next(((s, e) for s, e in bounds if s <= vote.start <= e), None)
        if case is None:
            out.append(vote)
            continue
        holding = [d for d in decisions if d.start <= vote.start < d.end]  # type: ignore[attr-defined]
        after = [
            d for d in decisions
            if d.kind == "vedtak" and vote.end <= d.start <= case[1]  # type: ignore[attr-defined]
        ]  # fmt: skip
        target = holding[0] if holding else (min(after, key=lambda d: d.start) if after else None)  # type: ignore[attr-defined]
        out.append(vote.model_copy(update={"decision_id": target.finding_id}) if target else vote)  # type: ignore[attr-defined]
    return out

