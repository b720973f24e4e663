"""Reading vote outcomes from Norwegian minutes (Bokmål and Nynorsk).

:func:`parse_votes` reads one piece of text (a decision's own last line, or the vote
block of a case) and returns a :class:`VoteResult`; fields it cannot read stay ``None``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_NUM = r"(\d{1,3})"
_FOR_AGAINST_RE = re.compile(
    rf"(?:vedtatt|vedteke|vedteken|vedtekne|vedtas|godkjent|godkjend)\s+med\s+{_NUM}\s+mot\s+{_NUM}"
    r"(?:\s+(?:stemmer|røyster|røyster|stemme|røyst))?",
    re.IGNORECASE,
)
_AGAINST_ONLY_RE = re.compile(
    rf"(?:vedtatt|vedteke|vedtas|godkjent)\s+mot\s+{_NUM}\s+(?:stemmer|stemme|røyster|røyst)",
    re.IGNORECASE,
)
_FOR_RE = re.compile(
    rf"^\s*For\s+(?:forslaget|innstillingen|innstillinga|tilrådinga|framlegget|forslag\s+1)\s+"
    rf"(?:stemte|røysta)\s+{_NUM}",
    re.IGNORECASE | re.MULTILINE,
)
_AGAINST_RE = re.compile(
    rf"^\s*(?:Imot|Mot|I mot)\s+(?:forslaget|innstillingen|innstillinga|framlegget)\s+"
    rf"(?:stemte|røysta)\s+{_NUM}"
    rf"|^\s*For\s+forslag\s+2\s+(?:stemte|røysta)\s+{_NUM}",
    re.IGNORECASE | re.MULTILINE,
)
_UNANIMOUS_RE = re.compile(r"\b(?:enstemmig|einstemmig|samrøystes|samrøystes|enstemmig)\w*", re.IGNORECASE)
_NOT_ADOPTED_RE = re.compile(
    r"\b(?:ikke|ikkje)\s+(?:vedtatt|vedteke|godkjent)|\bfalt\b|\bfall\b|\bforkasta?\b", re.IGNORECASE
)
_ADOPTED_RE = re.compile(r"\b(?:vedtatt|vedteke|vedteken|vedtekne|godkjent|godkjend|bifalt)\b", re.IGNORECASE)
DERMED_RE = re.compile(r"^\s*Dermed\s+(?:ble|blei|vart)\b.*$", re.IGNORECASE | re.MULTILINE)
"""The outcome line of a roll-call vote: ``Dermed ble innstillingen vedtatt`` / ``Dermed vart ...``."""


class VoteResult(NamedTuple):
    votes_for: int | None = None
    votes_against: int | None = None
    unanimous: bool | None = None
    adopted: bool | None = None
    vote_text: str | None = None

    @property
    def empty(self) -> bool:
        return self.vote_text is None


def _sentence_around(text: str, pos: int) -> str:
    """The line or sentence of ``text`` around ``pos``, whitespace-squashed."""
    start = max(text.rfind("\n", 0, pos), text.rfind(". ", 0, pos) + 1 if ". " in text[:pos] else -1)
    start = max(start, 0)
    end_candidates = [i for i in (text.find("\n", pos), text.find(". ", pos)) if i != -1]
    end = min(end_candidates) + 1 if end_candidates else len(text)
    return re.sub(r"\s+", " ", text[start:end]).strip(" -–")


def _dermed_adopted(text: str) -> tuple[bool | None, str | None]:
    """Adoption read from the ``Dermed ble ...`` line of ``text`` → (adopted, the line)."""
    dermed = DERMED_RE.search(text)
    if not dermed:
        return None, None
    line = dermed.group(0).strip()
    return not _NOT_ADOPTED_RE.search(line) and bool(_ADOPTED_RE.search(line)), line


def _count(match: re.Match[str]) -> int:
    return int(next(g for g in match.groups() if g is not None))


def _squashed(match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", match.group(0)).strip()


def _roll_call(text: str, for_match: re.Match[str] | None, against_match: re.Match[str] | None) -> VoteResult:
    """``For forslaget stemte 7 ... Imot forslaget stemte 3 ... Dermed ble ...``; a missing side
    means nobody voted that way (``unanimous``)."""
    adopted, dermed = _dermed_adopted(text)
    votes_for = _count(for_match) if for_match else None
    against = _count(against_match) if against_match else None
    unanimous = against_match is None or for_match is None or against == 0
    parts = [_squashed(m) for m in (for_match, against_match) if m] + ([dermed] if dermed else [])
    return VoteResult(votes_for, against, unanimous, adopted, "; ".join(parts))


def parse_votes(text: str) -> VoteResult:
    """Votes stated in ``text``: counts, unanimity, adoption and the sentence read."""
    match = _FOR_AGAINST_RE.search(text)
    if match:
        return VoteResult(
            int(match.group(1)), int(match.group(2)), False, True, _sentence_around(text, match.start())
        )
    match = _AGAINST_ONLY_RE.search(text)
    if match:
        return VoteResult(None, int(match.group(1)), False, True, _sentence_around(text, match.start()))
    for_match, against_match = _FOR_RE.search(text), _AGAINST_RE.search(text)
    if for_match or against_match:
        return _roll_call(text, for_match, against_match)
    match = _UNANIMOUS_RE.search(text)
    if match:
        sentence = _sentence_around(text, match.start())
        adopted = None if _NOT_ADOPTED_RE.search(sentence) else True
        return VoteResult(None, None, True, adopted, sentence)
    adopted, dermed = _dermed_adopted(text)
    if dermed:
        return VoteResult(None, None, None, adopted, dermed)
    return VoteResult()


_AMENDMENT_RE = re.compile(r"(?:endrings|tilleggs|oversendelses|alternativt?\s*)forslag", re.IGNORECASE)


def decisive_vote(case_lines: list[str]) -> VoteResult:
    """The vote that made a case's vedtak, read from the case's lines before it: the block
    ending at the last ``Dermed ble …`` that is not about an amendment (else the last
    ``Dermed``), else whatever the lines state."""
    dermed = [k for k, line in enumerate(case_lines) if DERMED_RE.match(line)]
    decisive = [k for k in dermed if not _AMENDMENT_RE.search(case_lines[k])]
    chosen = decisive[-1] if decisive else (dermed[-1] if dermed else None)
    if chosen is None:
        return parse_votes("\n".join(case_lines))
    previous = [k for k in dermed if k < chosen]
    begin = previous[-1] + 1 if previous else 0
    return parse_votes("\n".join(case_lines[begin : chosen + 1]))


def vote_after_proposal(window: list[str], *, numbered_first: bool) -> VoteResult:
    """The vote on a proposal, read from the lines after it (``window``, up to the next label
    or prose heading). ``numbered_first``: the proposal is ``1)`` of a ``1) … 2)`` vote, so
    ``Dermed ble forslag 2 vedtatt`` means it lost. Without a ``Dermed`` line only a
    unanimous vote counts; a ``Dermed`` line about another motion gives nothing."""
    dermed_index = next((k for k, line in enumerate(window) if DERMED_RE.match(line)), None)
    if dermed_index is None:
        result = parse_votes("\n".join(window))
        return result if result.unanimous else VoteResult()
    line = window[dermed_index]
    result = parse_votes("\n".join(window[: dermed_index + 1]))
    number = re.search(r"\bforslag\s+(\d)\b", line, re.IGNORECASE)
    if number and numbered_first:
        adopted = None if result.adopted is None else (number.group(1) == "1") == result.adopted
        return result._replace(adopted=adopted)
    about_this = re.search(r"innstilling|tilråding", line, re.IGNORECASE) or (
        re.search(r"\bforslaget\b", line, re.IGNORECASE) and not re.search(r"endrings|tilleggs", line, re.IGNORECASE)
    )
    return result if about_this else VoteResult()
