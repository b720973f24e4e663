"""What the vote pages show, computed from the store: a case's voteringer, a person's and a
party's record within one municipality. Counts and facts only.

A case is (municipality, body, case_ref): case numbers are per body, so ``sak 13/2026`` of
Kommunestyret and of Formannskapet are different cases. People are merged within the
municipality only (:func:`saksfinn.models.votes.merge_people`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from saksfinn.index.exports.votes import VoteFilters, vote_rows, winner
from saksfinn.index.storage.store import Store
from saksfinn.models import DocumentMeta
from saksfinn.models.votes import AMENDMENT_KINDS, merge_people, normalise_party

KIND_LABELS = {
    "innstilling": "Innstilling", "endringsforslag": "Endringsforslag", "tilleggsforslag": "Tilleggsforslag",
    "alternativt forslag": "Alternativt forslag", "oversendelsesforslag": "Oversendelsesforslag", "forslag": "Forslag",
}  # fmt: skip


def case_number(case_ref: str | None) -> tuple[int, int] | None:
    """``sak 13/2026`` / ``PS 13/26`` / ``13/26`` → (13, 2026)."""
    match = re.search(r"(\d+)/(\d{2,4})\b", case_ref or "")
    if not match:
        return None
    year = int(match.group(2))
    return int(match.group(1)), year + 2000 if year < 100 else year


def _same_body(a: str | None, b: str | None) -> bool:
    """``Kommunestyret`` ~ ``Kommunestyre`` ~ ``kommunestyret``: the same stem."""
    if not a or not b:
        return False
    stem = lambda s: re.sub(r"(?:et|en|a|t)$", "", s.casefold().strip())  # noqa: E731
    return stem(a) == stem(b)


@dataclass
class CaseView:
    municipality: str
    body: str | None
    case_ref: str
    votes: list[dict[str, Any]]
    amendments_of: dict[str, list[dict[str, Any]]]  # vote_id → the amendments that changed it
    decisions: dict[str, Any]  # decision_id → Decision
    documents: list[dict[str, Any]]  # the protocols the votes were read from
    papers: list[dict[str, Any]] = field(default_factory=list)  # saksframlegg of the same case number
    people: dict[str, str] = field(default_factory=dict)
    nested: set[str] = field(default_factory=set)  # amendments shown under the proposal they changed
    decision_after: dict[str, Any] = field(default_factory=dict)  # vote_id → the vedtak shown after it


def _municipality_rows(store: Store, municipality: str) -> list[dict[str, Any]]:
    return vote_rows(store, VoteFilters(municipality=municipality))


def case_view(store: Store, municipality: str, case_ref: str, body: str | None = None) -> CaseView | None:
    rows = [
        r for r in _municipality_rows(store, municipality)
        if r["case_ref"] == case_ref and (body is None or _same_body(r["body"], body) or r["body"] == body)
    ]  # fmt: skip
    if not rows:
        return None
    rows.sort(key=lambda r: (r["meeting_date"] or "", r["document_id"], r["position"]))
    amendments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ids = {r["vote_id"] for r in rows}
    for r in rows:
        if r["amends_vote_id"] in ids and r["proposal_kind"] in AMENDMENT_KINDS:
            amendments[r["amends_vote_id"]].append(r)
    nested = {a["vote_id"] for group in amendments.values() for a in group}
    decisions: dict[str, Any] = {}
    documents: dict[str, dict[str, Any]] = {}
    for r in rows:
        documents.setdefault(r["document_id"], {"document_id": r["document_id"], "title": r["title"]})
        if r["decision_id"] and r["decision_id"] not in decisions:
            for finding in store.findings(type="decision", document_id=r["document_id"]):
                if finding.finding_id == r["decision_id"]:
                    decisions[finding.finding_id] = finding
    everyone = {v["name"] for r in _municipality_rows(store, municipality) for v in r["voters"]}
    decision_after: dict[str, Any] = {}
    for decision_id, decision in decisions.items():
        linked = [r for r in rows if r["decision_id"] == decision_id]
        top = [r for r in linked if r["vote_id"] not in nested] or linked
        # under the votering that produced it, not a later oversendelsesforslag or a proposal that fell
        produced = [r for r in top if r["proposal_kind"] != "oversendelsesforslag"
                    and (r["alternatives"] or r["result"] == "vedtatt")]  # fmt: skip
        decision_after[(produced or top)[-1]["vote_id"]] = decision
    return CaseView(
        municipality=rows[0]["municipality"], body=rows[0]["body"], case_ref=case_ref, votes=rows,
        amendments_of=dict(amendments), decisions=decisions, documents=list(documents.values()),
        papers=case_papers(store, rows[0]["municipality"], case_ref, rows[0]["body"], set(documents)),
        people=merge_people(everyone), nested=nested, decision_after=decision_after,
    )  # fmt: skip


def case_papers(store: Store, municipality: str, case_ref: str, body: str | None, exclude: set[str]) -> list[dict[str, Any]]:
    """Live documents of the municipality whose Saksgang lists this case number for this body
    (the saksframlegg, and the path through formannskap and kommunestyre it lists)."""
    wanted = case_number(case_ref)
    if wanted is None:
        return []
    out = []
    for row in store.documents(municipality=municipality):
        if row["document_id"] in exclude:
            continue
        meta = DocumentMeta.model_validate(row.get("meta") or {})
        hits = [m for m in meta.meetings if case_number(m.case_ref) == wanted and (body is None or _same_body(m.body, body))]
        if hits or (row.get("case_number") and case_number(row["case_number"]) == wanted and row.get("doc_type") == "saksfremlegg"):
            out.append({"document_id": row["document_id"], "title": row.get("title"), "doc_type": row.get("doc_type"),
                        "meetings": list(meta.meetings)})
    return out


@dataclass
class RecordView:
    """A person's or a party's record in one municipality."""

    municipality: str
    name: str
    cast: int = 0  # person-votes cast
    by_vote: Counter = field(default_factory=Counter)  # "for" / "mot" / "alternativ" → n
    winning: int = 0  # person-votes on the winning side
    decided: int = 0  # person-votes whose outcome is known
    votes: list[dict[str, Any]] = field(default_factory=list)  # voteringer with this person/party's line
    proposals: list[dict[str, Any]] = field(default_factory=list)
    parties: Counter = field(default_factory=Counter)  # a person's parties / a party's members → n votes


def _tally(view: RecordView, row: dict[str, Any], own: list[dict[str, Any]]) -> None:
    won = winner(row)
    line = Counter("alternativ " + v["vote"] if row["alternatives"] else v["vote"] for v in own)
    view.votes.append({**row, "line": dict(line), "won": None if won is None else sum(v["vote"] == won for v in own)})
    for v in own:
        view.cast += 1
        view.by_vote["alternativ" if row["alternatives"] else v["vote"]] += 1
        if won is not None:
            view.decided += 1
            view.winning += v["vote"] == won


def person_view(store: Store, municipality: str, name: str) -> RecordView | None:
    rows = _municipality_rows(store, municipality)
    people = merge_people({v["name"] for r in rows for v in r["voters"]} | {r["proposer"] for r in rows if r["proposer"]})
    wanted = " ".join(name.split()).casefold()
    person = next((p for n, p in people.items() if n.casefold() == wanted), None)
    if person is None:
        return None
    view = RecordView(municipality=rows[0]["municipality"], name=person)
    for row in rows:
        own = [v for v in row["voters"] if people.get(v["name"], v["name"]) == person]
        if own:
            _tally(view, row, own)
            view.parties.update(v["party"] or "ukjent" for v in own)
        if row["proposer"] and people.get(row["proposer"], row["proposer"]) == person:
            view.proposals.append(row)
    return view


def party_view(store: Store, municipality: str, party: str) -> RecordView | None:
    rows = _municipality_rows(store, municipality)
    wanted = normalise_party(party)
    if not rows or wanted is None:
        return None
    people = merge_people({v["name"] for r in rows for v in r["voters"]})
    view = RecordView(municipality=rows[0]["municipality"], name=wanted)
    for row in rows:
        own = [v for v in row["voters"] if v["party"] == wanted]
        if own:
            _tally(view, row, own)
            view.parties.update(people.get(v["name"], v["name"]) for v in own)
        if row["party"] == wanted:
            view.proposals.append(row)
    if not view.votes and not view.proposals:
        return None
    return view


def vote_list(store: Store, filters: VoteFilters) -> list[dict[str, Any]]:
    return vote_rows(store, filters)
