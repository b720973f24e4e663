"""The Embedder interface and a deterministic fake for fast tests.

Contract for every embedder: ``encode_queries`` / ``encode_passages`` take a list of
strings and return a float32 array of shape ``(len(texts), dim)`` whose rows are
L2-normalised (so inner product = cosine). ``model_id`` names the model and its
settings; vectors are only comparable between equal ``model_id``s.
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol, runtime_checkable

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dim: int

    def warm_up(self) -> None: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class HashEmbedder:
    """Deterministic bag-of-character-trigrams embedder: no model, no randomness.

    Texts sharing words get similar vectors, so ranking tests behave sensibly;
    it is a fake for tests and a fallback, not a semantic model.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hash-trigram-{dim}"

    def warm_up(self) -> None:
        return None

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _TOKEN.findall(text.lower()):
                padded = f"#{word}#"
                for i in range(max(1, len(padded) - 2)):
                    gram = padded[i : i + 3].encode("utf-8")
                    h = int.from_bytes(hashlib.blake2b(gram, digest_size=8).digest(), "little")
                    out[row, h % self.dim] += 1.0 if (h >> 63) == 0 else -1.0
        return normalise(out)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)
