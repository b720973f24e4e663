"""The search index: BM25 + dense vectors + chunk metadata, in segments and generations.

:class:`SearchIndex` is the entry point: :meth:`~SearchIndex.build` writes one segment
holding every chunk, :meth:`~SearchIndex.update` costs what changed
(:mod:`~saksfinn.index.retrieval.updating`), :meth:`~SearchIndex.search` ranks
(:mod:`~saksfinn.index.retrieval.ranking`) and assembles hits
(:mod:`~saksfinn.index.retrieval.hits`). The on-disk layout is in
:mod:`~saksfinn.index.retrieval.layout`, loaded generations in
:mod:`~saksfinn.index.retrieval.generation`, atomic swaps and pruning in
:mod:`~saksfinn.index.retrieval.publishing`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from dataclasses import replace
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from saksfinn.index.retrieval.generation import Generation
from saksfinn.index.retrieval.layout import (
    CURRENT, DEAD_FILE, FORMAT, MANIFEST, SEGMENT_PREFIX, lexical_text, read_current,
)
from saksfinn.index.retrieval.publishing import PRUNE_GRACE_SECONDS, prune, write_generation, write_segment
from saksfinn.index.retrieval.hits import highlight, make_hit, unique_texts
from saksfinn.index.retrieval.analysis import Analyzer, WordCounts
from saksfinn.index.retrieval.ranking import (
    DEFAULT_FUSION, Fusion, Ranking, bm25_pool, dense_pool, diversify, fuse, lift_documents,
)
from saksfinn.index.retrieval.expansion import merged, query_words, translated_words
from saksfinn.index.retrieval.passages import demote_front_matter, rerank_passages
from saksfinn.index.retrieval.tiers import MERGE_FACTOR
from saksfinn.index.retrieval.translation import OtherStandard
from saksfinn.index.retrieval.updating import COMPACT_FRACTION, IndexUpdate, NeedsRebuild, apply_update
from saksfinn.models.chunk import Chunk, Hit, SearchFilters
from saksfinn.models.errors import IndexNotBuiltError, SaksfinnError

__all__ = [
    "CURRENT", "SEGMENT_PREFIX", "DEFAULT_FUSION", "Fusion", "Ranking", "Generation", "IndexUpdate", "NeedsRebuild", "SearchIndex",
    "highlight", "lexical_text",
]

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "bm25", "dense"]


class SearchIndex:
    """Searches the current generation under ``out_dir``; reloads when CURRENT changes."""

    def __init__(self, out_dir: Path, *, ranking: Ranking | None = None, fusion: Fusion | None = None,
                 max_per_document: int | None = None):
        """``ranking`` holds every ranking knob (default: the measured :class:`Ranking`);
        ``fusion`` and ``max_per_document``, when given, replace its own."""
        self.out_dir = Path(out_dir)
        ranking = ranking or Ranking()
        if fusion is not None:
            ranking = replace(ranking, fusion=fusion)
        if max_per_document is not None:
            ranking = replace(ranking, max_per_document=max_per_document)
        self.ranking = ranking
        self._generation: Generation | None = None
        self._lock = threading.Lock()

    # ---- building -------------------------------------------------------------------

    @staticmethod
    def build(chunks: list[Chunk], vectors: np.ndarray | None, out_dir: Path) -> Path:
        """Write a complete new generation for ``chunks`` (one segment) and make it current.

        ``vectors`` holds one L2-normalised row per chunk (same order) or is ``None``
        for a BM25-only index. Returns the new generation's folder.
        """
        out_dir = Path(out_dir)
        if vectors is not None and len(vectors) != len(chunks):
            raise ValueError(f"{len(vectors)} vectors for {len(chunks)} chunks")
        out_dir.mkdir(parents=True, exist_ok=True)
        texts = [lexical_text(c) for c in chunks]
        words = WordCounts.of(texts)
        analyzer = Analyzer(words.vocabulary())
        segment = write_segment(out_dir, chunks, [analyzer.analyze(t) for t in texts], vectors, 0)
        return write_generation(out_dir, [segment], np.zeros(0, dtype=np.int64), words, len(chunks))

    @staticmethod
    def update(
        out_dir: Path,
        added: Sequence[Chunk],
        removed: Collection[str],
        vectors: Callable[[Sequence[Chunk]], np.ndarray] | None,
        *,
        compact_fraction: float = COMPACT_FRACTION,
        merge_factor: int = MERGE_FACTOR,
    ) -> IndexUpdate:
        """Make current a generation holding the current one's chunks less ``removed``
        (chunk ids) plus ``added``, at a cost that follows the change.

        The new chunks go into a new delta segment (BM25 postings and a vector index of
        their own); removed chunks become tombstones. Where the vocabulary change
        makes a word of older chunks split differently (a compound whose part is now
        known), their term frequencies and lengths are patched from the segments' word
        postings (:class:`TermPatch`), so every live chunk is indexed as a full rebuild
        would index it, without reading it again. Segments are then merged by the tiered
        policy (:mod:`~saksfinn.index.retrieval.tiers`, ``merge_factor`` segments of one
        level at a time: :func:`append_segments`, rows keep their numbers and the first
        segment's vector index grows); when tombstones exceed ``compact_fraction`` of the
        rows, all segments become one with the tombstones dropped instead
        (:func:`merge_segments`). No chunk is analysed again. An index of an older format, or with
        (no) vectors where ``vectors`` says otherwise, raises :class:`NeedsRebuild`.
        ``vectors`` gives the vectors of any chunks (``None``: BM25 only).
        """
        out_dir = Path(out_dir)
        name = read_current(out_dir)
        try:
            gen = Generation(out_dir / name, for_update=True) if name else None
        except (OSError, ValueError, KeyError, sqlite3.Error) as exc:
            log.info("index generation %s not reusable (%s): rebuilding", name, exc)
            gen = None
        if gen is None or gen.legacy or gen.dense != (vectors is not None):
            if gen is not None:
                gen.close()
            raise NeedsRebuild("no current generation of this kind")
        try:
            return apply_update(out_dir, gen, added, removed, vectors, compact_fraction, merge_factor)
        finally:
            gen.close()

    @staticmethod
    def indexed_chunk_ids(out_dir: Path) -> set[str]:
        """The live chunk ids of the current generation (raises NeedsRebuild without one
        of this format), read from its segments' chunk tables alone."""
        name = read_current(Path(out_dir))
        try:
            folder = Path(out_dir) / (name or "")
            manifest = json.loads((folder / MANIFEST).read_text()) if name else {}
            if manifest.get("format") != FORMAT:
                raise NeedsRebuild(f"no current index generation of format {FORMAT}")
            dead = set(np.load(folder / DEAD_FILE).tolist())
            ids: set[str] = set()
            for seg in manifest["segments"]:
                db = sqlite3.connect(f"file:{Path(out_dir) / seg / 'meta.sqlite'}?mode=ro", uri=True)
                try:
                    ids.update(cid for row, cid in db.execute("SELECT row, chunk_id FROM chunks") if row not in dead)
                finally:
                    db.close()
            return ids
        except (OSError, ValueError, KeyError, sqlite3.Error) as exc:
            raise NeedsRebuild(f"index generation {name} not readable: {exc}") from exc

    @staticmethod
    def prune(out_dir: Path, *, keep: Sequence[str | None] = (), grace_seconds: float = PRUNE_GRACE_SECONDS) -> list[str]:
        """Delete generations other than CURRENT and ``keep`` older than ``grace_seconds``,
        then segments no remaining generation names (as old). Returns the generations removed."""
        return prune(out_dir, keep=keep, grace_seconds=grace_seconds)

    # ---- reading --------------------------------------------------------------------

    @classmethod
    def open(cls, out_dir: Path, **kwargs: object) -> SearchIndex:
        """Open the index under ``out_dir``; raises IndexNotBuiltError if none exists."""
        index = cls(Path(out_dir), **kwargs)  # type: ignore[arg-type]
        index.current()
        return index

    def current(self) -> Generation:
        """The live generation, loading it first if CURRENT has changed."""
        for _ in range(5):
            name = read_current(self.out_dir)
            if name is None:
                raise IndexNotBuiltError(f"no search index in {self.out_dir}")
            gen = self._generation
            if gen is not None and gen.name == name:
                return gen
            with self._lock:
                gen = self._generation
                if gen is not None and gen.name == name:
                    return gen
                try:
                    loaded = Generation(self.out_dir / name)
                except (OSError, sqlite3.Error, ValueError) as exc:  # pruned while loading: re-read
                    log.warning("could not load index generation %s: %s", name, exc)
                    time.sleep(0.05)
                    continue
                self._generation = loaded  # the old one stays usable by searches holding it
                return loaded
        raise IndexNotBuiltError(f"search index in {self.out_dir} could not be loaded")

    def search(
        self,
        query: str,
        qvec: np.ndarray | None,
        *,
        top: int = 10,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
        other: OtherStandard | None = None,
        other_vec: np.ndarray | None = None,
    ) -> list[Hit]:
        """The best ``top`` chunks for ``query`` (text) and ``qvec`` (its query embedding).

        ``mode="bm25"`` ignores ``qvec``; ``"dense"`` requires it; ``"hybrid"`` falls back
        to BM25 when ``qvec`` is ``None`` or the index has no vectors. ``other`` is the
        query machine-translated into the other written standard and ``other_vec`` its
        embedding (:mod:`~saksfinn.index.retrieval.translation`; either may be ``None``),
        used as the ranking's ``translation_*`` knobs say.
        """
        filters = filters or SearchFilters()
        if mode not in ("hybrid", "bm25", "dense"):
            raise SaksfinnError(f"unknown search mode {mode!r}")
        gen = self.current()
        if gen.count == 0 or top <= 0:
            return []
        mask = gen.mask(filters)
        if mask is not None and not mask.any():
            return []
        ranking = self.ranking
        pool = max(ranking.pool, top * 5)
        words = query_words(gen.lexical, query, ranking.counterpart_weight, ranking.part_weight)
        if other is not None and (not ranking.translation or other.source not in ranking.translation_from):
            other, other_vec = None, None
        if other is not None:
            words += translated_words(gen.lexical, other.text, words, ranking.translation_weight, ranking.part_weight)
        weights = merged(words)
        terms = list(weights)
        channels: dict[str, list[tuple[int, float]]] = {}
        if mode in ("hybrid", "bm25"):
            channels["bm25"] = bm25_pool(gen, query, mask, pool, ranking, weights)
        if mode in ("hybrid", "dense"):
            if qvec is not None and gen.dense:
                channels["dense"] = dense_pool(gen, qvec, mask, pool, filtered=not filters.is_empty(),
                                               other_vec=other_vec, ranking=ranking)
                if other_vec is not None and ranking.translation_dense == "channel":
                    channels["dense_other"] = dense_pool(gen, other_vec, mask, pool, filtered=not filters.is_empty())
            elif mode == "dense":
                raise SaksfinnError("dense search needs a query vector and an index built with vectors")
        fused = fuse(channels, ranking.fusion, gen.keys, {"dense_other": ranking.translation_dense_weight})
        fused = lift_documents(fused, gen.doc_codes, ranking.doc_weight, ranking.doc_depth, gen.keys)
        depth = min(len(fused), max(ranking.passage_depth, top))
        if ranking.front_matter_demotion > 0 or ranking.passages.active:
            head = [row for row, _ in fused[:depth]]
            by_row = dict(zip(head, gen.chunks(head)))
            # the demotion re-sorts only these rows, so the passage features see the same ones
            fused = demote_front_matter(fused, [by_row[row] for row, _ in fused[:depth]], ranking.front_matter_demotion,
                                        keys=gen.keys)
            if ranking.passages.active:
                fused = rerank_passages(fused, [by_row[row] for row, _ in fused[:depth]], words, gen.lexical.analyzer,
                                        ranking.passages, keys=gen.keys, doc_codes=gen.doc_codes)
        ranked = diversify(fused, gen.doc_codes, ranking.max_per_document, top * 3)
        ranked, chunks = unique_texts(ranked, gen.chunks([row for row, _ in ranked]), top)
        per_channel = {name: dict(items) for name, items in channels.items()}
        return [
            make_hit(rank, score, chunk, {n: float(s[row]) for n, s in per_channel.items() if row in s}, gen.lexical.analyzer, terms)
            for rank, ((row, score), chunk) in enumerate(zip(ranked, chunks), start=1)
        ]

