"""Vectors of spans inside embedded passages, from the passage pass's own token states.

The index embeds every passage chunk; a sentence unit inside a chunk can get a vector
from that same forward pass: the mean of the last hidden states of the tokens whose
character offsets fall inside the unit's span — a *contextual* unit vector (the tokens
attended to the whole passage) at no extra model cost (docs/prose_models.md, "Pooled").

:func:`encode_with_spans` is the entry point: embedders that expose their token states
(:class:`~saksfinn.index.embedding.ov_embedder.OpenVINOEmbedder`) pool them; any other
embedder (the torch backend, the fakes in tests) embeds each span's text alone, so the
contract — a vector per passage and per span — holds for all.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from saksfinn.index.embedding.embed import Embedder, normalise

Span = tuple[int, int]


def pool_spans(
    hidden: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Sequence[Span], shift: int = 0
) -> list[np.ndarray | None]:
    """Mean of the rows of ``hidden`` (``[tokens, dim]``) whose token overlaps each span.

    ``offsets`` are the tokens' character offsets in the embedded string, ``spans`` are
    offsets into that string minus ``shift`` (the prompt's length). Special tokens (empty
    offsets) never count. A span no token overlaps gives ``None``; others are L2-normalised.
    """
    starts = np.array([a for a, _ in offsets], dtype=np.int64) - shift
    ends = np.array([b for _, b in offsets], dtype=np.int64) - shift
    real = ends > starts
    out: list[np.ndarray | None] = []
    for s, e in spans:
        inside = real & (starts < e) & (ends > s)
        if not inside.any():
            out.append(None)
            continue
        out.append(normalise(hidden[inside].mean(axis=0, keepdims=True))[0])
    return out


def encode_with_spans(
    embedder: Embedder, texts: list[str], spans: list[list[Span]]
) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
    """Passage vectors of ``texts`` and a vector per span of each (offsets into that text).

    Pooled from the passage pass when the embedder can (``encode_passages_with_spans``);
    otherwise each span's text is embedded alone (one more pass, same contract)."""
    if len(texts) != len(spans):
        raise ValueError("one span list per text")
    pooled = getattr(embedder, "encode_passages_with_spans", None)
    if pooled is not None:
        return pooled(texts, spans)
    vectors = embedder.encode_passages(texts) if texts else np.zeros((0, embedder.dim), dtype=np.float32)
    pieces = [text[s:e] for text, row in zip(texts, spans) for s, e in row]
    encoded = iter(embedder.encode_passages(pieces) if pieces else [])
    return vectors, [[next(encoded) for _ in row] for row in spans]


def token_window(offsets: np.ndarray, span: Span, context: int) -> tuple[int, int, np.ndarray] | None:
    """Token rows ``[lo, hi)`` of a span with up to ``context`` tokens either side, and the 0/1
    mask (length ``hi - lo``) of the rows inside the span; ``None`` when no token overlaps it.

    ``offsets`` (``[tokens, 2]``) and ``span`` are character offsets into the same text, as
    :meth:`~saksfinn.index.embedding.ov_embedder.OpenVINOEmbedder.encode_passages_with_states`
    gives them (special tokens already dropped)."""
    offsets = np.asarray(offsets).reshape(-1, 2)
    inside = (offsets[:, 0] < span[1]) & (offsets[:, 1] > span[0])
    rows = np.flatnonzero(inside)
    if not len(rows):
        return None
    lo, hi = max(0, int(rows[0]) - context), min(len(offsets), int(rows[-1]) + 1 + context)
    return lo, hi, inside[lo:hi].astype(np.float32)
