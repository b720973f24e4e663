"""The compact vector index for large corpora: HNSW over 8-bit scalar-quantised vectors."""

from __future__ import annotations

import faiss
import numpy as np

from saksfinn.index.retrieval.dense import DenseIndex

DIM, LATENT, CLUSTERS = 384, 48, 50


def embedding_like(n: int, seed: int) -> np.ndarray:
    """Unit vectors with a low intrinsic dimension and topic clusters, as sentence embeddings have."""
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(0).standard_normal((LATENT, DIM), dtype=np.float32) / np.sqrt(LATENT)
    centres = np.random.default_rng(1).standard_normal((CLUSTERS, LATENT), dtype=np.float32)
    latent = centres[rng.integers(0, CLUSTERS, n)] + 0.6 * rng.standard_normal((n, LATENT), dtype=np.float32)
    x = latent @ basis + 0.15 * rng.standard_normal((n, DIM), dtype=np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_compact_index_recall_size_and_round_trip(tmp_path):
    vectors, queries = embedding_like(6000, 2), embedding_like(50, 3)
    ids = np.arange(1000, 7000)
    exact = DenseIndex.build(vectors, ids, hnsw_threshold=10**9)
    compact = DenseIndex.build(vectors, ids, hnsw_threshold=0, compact_threshold=0)
    assert (exact.kind, compact.kind) == ("flat", "hnsw-sq8")
    _, want = exact.search(queries, 10)
    _, got = compact.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(want, got)])
    assert recall >= 0.95, recall
    compact.save(tmp_path / "d")
    per_million = sum(p.stat().st_size for p in (tmp_path / "d").iterdir()) / len(vectors) * 1e6
    assert per_million <= 1.5e9, per_million  # index + float16 vectors + ids
    loaded = DenseIndex.load(tmp_path / "d")
    assert loaded.kind == "hnsw-sq8" and np.array_equal(loaded.search(queries, 10)[1], got)
    # a filter over a subset is answered exactly, from the float16 vectors
    rows = np.arange(0, 6000, 7)
    s, i = loaded.search(queries[:1], 5, rows=rows)
    sims = vectors[rows] @ queries[0]
    assert list(i[0]) == list(ids[rows[np.argsort(-sims)[:5]]])


def test_hnsw_flat_below_the_compact_threshold():
    vectors = embedding_like(300, 4)
    assert DenseIndex.build(vectors, hnsw_threshold=100, compact_threshold=10_000).kind == "hnsw"
    assert isinstance(DenseIndex.build(vectors, hnsw_threshold=100, compact_threshold=10_000)._index,  # noqa: SLF001
                      faiss.IndexHNSWFlat)
