"""Voteringer: every vote of a protocol as a :class:`~saksfinn.models.votes.Vote` record.

Three steps, all pure: the text's lines are classified (:func:`_classify`: case header,
proposal label, ``N)``, roll-call line, ``Dermed …`` line, inline vote, other), the lines are
cut into cases (from ``Kommunestyrets behandling av sak 14/2026 i møte den …`` or a case-ref
line such as ``K-112/12`` to the next), and each case is read in order: proposals collect their
text until a vote; a roll-call (``For forslaget stemte 19: …``, ``Imot forslaget stemte 16: …``,
``For forslag 1 stemte …``) closes at its ``Dermed ble … (ikke) vedtatt`` line; an inline vote
(``Enstemmig vedtatt``, ``Tilleggsforslaget ble enstemmig vedtatt``, ``Som rådmannen -
samrøystes``, ``vedteke med 14 mot 10 røyster`` with its ``Mindretalet - 10 - røysta for …``)
makes a record at once. Text outside a case (a saksframlegg quoting another body's vote) gives
nothing. A vote block that cannot be read gives no record; the decision extractor still reads
what it can.

Line patterns and cases are in :mod:`~saksfinn.extractors.vote_layout`, names and parties in
:mod:`~saksfinn.extractors.vote_people`, links to amended votes and vedtak in
:mod:`~saksfinn.extractors.vote_links`, the reading of one case's lines in
:mod:`~saksfinn.extractors.vote_reader`; this module runs the reader over every case and
links the votes.
"""

from __future__ import annotations

import logging

from saksfinn.extractors.textspans import split_lines
from saksfinn.extractors.vote_layout import cases
from saksfinn.extractors.vote_links import link_amendments, link_decisions
from saksfinn.extractors.vote_reader import EXTRACTOR, NAME, VERSION, CaseReader
from saksfinn.models.document import Document
from saksfinn.models.votes import Vote

__all__ = ["EXTRACTOR", "NAME", "VERSION", "extract_votes", "link_decisions"]

log = logging.getLogger(__name__)


def extract_votes(doc: Document, nlp: object | None = None) -> list[Vote]:
    """Every votering of ``doc``, in text order (see module docstring)."""
    lines = split_lines(doc.text)
    votes: list[Vote] = []
    for case in cases(lines):
        votes.extend(CaseReader(doc, lines, case).read())
    votes = link_amendments(votes)
    log.debug("%s: %d voteringer", doc.document_id[:12], len(votes))
    return votes

