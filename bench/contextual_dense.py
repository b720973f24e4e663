"""Contextual dense embeddings, measured: "title / heading / text" vectors mixed into the text's.

Usage: .venv/bin/python bench/contextual_dense.py --home DIR [--queries A.jsonl B.jsonl]

Embeds :func:`context_text` of every live chunk of the index ingested in ``DIR`` with the
home's passage embedder (once; cached as ``DIR/context_vectors.npy``), then evaluates the
shipped ranking with dense vectors ``(1−a)·text + a·context`` (normalised, exact search)
for a few shares ``a``. ``a = 0`` is the index as shipped.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_search import judged_files  # noqa: E402
from ranking_variants import CachedQueries  # noqa: E402

from saksfinn.index.retrieval.chunking import context_text  # noqa: E402
from saksfinn.index.retrieval.evaluate import evaluate, load_queries  # noqa: E402
from saksfinn.index.retrieval.search import SearchIndex  # noqa: E402
from saksfinn.index.retrieval.translation import ApertiumTranslator, QueryTranslator  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--queries", type=Path, nargs="+", default=[REPO / "eval" / "queries.jsonl"])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.3, 0.5, 1.0])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    from saksfinn.flows.indexing import embedder_from_settings
    from saksfinn.flows.searching import Searcher, ranking_from_settings
    from saksfinn.settings import Settings

    settings = Settings(home=args.home)
    searcher = Searcher(settings)
    files = judged_files(searcher.store, args.corpus)
    queries = CachedQueries(searcher._get_embedder())  # noqa: SLF001 - the app's query model
    index = SearchIndex.open(settings.index_dir, ranking=ranking_from_settings(settings))
    gen = index.current()
    text = np.concatenate([np.asarray(seg.dense.vectors, dtype=np.float32) for seg in gen.segments])
    rows = np.asarray(gen.live_rows())
    cache = args.home / "context_vectors.npy"
    if cache.exists() and np.load(cache, mmap_mode="r").shape[0] == len(text):
        context = np.load(cache)
    else:
        embedder = embedder_from_settings(settings)
        embedder.warm_up()
        context = np.zeros_like(text)
        context[rows] = embedder.encode_passages([context_text(c) for c in gen.chunks(list(rows))])
        np.save(cache, context)
    sets = {p.name: load_queries(p) for p in args.queries}
    # as the app searches: with the query's translation when the settings switch it on
    translator = QueryTranslator(ApertiumTranslator()) if settings.search_translation else None
    for share in args.shares:
        mixed = (1 - share) * text + share * context
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True) + 1e-12

        def search(q: np.ndarray, k: int, mask: np.ndarray | None, *, filtered: bool, m: np.ndarray = mixed):
            scores = m.astype(np.float64) @ q[0].astype(np.float64)
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
            return [(int(i), float(np.float32(scores[i]))) for i in np.argsort(-scores)[:k] if np.isfinite(scores[i])]

        gen.dense_search = search  # type: ignore[method-assign]
        cells = []
        for name, qs in sets.items():
            m = evaluate(qs, index, queries, files=files, modes=("hybrid",), translator=translator)["hybrid"]
            cells.append(f"{name}: {m.ndcg:.3f} hard {m.ndcg_hard:.3f} recall {m.recall:.3f} bare/twins {m.bare}/{m.twins}")
        print(f"context share {share}: " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
