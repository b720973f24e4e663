"""Reading one case of a protocol into vote records: the state machine behind
:func:`~saksfinn.extractors.voterings.extract_votes`.

A :class:`CaseReader` walks a case's classified lines in order: proposals collect their
text until a vote; a roll-call closes at its ``Dermed ble … (ikke) vedtatt`` line; an inline
vote (``Enstemmig vedtatt``, ``vedteke med 14 mot 10 røyster``) makes a record at once.
Line patterns come from :mod:`~saksfinn.extractors.vote_layout`, names and parties from
:mod:`~saksfinn.extractors.vote_people`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from saksfinn.extractors.textspans import Line, locate
from saksfinn.extractors.vote_layout import (
    ABSENT_RE,
    ADOPTED_WORD_RE,
    CASTING_RE,
    COUNT_INLINE_RE,
    DERMED_RE,
    LABEL_RE,
    MINORITY_RE,
    NOT_A_VOTE_RE,
    NOT_ADOPTED_RE,
    NUMBER_RE,
    PROPOSER_RE,
    ROLL_RE,
    SATT_OPP_RE,
    UNANIMOUS_RE,
    VEDTAK_LABEL_RE,
    Case,
    continuation,
    join_lines,
    kind_of,
)
from saksfinn.extractors.vote_links import amended_point
from saksfinn.extractors.vote_people import minority_proposer, parse_names, voters
from saksfinn.models.document import Document
from saksfinn.models.votes import AMENDMENT_KINDS, Alternative, Vote, normalise_party

log = logging.getLogger(__name__)

NAME = "voterings"
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"


@dataclass
class _Proposal:
    kind: str
    proposer: str | None = None
    party: str | None = None
    number: str | None = None
    label: str | None = None  # the label text (``formannskapets innstilling med vedtatte endringer``)
    lines: list[Line] = field(default_factory=list)

    def text(self) -> str | None:
        body = join_lines([line.text for line in self.lines])
        return body or self.label


@dataclass
class _Side:
    side: str  # "for" | "mot" | alternative label
    count: int
    named: bool  # the count was followed by ``:`` and a list of names
    voters: list[tuple[str, str | None]]


@dataclass
class _OpenVote:
    first: Line
    sides: list[_Side] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)



class CaseReader:
    """Reads the votes of one case, line by line (see module docstring)."""

    def __init__(self, doc: Document, lines: list[Line], case: Case) -> None:
        self.doc, self.lines, self.case = doc, lines, case
        self.pending: list[_Proposal] = []
        self.collecting: _Proposal | None = None
        self.number: str | None = None
        self.open: _OpenVote | None = None
        self.votes: list[Vote] = []
        self.after_vedtak = False

    def read(self) -> list[Vote]:
        k = self.case.start + 1
        while k < self.case.end:
            k = self._step(k)
        return self.votes

    # -- one line ---------------------------------------------------------------------------
    def _step(self, k: int) -> int:  # noqa: C901 — a flat dispatch over line kinds
        line = self.lines[k]
        text = line.stripped
        if not text:
            if self.collecting is not None:
                self.collecting.lines.append(line)
            return k + 1
        roll = ROLL_RE.match(text)
        if roll:
            return self._roll(k, roll)
        absent = ABSENT_RE.match(text)
        if absent and self.open is not None:
            end = continuation(self.lines, k, self.case.end)
            rest = join_lines([absent.group("rest")] + [ln.text for ln in self.lines[k + 1 : end]])
            self.open.absent.extend(name for name, _ in parse_names(rest))
            self.open.lines.extend(self.lines[k:end])
            return end
        dermed = DERMED_RE.match(text)
        if dermed:
            if self.open is not None:
                self._close(line, dermed.group("what"))
            return k + 1
        if NUMBER_RE.match(text):
            self.number = NUMBER_RE.match(text).group("n")  # type: ignore[union-attr]
            self.collecting = None
            return k + 1
        if SATT_OPP_RE.match(text):
            self.collecting = None
            return k + 1
        proposer = PROPOSER_RE.match(text)
        if proposer and not ADOPTED_WORD_RE.search(text):
            party = proposer.group("party")
            self._start(kind_of(proposer.group("kind")), proposer.group("who").strip(), party, None)
            return k + 1
        label = LABEL_RE.match(text)
        if label:
            if label.group("avstemning"):
                self._start("innstilling" if re.search(r"innstilling|tilråding", text, re.I) else "forslag",
                            None, None, label.group("what").strip())
            elif label.group("meeting"):
                self._start("forslag", None, None, None)
            else:
                self._start("innstilling", None, None, None)
            return k + 1
        if self.open is None and self._inline(k, text):
            return k + 1
        vedtak = VEDTAK_LABEL_RE.match(text)
        if vedtak and len(text) < 40 and not vedtak.group("inline"):
            self.collecting = None
            self.after_vedtak = True
            return k + 1
        if self.collecting is not None and self.open is None:
            if not (re.match(r"^[A-ZÆØÅ][\wæøå ]+\s+\d{1,2}\.\d{1,2}\.\d{2,4}$", text) and not self.collecting.lines):
                if text.upper().startswith("OVERSENDELSESFORSLAG"):
                    self.collecting.kind = "oversendelsesforslag"
                else:
                    self.collecting.lines.append(line)
        return k + 1

    def _start(self, kind: str, who: str | None, party: str | None, label: str | None) -> None:
        proposal = _Proposal(kind=kind, proposer=who, party=normalise_party(party), number=self.number, label=label)
        self.number = None
        self.pending.append(proposal)
        self.collecting = proposal
        self.after_vedtak = False

    # -- roll-call --------------------------------------------------------------------------
    def _roll(self, k: int, roll: re.Match[str]) -> int:
        if self.open is None:
            self.open = _OpenVote(first=self.lines[k])
        self.collecting = None
        end = continuation(self.lines, k, self.case.end)
        rest = join_lines([roll.group("rest")] + [ln.text for ln in self.lines[k + 1 : end]])
        alt = roll.group("alt") or roll.group("alt2")
        side = alt if alt else ("for" if roll.group("side").lower() == "for" else "mot")
        named = roll.group("colon") == ":" and bool(rest.strip())
        self.open.sides.append(_Side(side, int(roll.group("count")), named, parse_names(rest) if named else []))
        self.open.lines.extend(self.lines[k:end])
        return end

    def _close(self, dermed_line: Line, what: str) -> None:
        vote = self.open
        assert vote is not None
        self.open = None
        lines = [*vote.lines, dermed_line]
        sides = {s.side: s for s in vote.sides}
        alternatives = [s for s in vote.sides if s.side not in ("for", "mot")]
        adopted = not NOT_ADOPTED_RE.search(what) and bool(ADOPTED_WORD_RE.search(what))
        warnings = [
            f"{_side_label(s.side)}: {s.count} oppgitt, {len(s.voters)} navn"
            for s in vote.sides
            if s.named and len(s.voters) != s.count
        ]
        proposal = self._take(what, numbered=bool(alternatives))
        fields: dict[str, object]
        if alternatives:
            winner = re.search(r"\b(?:forslag|framlegg)\s+(\d{1,2})\b", what, re.IGNORECASE)
            adopted_label = winner.group(1) if winner and adopted else None
            by_number = {p.number: p for p in self.pending if p.number}
            alts = tuple(
                Alternative(
                    label=s.side,
                    count=s.count,
                    voters=voters(s.voters, s.side),
                    proposal_kind=by_number[s.side].kind if s.side in by_number else None,
                    proposer=by_number[s.side].proposer if s.side in by_number else None,
                    party=by_number[s.side].party if s.side in by_number else None,
                    text=by_number[s.side].text() if s.side in by_number else None,
                )
                for s in alternatives
            )
            first = next((s for s in alternatives if s.side == "1"), alternatives[0])
            fields = dict(
                votes_for=first.count,
                votes_against=sum(s.count for s in alternatives if s is not first),
                alternatives=alts,
                adopted_alternative=adopted_label,
                result=None if adopted_label is None else ("vedtatt" if adopted_label == first.side else "falt"),
                voters=tuple(v for a in alts for v in a.voters),
                unanimous=False,
            )
        else:
            for_side, against_side = sides.get("for"), sides.get("mot")
            votes_for = for_side.count if for_side else 0
            votes_against = against_side.count if against_side else 0
            roll_voters = voters(for_side.voters if for_side else [], "for")
            roll_voters += voters(against_side.voters if against_side else [], "mot")
            result = "vedtatt" if adopted else "falt"
            if adopted and votes_for < votes_against and not CASTING_RE.search(what):
                warnings.append(f"vedtatt med færre stemmer for ({votes_for}) enn mot ({votes_against})")
            if not adopted and votes_for > votes_against:
                warnings.append(f"falt med flere stemmer for ({votes_for}) enn mot ({votes_against})")
            fields = dict(
                votes_for=votes_for,
                votes_against=votes_against,
                voters=roll_voters,
                result=result,
                unanimous=votes_for == 0 or votes_against == 0,
            )
        if proposal is None:
            proposal = _Proposal(kind=kind_of(what, default="forslag" if re.search(r"forslag", what, re.I) else "innstilling"))
        self._emit(lines, proposal, absent=tuple(vote.absent), casting_vote=bool(CASTING_RE.search(what)),
                   warning="; ".join(warnings) or None, **fields)
        self.pending = []

    def _take(self, what: str, *, numbered: bool) -> _Proposal | None:
        """The pending proposal a vote is about: numbered ``1)`` in a vote between proposals, else
        the latest one of the kind the outcome names, else the latest."""
        if not self.pending:
            return None
        if numbered:
            return next((p for p in self.pending if p.number == "1"), self.pending[0])
        named = kind_of(what, default="")
        if named:
            same = [p for p in self.pending if p.kind == named]
            if same:
                return same[-1]
        return self.pending[-1]

    # -- inline votes -----------------------------------------------------------------------
    def _inline(self, k: int, text: str) -> bool:
        if NOT_A_VOTE_RE.search(text):
            return False
        count = COUNT_INLINE_RE.search(text)
        unanimous = UNANIMOUS_RE.search(text)
        if not count and not (
            unanimous and (ADOPTED_WORD_RE.search(text) or re.search(r"samrøystes\W*$|enstemmig\W*$", text, re.I))
        ):
            return False
        if re.search(r"\bsaka?\s+(?:ble|vart)\s+(?:vedtatt|vedteke)\s+utsatt", text, re.I):
            return False
        lines = [self.lines[k]]
        words = text[: (count or unanimous).start()]  # type: ignore[union-attr]
        proposal = self._take_inline(words)
        if text.rstrip().endswith(":") and re.search(r"forslag|framlegg", words, re.I):
            # "Følgende omforente tilleggsforslag ble enstemmig vedtatt:" — the proposal follows
            proposal = _Proposal(kind=kind_of(words))
            j = k + 1
            while j < self.case.end and not self.lines[j].blank and not VEDTAK_LABEL_RE.match(self.lines[j].stripped):
                proposal.lines.append(self.lines[j])
                j += 1
        if proposal is None:
            proposal = _Proposal(kind=kind_of(words, default="innstilling"))
            if self.after_vedtak or not re.search(r"forslag|framlegg|innstilling|tilråding", words, re.I):
                own = re.sub(r"\s*[-–]\s*$", "", words).strip()
                if own:
                    proposal.label = own
        adopted = not NOT_ADOPTED_RE.search(text)
        fields: dict[str, object]
        if count:
            votes_for, votes_against = int(count.group("for")), int(count.group("against"))
            alternatives: tuple[Alternative, ...] = ()
            minority = self._minority(k)
            if minority is not None:
                m_count, m_text, m_lines = minority
                lines += m_lines
                proposer, party, m_proposal = minority_proposer(m_text)
                alternatives = (
                    Alternative(label="1", count=votes_for, proposal_kind=proposal.kind, text=proposal.text()),
                    Alternative(
                        label="2",
                        count=m_count,
                        proposal_kind="forslag",
                        proposer=proposer,
                        party=party,
                        text=m_proposal,
                    ),
                )
                warning = None if m_count == votes_against else f"mindretallet {m_count}, mot {votes_against}"
            else:
                warning = None
            fields = dict(
                votes_for=votes_for,
                votes_against=votes_against,
                unanimous=False,
                alternatives=alternatives,
                adopted_alternative="1" if alternatives else None,
                warning=warning,
            )
        else:
            fields = dict(votes_for=None, votes_against=0, unanimous=True)
        self._emit(lines, proposal, result="vedtatt" if adopted else "falt", **fields)
        self.pending = [p for p in self.pending if p is not proposal]
        self.collecting = None
        return True

    def _take_inline(self, words: str) -> _Proposal | None:
        if not self.pending:
            return None
        named = kind_of(words, default="")
        if named:
            same = [p for p in self.pending if p.kind == named]
            return same[-1] if same else None
        if not words.strip(" .-–:"):  # "Avstemning: Enstemmig vedtatt." — the proposal before it
            return self.pending[-1]
        return self.pending[-1] if re.search(r"forslag|framlegg", words, re.I) else None

    def _minority(self, k: int) -> tuple[int, str, list[Line]] | None:
        for j in range(k + 1, min(k + 4, self.case.end)):
            match = MINORITY_RE.match(self.lines[j].stripped)
            if match:
                end = j + 1
                while end < self.case.end and not self.lines[end].blank and not VEDTAK_LABEL_RE.match(self.lines[end].stripped):
                    if self.lines[end - 1].stripped.endswith("."):
                        break
                    end += 1
                rest = join_lines([match.group("rest")] + [ln.text for ln in self.lines[j + 1 : end]])
                return int(match.group("count")), rest.rstrip("."), self.lines[j:end]
        return None

    # -- records ----------------------------------------------------------------------------
    def _emit(self, lines: list[Line], proposal: _Proposal, **fields: object) -> None:
        start, end = lines[0].start, lines[-1].end
        page, section = locate(self.doc, start)
        text = proposal.text()
        self.votes.append(
            Vote(
                document_id=self.doc.document_id,
                page=page,
                section=section,
                start=start,
                end=end,
                extractor=EXTRACTOR,
                case_ref=self.case.case_ref,
                body=self.case.body,
                meeting_date=self.case.date,
                position=len(self.votes),
                proposal_kind=proposal.kind,  # type: ignore[arg-type]
                proposal_text=text,
                proposer=proposal.proposer,
                party=proposal.party,
                amends=amended_point(text) if proposal.kind in AMENDMENT_KINDS else None,
                text=join_lines([ln.text for ln in lines]),
                **fields,  # type: ignore[arg-type]
            )
        )


def _side_label(side: str) -> str:
    return {"for": "for", "mot": "mot"}.get(side, f"forslag {side}")
