"""The query side of BM25: weighted query terms and their scores.

A query becomes ``{term: weight}``:

* each query word's own terms (stem and compound parts, :meth:`Analyzer.terms_of_word`)
  at weight 1;
* the terms of its counterparts in the other written standard
  (:func:`~saksfinn.index.retrieval.written_standards.counterparts`) that the index
  knows, at ``counterpart_weight`` — always, not only when the word itself is unknown, so
  *sjukefråvær* finds Bokmål *sykefravær* even when some text says *sjukefråvær*. A word
  the index does not know at all takes its first known counterpart at weight 1 instead
  (it has nothing else to match);
* optionally, pseudo-relevance feedback (:func:`feedback_weights`, RM3-style): the
  terms that best characterise the first pass's top passages, at a low weight.

:func:`bm25_scores` scores every row as ``Σ weight · BM25(term)`` with the same formula
as :meth:`LexicalIndex.scores` (equal to it when every weight is 1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from saksfinn.index.retrieval.lexical import LegacyLexicalIndex, LexicalIndex, weighted_scores
from saksfinn.index.retrieval.written_standards import counterparts

_FEEDBACK_CANDIDATES = 60  # most probable feedback terms whose document frequency is looked up


@dataclass(frozen=True)
class WordWeights:
    """One query word's weighted terms (its own, its counterparts') and its idf: the
    highest idf among those terms the index knows (0 when it knows none)."""

    word: str
    terms: dict[str, float]
    idf: float


def query_words(lexical: LexicalIndex, query: str, counterpart_weight: float, part_weight: float = 1.0) -> list[WordWeights]:
    """Each content word of ``query`` with its ``{term: weight}`` (see the module doc). A
    word's compound parts count ``part_weight`` of its own stem (of the counterpart's
    weight for a counterpart's)."""
    analyzer = lexical.analyzer
    out: list[WordWeights] = []
    for word in analyzer.words(query):
        weights: dict[str, float] = {}

        def put(term: str, weight: float) -> None:
            if weight > weights.get(term, 0.0):
                weights[term] = weight

        own = analyzer.terms_of_word(word, query=True)
        parts = part_weight if lexical.knows(own[0]) else 1.0  # a compound no text uses has only its parts
        for i, term in enumerate(own):
            put(term, 1.0 if i == 0 else parts)
        first = not any(lexical.knows(t) for t in own)
        for variant in counterparts(word):
            if not analyzer.words(variant):  # a stop word
                continue
            terms = analyzer.terms_of_word(variant, query=True)
            known = [(i, t) for i, t in enumerate(terms) if t not in own and lexical.knows(t)]
            if not known:
                continue
            weight = 1.0 if first else counterpart_weight
            for i, term in known:
                put(term, weight if i == 0 else weight * part_weight)
            first = False
        weights = {t: w for t, w in weights.items() if w > 0}
        out.append(WordWeights(word, weights, max((idf(lexical, t) for t in weights), default=0.0)))
    return out


def translated_words(lexical: LexicalIndex, translation: str, words: Sequence[WordWeights], weight: float,
                     part_weight: float = 1.0) -> list[WordWeights]:
    """The words of the query's machine ``translation`` into the other written standard
    (:mod:`~saksfinn.index.retrieval.translation`) with their terms at ``weight`` × what
    :func:`query_words` gives them (no table counterparts: they lead back to the query's
    own standard), less the terms the query's own ``words`` already weigh as much. Words
    left with no term are dropped; ``weight`` 0 gives none."""
    if weight <= 0 or not translation:
        return []
    own = merged(words)
    out = []
    for word in query_words(lexical, translation, 0.0, part_weight):
        terms = {t: weight * w for t, w in word.terms.items() if weight * w > own.get(t, 0.0)}
        if terms:
            out.append(WordWeights(word.word, terms, word.idf))
    return out


def query_weights(lexical: LexicalIndex, query: str, counterpart_weight: float, part_weight: float = 1.0) -> dict[str, float]:
    """``{term: weight}`` for ``query`` over ``lexical``: :func:`merged` :func:`query_words`."""
    return merged(query_words(lexical, query, counterpart_weight, part_weight))


def merged(words: Sequence[WordWeights]) -> dict[str, float]:
    """The words' terms in query order, a term's weight the highest any word gave it."""
    weights: dict[str, float] = {}
    for word in words:
        for term, weight in word.terms.items():
            if weight > weights.get(term, 0.0):
                weights[term] = weight
    return weights


def idf(lexical: LexicalIndex, term: str) -> float:
    """BM25's ``ln(1 + (N − df + 0.5) / (df + 0.5))`` over the live rows (0 for an unknown term)."""
    df = len(lexical.postings(term)[0]) if not isinstance(lexical, LegacyLexicalIndex) else int(lexical.knows(term))
    return float(np.log(1.0 + (lexical.n_live - df + 0.5) / (df + 0.5))) if df else 0.0


def bm25_scores(lexical: LexicalIndex, weights: dict[str, float], query: str, *, k1: float, b: float) -> np.ndarray:
    """``Σ weight · BM25(term)`` for every row (float32; :func:`~saksfinn.index.retrieval.lexical.weighted_scores`)."""
    if isinstance(lexical, LegacyLexicalIndex):  # an index from before segments: unweighted, as it was
        return lexical.scores(query)
    return weighted_scores(lexical, weights, k1=k1, b=b)


def feedback_weights(
    lexical: LexicalIndex,
    texts: Sequence[str],
    scores: Sequence[float],
    weights: dict[str, float],
    *,
    terms: int,
    weight: float,
) -> dict[str, float]:
    """Feedback terms from the first pass's best passages (``texts``, with their ``scores``):
    each term's relevance-model probability ``Σ_d P(d)·tf(t,d)/|d|`` (``P(d)`` ∝ the
    passage's score), times its idf so words every text uses do not lead; the best
    ``terms`` not already in ``weights`` are returned at ``weight`` × their share of the best."""
    if not texts or terms <= 0 or weight <= 0 or isinstance(lexical, LegacyLexicalIndex):  # legacy: no postings
        return {}
    total = float(sum(scores)) or 1.0
    model: Counter[str] = Counter()
    for text, score in zip(texts, scores):
        analysed = lexical.analyzer.analyze(text)[0]
        if not analysed:
            continue
        for term, count in Counter(analysed).items():
            if len(term) >= 3 and term not in weights:
                model[term] += (score / total) * count / len(analysed)
    ranked = []
    for term, p in model.most_common(_FEEDBACK_CANDIDATES):
        df = len(lexical.postings(term)[0])
        if df > 1:  # a term only the passage itself holds finds nothing more
            ranked.append((p * np.log(1.0 + (lexical.n_live - df + 0.5) / (df + 0.5)), term))
    ranked.sort(reverse=True)
    best = ranked[:terms]
    if not best:
        return {}
    top = best[0][0]
    return {term: weight * value / top for value, term in best}
