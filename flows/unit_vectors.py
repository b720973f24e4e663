"""Sentence-unit vectors for the prose model, pooled from the passage embedding pass.

The index embeds every passage chunk of a document (``chunk_document`` → passage chunks,
which do not depend on findings). For the ``pooled`` prose features the flow embeds those
passages *before* extraction, keeps the token states of each unit's span inside the
passage that covers most of it (:func:`saksfinn.index.embedding.span_pool.encode_with_spans`),
and writes the passage vectors into the index's embedding cache, so the index stage embeds
nothing again. Units no passage covers (a bare heading carried as context, a section the
chunker skips) are embedded alone.

Used by the ingest flow (``flows/stages/embedding.py``) and by ``eval/prose_pooled.py`` /
``eval/prose_train.py``, so training and ingest build the vectors the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from saksfinn.index.embedding.span_pool import encode_with_spans
from saksfinn.models.chunk import Chunk

Span = tuple[int, int]
MIN_COVER = 0.5
"""A passage must hold at least this share of a unit's characters to lend it a vector."""


def assign(units: Sequence[Span], passages: Sequence[Chunk]) -> list[tuple[int, Span] | None]:
    """Per unit (document offsets): ``(passage index, span within that passage's text)`` for
    the passage holding most of it (the earlier one on a tie), ``None`` below :data:`MIN_COVER`."""
    out: list[tuple[int, Span] | None] = []
    for start, end in units:
        best: tuple[int, int, Span] | None = None
        for i, p in enumerate(passages):
            lo, hi = max(start, p.start), min(end, p.end)
            if hi <= lo:
                continue
            if best is None or hi - lo > best[0]:
                best = (hi - lo, i, (lo - p.start, hi - p.start))
        if best is None or best[0] < MIN_COVER * max(1, end - start):
            out.append(None)
        else:
            out.append((best[1], best[2]))
    return out


def pooled_unit_vectors(
    embedder: object,
    passages: Sequence[Chunk],
    units: Sequence[Span],
    alone: Callable[[list[int]], np.ndarray] | None = None,
) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """``(passage vectors, a vector per unit)``: units inside a passage get the pooled token
    states of their span; the others ``alone(unit indices)`` (row per index), or ``None``."""
    (vectors, out), = pooled_many(embedder, [(passages, units)])
    missing = [u for u, v in enumerate(out) if v is None]
    if missing and alone is not None:
        for u, v in zip(missing, alone(missing)):
            out[u] = np.asarray(v, dtype=np.float32)
    return vectors, out


def pooled_many(
    embedder: object,
    documents: Sequence[tuple[Sequence[Chunk], Sequence[Span]]],
    assignments: Sequence[list[tuple[int, Span] | None]] | None = None,
) -> list[tuple[np.ndarray, list[np.ndarray | None]]]:
    """:func:`pooled_unit_vectors` (without the fallback) for several documents' (passages, unit spans)
    in one pass: the passages of all of them are batched together by length, as the index
    stage batches them, so there is no more padding than there. ``assignments``: each
    document's :func:`assign` result, when the caller has it already."""
    texts: list[str] = []
    spans: list[list[Span]] = []
    plans = []
    for d, (passages, units) in enumerate(documents):
        where = assignments[d] if assignments is not None else assign(units, passages)
        base = len(texts)
        texts += [p.text for p in passages]
        spans += [[] for _ in passages]
        slot: dict[int, tuple[int, int]] = {}
        for u, hit in enumerate(where):
            if hit is not None:
                slot[u] = (base + hit[0], len(spans[base + hit[0]]))
                spans[base + hit[0]].append(hit[1])
        plans.append((base, len(passages), len(units), slot))
    if texts:
        vectors, pooled = encode_with_spans(embedder, texts, spans)  # type: ignore[arg-type]
    else:
        vectors, pooled = np.zeros((0, getattr(embedder, "dim", 0)), dtype=np.float32), []
    out = []
    for base, n, n_units, slot in plans:
        unit_vectors = [pooled[slot[u][0]][slot[u][1]] if u in slot else None for u in range(n_units)]
        out.append((vectors[base : base + n], unit_vectors))
    return out
