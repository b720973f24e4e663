"""Votes: one :class:`Vote` record per *votering* read from a protocol.

A votering is one question put to a body: an innstilling, an endringsforslag, a
tilleggsforslag, an alternativt forslag, an oversendelsesforslag — or a choice between
numbered proposals (``For forslag 1 stemte …``, ``For forslag 2 stemte …``), recorded as
``alternatives``.

Counts: ``votes_for`` / ``votes_against`` are the numbers the protocol states; a side that
a roll-call leaves out (``For forslaget stemte 35: …`` with no ``Imot`` line) counts 0;
``None`` only when the text gives no count at all (``Enstemmig vedtatt``). In a vote
between alternatives ``votes_for`` is the count for alternative ``1`` (the record's own
proposal) and ``votes_against`` the sum of the others; ``adopted_alternative`` names the
winner. Names that do not add up to the count are kept as written, with a ``warning``.

``party`` is normalised (:func:`normalise_party`); ``voters`` keep names as written.
``vote_id`` is a hash of (document, span, extractor), so a re-run gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field

from saksfinn.models.document import Record
from saksfinn.models.ids import content_id

ProposalKind = Literal[
    "innstilling", "endringsforslag", "tilleggsforslag", "alternativt forslag", "oversendelsesforslag", "forslag"
]
PROPOSAL_KINDS: tuple[str, ...] = (
    "innstilling", "endringsforslag", "tilleggsforslag", "alternativt forslag", "oversendelsesforslag", "forslag"
)  # fmt: skip
AMENDMENT_KINDS = frozenset({"endringsforslag", "tilleggsforslag", "alternativt forslag"})
"""Kinds that change another proposal (``amends``)."""


class Voter(Record):
    """One person's vote: ``vote`` is ``for``, ``mot`` or the label of an alternative (``"2"``)."""

    name: str
    party: str | None = None
    vote: str


class Alternative(Record):
    """One proposal of a vote between proposals: label as numbered (``"1"``), its count and voters."""

    label: str
    count: int | None = None
    voters: tuple[Voter, ...] = ()
    proposal_kind: str | None = None
    proposer: str | None = None
    party: str | None = None
    text: str | None = None


class Vote(Record):
    type: Literal["vote"] = "vote"
    vote_id: str = ""
    document_id: str
    page: int = Field(ge=1)
    section: str | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    extractor: str
    case_ref: str | None = None  # "sak 33/2026" (from the case header) or as written ("PTN-139/12")
    body: str | None = None
    meeting_date: dt.date | None = None
    position: int = Field(default=0, ge=0, description="order of this votering within its case")
    proposal_kind: ProposalKind
    proposal_text: str | None = None
    proposer: str | None = None
    party: str | None = None
    amends: str | None = None  # the point an amendment changes, as written ("pkt 3", "kapittel 1, kulepunkt 1")
    amends_vote_id: str | None = None  # the votering on the proposal this one amends
    decision_id: str | None = None  # the vedtak this votering produced
    votes_for: int | None = None
    votes_against: int | None = None
    unanimous: bool = False
    voters: tuple[Voter, ...] = ()
    absent: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    adopted_alternative: str | None = None
    result: Literal["vedtatt", "falt"] | None = None
    casting_vote: bool = False
    text: str  # the vote lines as written (squashed)
    warning: str | None = None

    def model_post_init(self, __context: object) -> None:
        if not self.vote_id:
            vid = content_id(self.type, self.document_id, str(self.start), str(self.end), self.extractor)
            object.__setattr__(self, "vote_id", vid)

    def winning_side(self) -> str | None:
        """The ``vote`` value that won: ``for`` / ``mot``, or the adopted alternative's label."""
        if self.alternatives:
            return self.adopted_alternative
        if self.result is None:
            return None
        return "for" if self.result == "vedtatt" else "mot"


_PARTIES: dict[str, str] = {
    "ap": "AP", "arbeiderpartiet": "AP", "a": "AP", "dna": "AP",
    "frp": "FRP", "fremskrittspartiet": "FRP",
    "h": "H", "høyre": "H",
    "sp": "SP", "senterpartiet": "SP",
    "sv": "SV", "sosialistisk venstreparti": "SV",
    "r": "R", "rødt": "R", "raudt": "R",
    "v": "V", "venstre": "V",
    "krf": "KRF", "kristelig folkeparti": "KRF",
    "mdg": "MDG", "miljøpartiet de grønne": "MDG", "miljøpartiet dei grøne": "MDG",
    "inp": "INP", "industri- og næringspartiet": "INP", "industri og næringspartiet": "INP",
    "pp": "PP", "pensj": "PP", "pensjonistpartiet": "PP",
    "uavh": "UAVH", "uavh.": "UAVH", "uavhengig": "UAVH", "uavhengige": "UAVH", "uavhengig representant": "UAVH",
}  # fmt: skip


def normalise_party(party: str | None) -> str | None:
    """``Ap`` / ``Arbeiderpartiet`` → ``AP``, ``PENSJ`` → ``PP``, ``Uavhengig`` → ``UAVH``; a local
    list is kept as written (whitespace squashed); empty → ``None``."""
    if party is None:
        return None
    written = re.sub(r"\s+", " ", party).strip(" .,")
    if not written:
        return None
    return _PARTIES.get(written.lower(), _PARTIES.get(written.lower().rstrip("."), written))


def _tokens(name: str) -> list[str]:
    return [tok for tok in re.split(r"\s+", name.replace(".", ". ").strip()) if tok]


def _covers(short: list[str], long: list[str]) -> bool:
    """``short`` is ``long`` without some middle names (an initial ``K.`` matches ``Kathrine``):
    same first and last name, the rest in order."""
    if len(short) > len(long) or len(short) < 2 or [t.lower() for t in short] == [t.lower() for t in long]:
        return False
    if len(short) == len(long) and not any(t.endswith(".") for t in short):
        return False
    if short[0].lower() != long[0].lower() or short[-1].lower() != long[-1].lower():
        return False
    rest = iter(long[1:-1])
    for tok in short[1:-1]:
        initial = tok.endswith(".") and len(tok) <= 3
        if not any((t.lower().startswith(tok[0].lower()) if initial else t.lower() == tok.lower()) for t in rest):
            return False
    return True


def merge_people(names: list[str] | set[str]) -> dict[str, str]:
    """Names of ONE municipality → the name each person is known by. Conservative: a name is
    merged into a longer one only when that longer form is the only one it could be
    (``Per Aunan`` → ``Per Espen Aunan`` unless there is also a ``Per Ove Aunan``); everything else
    maps to itself. Never call this across municipalities."""
    distinct = sorted({re.sub(r"\s+", " ", n).strip() for n in names if n and n.strip()}, key=len, reverse=True)
    tokens = {n: _tokens(n) for n in distinct}
    canonical: dict[str, str] = {}
    for name in distinct:
        longer = [other for other in distinct if _covers(tokens[name], tokens[other])]
        # the maximal forms this name could be (a chain Per Aunan ⊂ Per E. Aunan ⊂ Per Espen Aunan is one person)
        tops = {canonical.get(other, other) for other in longer}
        canonical[name] = tops.pop() if len(tops) == 1 else name
    return canonical
