"""The ``embed`` stage (``pooled`` prose features only): passage vectors before extraction.

For every pending document: its passage chunks (``chunk_document`` without findings — the
same passages the chunk stage makes), embedded once with the index's embedder; each sentence
unit's vector is pooled from that pass (:mod:`saksfinn.flows.unit_vectors`) and kept on the
work item for the prose model; the passage vectors go into the index's embedding cache
(``index/embeddings.sqlite``), so the index stage finds them there and embeds only the
finding chunks. Unit vectors are cached too (``index/unit_vectors.sqlite``, keyed by the
passage text and the span), so re-deriving a stored document needs no model. Units no
passage covers are embedded alone (``index/sentence_vectors.sqlite``).

Time spent here is passage embedding the index would otherwise do later; the run report
shows it as its own stage.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from saksfinn.flows.stages.work import Work, _pending, one_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbedOptions:
    """The passage embedder and where its caches live (``Settings.index_dir``)."""

    embedder: Any
    index_dir: Path
    batch_size: int = 32


def unit_key(passage_hash: str, span: tuple[int, int]) -> str:
    return hashlib.sha256(f"pooled|{passage_hash}|{span[0]}|{span[1]}".encode()).hexdigest()


def embed_passages(items: list[Work], nlp_factory: Callable[[], Any], options: EmbedOptions) -> list[Work]:
    """Set ``item.unit_vectors`` (unit span → vector) for every pending document; the passages of
    the whole batch are embedded in one pass, batched by length as the index stage does."""
    from saksfinn.extractors.sentences import sentence_units
    from saksfinn.extractors.textspans import in_boilerplate
    from saksfinn.flows.unit_vectors import assign, pooled_many
    from saksfinn.index.embedding.embed_cache import EmbeddingCache, embed_with_cache
    from saksfinn.index.retrieval.chunking import chunk_document

    pending = _pending(items)
    if not pending:
        return items
    nlp = nlp_factory()
    model_id = options.embedder.model_id
    passages_cache = EmbeddingCache(options.index_dir / "embeddings.sqlite", model_id)
    units_cache = EmbeddingCache(options.index_dir / "unit_vectors.sqlite", model_id)
    alone_cache = EmbeddingCache(options.index_dir / "sentence_vectors.sqlite", model_id)
    started = time.perf_counter()
    plans = []  # (item, passages, spans, cache keys, assignment) of documents whose vectors are not all cached
    lonely: list[tuple[Work, tuple[int, int], str]] = []
    for item in pending:
        try:
            doc = item.doc
            passages = [c for c in chunk_document(doc) if c.type == "passage"]
            units = [(u.start, u.end, u.text) for u in sentence_units(doc, nlp) if not in_boilerplate(doc, u.start)]
            spans = [(s, e) for s, e, _ in units]
            where = assign(spans, passages)
            keys = {i: unit_key(passages[hit[0]].text_hash, hit[1]) for i, hit in enumerate(where) if hit is not None}
            cached = units_cache.get_many(keys.values())
            have = passages_cache.get_many(p.text_hash for p in passages)
            item.unit_vectors = {}
            if len(cached) == len(set(keys.values())) and len(have) == len({p.text_hash for p in passages}):
                item.unit_vectors = {spans[i]: cached[k] for i, k in keys.items()}
            else:
                plans.append((item, passages, spans, keys, where))
            covered = {spans[i] for i in keys}
            lonely += [(item, (s, e), " ".join(t.split())) for s, e, t in units if (s, e) not in covered]
        except Exception as exc:  # the prose model then embeds units alone; the document goes on
            log.warning("preparing passages of %s failed (%s); its units are embedded alone",
                        item.file.source, one_line(exc))
            item.unit_vectors = None
    try:
        results = pooled_many(options.embedder, [(passages, spans) for _, passages, spans, _, _ in plans],
                              [where for *_, where in plans])
        for (item, passages, spans, keys, _), (passage_vectors, pooled) in zip(plans, results):
            passages_cache.put_many({p.text_hash: v for p, v in zip(passages, passage_vectors)})
            units_cache.put_many({keys[i]: pooled[i] for i in keys if pooled[i] is not None})
            item.unit_vectors = {spans[i]: pooled[i] for i in keys if pooled[i] is not None}
        lonely = [(item, span, text) for item, span, text in lonely if item.unit_vectors is not None]
        if lonely:  # units no passage covers (or whose span lost its tokens): embedded alone, cached
            hashes = [hashlib.sha256(text.encode("utf-8")).hexdigest() for _, _, text in lonely]
            alone = embed_with_cache(options.embedder, alone_cache, dict(zip(hashes, (t for _, _, t in lonely))),
                                     options.batch_size)
            for (item, span, _), h in zip(lonely, hashes):
                item.unit_vectors[span] = alone[h]
    except Exception as exc:  # the prose model then embeds units alone; the documents go on
        log.warning("embedding passages failed (%s); units are embedded alone", one_line(exc))
        for item in pending:
            item.unit_vectors = None
    share = (time.perf_counter() - started) / len(pending)
    for item in pending:
        item.seconds += share
    return items
