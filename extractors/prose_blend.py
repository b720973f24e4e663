"""The second reader of the prose model: a fine-tuned e5 reading each candidate unit alone.

The first stage (:class:`~saksfinn.extractors.prose.ProseModel`'s classifiers on the unit's
pooled passage vector or tf-idf, + cues) reads every unit cheaply. A unit whose first-stage
probability reaches its type's *gate* for any type is a candidate; the reader (the top layers
of multilingual-e5-small fine-tuned on the labelled units, ``eval/prose_reader_train.py``)
reads each candidate alone and gives a logit per type. The blended score is the sigmoid of the
mean of the two logits — no parameters, so nothing is fitted on top of two fitted models —
and a unit that is not a candidate keeps its first-stage probability (as if the reader agreed:
the blend of two equal probabilities is that probability). Thresholds and calibration of the blended score
come from out-of-fold scores computed exactly this way (docs/prose_models.md).

Everything here is pure numpy; the reader itself is a callable (texts → logits, one column
per type in :data:`~saksfinn.extractors.prose.LABELS` order) that the caller provides
(:mod:`saksfinn.index.embedding.prose_reader`, or a fake in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

Reader = Callable[[list[str]], np.ndarray]
"""texts (as :func:`~saksfinn.extractors.prose_features.e5_text` gives them) → logits, a row per text."""

EPS = 1e-6


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def candidates(first: Mapping[str, np.ndarray], gates: Mapping[str, float]) -> np.ndarray:
    """Rows whose first-stage probability reaches its type's gate for any gated type."""
    rows = None
    for label, gate in gates.items():
        hit = np.asarray(first[label], dtype=float) >= gate
        rows = hit if rows is None else rows | hit
    if rows is None:
        n = len(next(iter(first.values()))) if first else 0
        return np.zeros(n, dtype=bool)
    return rows


def blend(first: Mapping[str, np.ndarray], read_logits: np.ndarray, rows: np.ndarray,
          labels: Sequence[str]) -> dict[str, np.ndarray]:
    """Blended scores per label: ``sigmoid((reader logit + logit(first)) / 2)`` on ``rows``
    (the candidates, ``read_logits`` a row each, in order), the first-stage probability elsewhere."""
    read_logits = np.asarray(read_logits, dtype=float).reshape(int(rows.sum()), len(labels))
    out = {}
    for t, label in enumerate(labels):
        score = np.asarray(first[label], dtype=float).copy()
        score[rows] = sigmoid((read_logits[:, t] + logit(score[rows])) / 2)
        out[label] = score
    return out


def blended_scores(first: Mapping[str, np.ndarray], texts: Sequence[str], read: Reader,
                   gates: Mapping[str, float], labels: Sequence[str]) -> dict[str, np.ndarray]:
    """Gate, read the candidates (one call), blend."""
    rows = candidates(first, gates)
    chosen = [texts[i] for i in np.flatnonzero(rows)]
    logits = read(chosen) if chosen else np.zeros((0, len(labels)))
    return blend(first, logits, rows, labels)
