"""Who voted and who proposed: the people and parties named in a vote block.

:func:`parse_names` reads a roll-call's name list (``Anne Grete Krogstad (AP), Per Aunan (AP)``),
:func:`voters` makes :class:`~saksfinn.models.votes.Voter` records of it with the party as
normalised by :func:`~saksfinn.models.votes.normalise_party`, and :func:`minority_proposer` reads
whose proposal a ``Mindretalet … røysta for`` line names. Where the text is laid out is
:mod:`~saksfinn.extractors.vote_layout`'s concern.
"""

from __future__ import annotations

import re

from saksfinn.models.votes import Voter, normalise_party

_MINORITY_PROPOSER_RE = re.compile(
    r"^(?:representanten\s+)?(?P<who>[A-ZÆØÅ][\wæøåÆØÅ.\- ]+?),?\s*\(?(?P<party>[A-ZÆØÅa-zæøå]{1,12})\)?"
    r"\s+(?:sitt|sin|si|sine)\s+(?:framlegg|forslag)\s*(?P<text>.*)$",
)


def parse_names(text: str) -> list[tuple[str, str | None]]:
    """``Anne Grete Krogstad (AP), Per Aunan (AP), …`` → [(name, party as written), …]."""
    text = text.strip().rstrip(".").strip()
    if not text:
        return []
    if "(" in text:
        return [
            (re.sub(r"\s+", " ", m.group(1)).strip(" ,."), m.group(2).strip())
            for m in re.finditer(r"\s*([^,()]+?)\s*\(([^()]*)\)\s*(?:,|og\b|$)", text)
        ]
    return [(name.strip(), None) for name in re.split(r",|\bog\b", text) if name.strip()]



def voters(names: list[tuple[str, str | None]], vote: str) -> tuple[Voter, ...]:
    """``(name, party as written)`` pairs as voters who voted ``vote`` (``for``, ``mot`` or an
    alternative's label); an unknown party spelling stays ``None``."""
    return tuple(Voter(name=name, party=normalise_party(party), vote=vote) for name, party in names)


def minority_proposer(text: str) -> tuple[str | None, str | None, str | None]:
    """``Olav Nilsen (Sp) sitt framlegg om …`` → (proposer, normalised party, the proposal's text
    or ``None``); a text that names nobody is returned whole as the proposal's text."""
    who = _MINORITY_PROPOSER_RE.match(text)
    if not who:
        return None, None, text
    return who.group("who").strip(), normalise_party(who.group("party")), who.group("text").strip() or None
