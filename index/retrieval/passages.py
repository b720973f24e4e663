"""Passage-level ordering: which of a document's passages comes first.

Every passage of a document shares its title in what BM25 indexes ("title / heading /
text") and the document lift adds the same to each, so among one document's passages
the fused scores differ little: a saksframlegg's front matter ("SAKSFRAMLEGG / Saksgang /
Utvalg … / <title>") or a table of figures can lead its document. :func:`rerank_passages`
scores the first rows again with what sets a passage apart within its document
(:func:`passage_features`):

* ``lead`` — the passage opens its section (its text starts with the heading:
  "Saksopplysninger: …"), where a case paper states what the section is about;
* ``prose`` — the share of its own words on lines of running text
  (:func:`prose_share`), low for front matter, form fields and tables;
* ``coverage`` — the idf-weighted share of the query's words its own text holds
  (:func:`coverage`).

:func:`demote_front_matter` runs before them, across documents: a passage loses a share of
the best score for the share of its words that are a case paper's form — header, Saksgang
table, letter head, attachment and distribution lists, signature
(:func:`~saksfinn.index.retrieval.frontmatter.front_matter_share`) — so front matter gives
way to content, its own document's and others', unless it leads by more than that.

Each document keeps the places its passages held; only their order changes (``within_document``;
otherwise the rows are re-sorted as a whole). Lines of a text that repeat the title are
context, not content, and count for none of the features. Measured with
``bench/ranking_variants.py`` (README "Search"); the weights are
:class:`~saksfinn.index.retrieval.ranking.Ranking` knobs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from saksfinn.index.retrieval.expansion import WordWeights
from saksfinn.index.retrieval.analysis import Analyzer
from saksfinn.index.retrieval.frontmatter import front_matter_share
from saksfinn.models.chunk import Chunk

_WORD = re.compile(r"\w+", re.UNICODE)
PROSE_LINE_WORDS = 5  # a line of at least this many words is running text, not a form field or a table cell


@dataclass(frozen=True)
class PassageWeights:
    """What each passage feature adds to a fused score (0: off)."""

    lead: float = 0.0
    prose: float = 0.0
    coverage: float = 0.0
    within_document: bool = True

    @property
    def active(self) -> bool:
        return max(self.lead, self.prose, self.coverage) > 0


def own_text(chunk: Chunk) -> str:
    """The passage's text without lines that only repeat its title."""
    title = " ".join((chunk.title or "").split()).lower()
    if not title:
        return chunk.text
    return "\n".join(line for line in chunk.text.splitlines() if " ".join(line.split()).lower() != title)


def leads_section(chunk: Chunk) -> bool:
    """The chunk opens its section: its text starts with the section heading."""
    section = (chunk.section or "").strip()
    return bool(section) and chunk.text.lstrip().startswith(section)


def prose_share(text: str) -> float:
    """Share of ``text``'s words on lines of at least :data:`PROSE_LINE_WORDS` words (0..1;
    0 for a text without words)."""
    counts = [len(_WORD.findall(line)) for line in text.splitlines()]
    total = sum(counts)
    return sum(c for c in counts if c >= PROSE_LINE_WORDS) / total if total else 0.0


def coverage(terms: set[str], words: Sequence[WordWeights]) -> float:
    """Idf-weighted share of the query ``words`` whose terms occur in ``terms`` (0..1): each
    word counts its idf times the highest weight among its terms found."""
    total = sum(w.idf for w in words)
    if total <= 0:
        return 0.0
    return sum(w.idf * max((wt for t, wt in w.terms.items() if t in terms), default=0.0) for w in words) / total


def passage_features(chunks: Sequence[Chunk], words: Sequence[WordWeights], analyzer: Analyzer,
                     *, with_coverage: bool = True) -> np.ndarray:
    """Per chunk: (leads its section, prose share, query coverage), shape ``(len(chunks), 3)``;
    the coverage column is 0 unless ``with_coverage`` (it analyses every text)."""
    out = np.zeros((len(chunks), 3), dtype=np.float64)
    for i, chunk in enumerate(chunks):
        text = own_text(chunk)
        out[i, 0] = leads_section(chunk)
        out[i, 1] = prose_share(text)
        if with_coverage:
            out[i, 2] = coverage(set(analyzer.terms(text)), words)
    return out


def rerank_passages(ranked: list[tuple[int, float]], chunks: Sequence[Chunk], words: Sequence[WordWeights],
                    analyzer: Analyzer, weights: PassageWeights, *, keys: np.ndarray,
                    doc_codes: np.ndarray) -> list[tuple[int, float]]:
    """The first ``len(chunks)`` rows of ``ranked`` (``chunks`` are theirs, in order) scored
    ``score + best·(lead·lead + prose·prose + coverage·coverage)`` (``best``: the first
    row's score) and reordered (module doc; ties by ``keys``); the rows after them follow unchanged. Inactive weights return
    ``ranked`` as it is."""
    if not weights.active or not chunks:
        return ranked
    head = ranked[: len(chunks)]
    feats = passage_features(chunks, words, analyzer, with_coverage=weights.coverage > 0)
    scale = max(head[0][1], 0.0)  # in units of the best score, so BM25 alone (raw scores) and fused rank alike
    bonus = scale * (feats @ np.array([weights.lead, weights.prose, weights.coverage]))
    rescored = sorted(((row, score + float(b)) for (row, score), b in zip(head, bonus)),
                      key=lambda item: (-item[1], keys[item[0]]))
    if not weights.within_document:
        return rescored + ranked[len(chunks) :]
    # each document keeps the places (and scores) its rows held; its rows fill them in their new order
    queues: dict[int, list[int]] = {}
    for row, _ in rescored:
        queues.setdefault(int(doc_codes[row]), []).append(row)
    return [(queues[int(doc_codes[row])].pop(0), score) for row, score in head] + ranked[len(chunks) :]


def demote_front_matter(ranked: list[tuple[int, float]], chunks: Sequence[Chunk], weight: float, *,
                        keys: np.ndarray) -> list[tuple[int, float]]:
    """The first ``len(chunks)`` rows of ``ranked`` (``chunks`` are theirs, in order) scored
    ``score − best·weight·share`` (``share``: :func:`front_matter_share` of the chunk's text
    less its title lines, ``best``: the first row's score) and re-sorted across documents
    (ties by ``keys``); the rows after them follow unchanged. Weight 0 returns ``ranked``."""
    if weight <= 0 or not chunks:
        return ranked
    head = ranked[: len(chunks)]
    scale = max(head[0][1], 0.0)  # in units of the best score, as the passage features
    rescored = [(row, score - scale * weight * front_matter_share(chunk.text, chunk.title))
                for (row, score), chunk in zip(head, chunks)]
    return sorted(rescored, key=lambda item: (-item[1], keys[item[0]])) + ranked[len(chunks) :]
