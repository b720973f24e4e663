"""Updating a generation at the cost of what changed, and merging its segments.

:func:`apply_update` writes the new chunks as a delta segment and tombstones the removed
ones, then merges segments by the tiered policy of :mod:`~saksfinn.index.retrieval.tiers`:
small deltas with each other, the big base segment only when the deltas together have
grown to its size. A merge (:func:`append_segments`) lays the segments' rows end to end
as they were — row numbers do not change, withdrawn rows stay as tombstones — so the
first segment's vector index is kept and the others' vectors are added to it (an HNSW
graph grows incrementally), postings are concatenated with the term patch of those rows
folded in, and chunk records are copied in SQLite: the cost follows the merged deltas.
Only when tombstones outgrow :data:`COMPACT_FRACTION` of the rows are they dropped:
every segment becomes one with rows numbered anew and its vector index built again
(:func:`merge_segments`). No chunk is read or analysed again in either. BM25 statistics
are taken over the live rows at query time and ties are broken by chunk id, so an
updated index answers exactly as a full rebuild of the same chunks (property-tested;
dense search over an HNSW segment is approximate in both).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from saksfinn.index.retrieval.dense import DenseIndex
from saksfinn.index.retrieval.generation import Generation, Segment
from saksfinn.index.retrieval.layout import lexical_text, write_meta
from saksfinn.index.retrieval.publishing import (
    building_segment, segment_info, segment_record, write_generation, write_segment,
)
from saksfinn.index.retrieval.analysis import Analyzer, WordCounts, resplit_words
from saksfinn.index.retrieval.postings import LexicalSegment, TermPatch, build_postings
from saksfinn.index.retrieval.tiers import MERGE_FACTOR, plan_merges
from saksfinn.models.chunk import Chunk
from saksfinn.models.errors import SaksfinnError

COMPACT_FRACTION = 0.2  # tombstones above this share of the rows: renumbered into one segment


class NeedsRebuild(SaksfinnError):
    """:meth:`SearchIndex.update` cannot build on the current generation: build it whole."""


@dataclass(frozen=True)
class IndexUpdate:
    folder: Path  # the generation now current
    compacted: bool  # tombstones dropped: rebuilt into one segment
    added: int
    removed: int
    patched: int  # old chunks whose terms were patched: the vocabulary change splits a word of theirs anew
    merged: int = 0  # segments (the new delta included) merged by the tiered policy
    segments: int = 1  # segments of the new generation


def apply_update(
    out_dir: Path,
    gen: Generation,
    added: Sequence[Chunk],
    removed: Collection[str],
    vectors: Callable[[Sequence[Chunk]], np.ndarray] | None,
    fraction: float,
    merge_factor: int = MERGE_FACTOR,
) -> IndexUpdate:
    live = gen.live_rows()
    row_of = {gen.chunk_ids[r]: int(r) for r in live}
    gone = sorted({row_of[c] for c in removed if c in row_of})
    fresh = list({c.chunk_id: c for c in added if c.chunk_id not in row_of}.values())
    if not gone and not fresh:
        return IndexUpdate(gen.folder, compacted=False, added=0, removed=0, patched=0, segments=len(gen.segments))
    old_words = WordCounts.load(gen.words)
    words = old_words.copy()
    words.remove(lexical_text(c) for c in gen.chunks(gone))
    words.add(lexical_text(c) for c in fresh)
    dead = np.union1d(np.flatnonzero(~gen.live) if gen.live is not None else np.zeros(0, dtype=np.int64),
                      np.asarray(gone, dtype=np.int64)).astype(np.int64)
    count = gen.count - len(gone) + len(fresh)
    old_analyzer, analyzer = gen.lexical.analyzer, Analyzer(words.vocabulary())
    patch, patched = resplit_patch(gen, old_analyzer, analyzer, old_words, words, dead)
    analysed = [analyzer.analyze(lexical_text(c)) for c in fresh]
    fresh_vectors = None
    if vectors is not None and fresh:
        fresh_vectors = np.asarray(vectors(fresh), dtype=np.float32).reshape(len(fresh), -1)
        if gen.dim is not None and fresh_vectors.shape[1] != gen.dim:
            raise ValueError(f"vectors have dimension {fresh_vectors.shape[1]}, the index has {gen.dim}")
    if len(dead) > fraction * (gen.size + len(fresh)):
        folder = merge_segments(out_dir, gen, dead, patch, fresh, analysed, fresh_vectors, words, count)
        return IndexUpdate(folder, compacted=True, added=len(fresh), removed=len(gone), patched=patched,
                           merged=len(gen.segments) + bool(fresh))
    sizes = [seg.rows for seg in gen.segments] + ([len(fresh)] if fresh else [])
    infos: list[dict] = []
    merged = 0
    for group in plan_merges(sizes, merge_factor):
        segs = [gen.segments[i] for i in group if i < len(gen.segments)]
        with_fresh = group[-1] == len(gen.segments)
        if len(group) == 1 and not with_fresh:
            infos.append(segment_info(segs[0]))
        elif not segs:
            infos.append(write_segment(out_dir, fresh, analysed, fresh_vectors, gen.size))
        else:
            infos.append(append_segments(out_dir, gen, segs, dead, patch, fresh if with_fresh else [],
                                         analysed if with_fresh else [], fresh_vectors if with_fresh else None))
            patch = patch.outside(segs[0].offset, segs[-1].offset + segs[-1].rows)
            merged += len(group)
    folder = write_generation(out_dir, infos, dead, words, count, patch)
    return IndexUpdate(folder, compacted=False, added=len(fresh), removed=len(gone), patched=patched, merged=merged,
                       segments=len(infos))


def append_segments(out_dir: Path, gen: Generation, segs: Sequence[Segment], dead: np.ndarray, patch: TermPatch,
                    fresh: Sequence[Chunk], analysed: Sequence[tuple[list[str], list[str]]],
                    fresh_vectors: np.ndarray | None) -> dict:
    """Neighbouring segments ``segs`` (and the new chunks after them) as one segment whose
    rows keep their numbers: chunk records copied in SQLite (tombstoned rows too, so rows
    stay where they were), postings concatenated with the term patch of these rows folded
    in and the tombstones' postings dropped, and the first segment's vector index extended
    by the others' vectors (:meth:`DenseIndex.extend`) — the cost follows the rows after
    the first segment, except for a flat index grown into an HNSW graph."""
    start = segs[0].offset
    stop = segs[-1].offset + segs[-1].rows  # the first new row, when there are new chunks
    n = stop - start + len(fresh)
    new_row = np.full(gen.size, -1, dtype=np.int64)
    new_row[start:stop] = np.arange(stop - start)
    new_row[dead] = -1  # their postings go; their rows stay (tombstones)
    with building_segment(out_dir) as (name, tmp):
        copies = []
        for seg in segs:
            own = np.full(gen.size, -1, dtype=np.int64)
            own[seg.offset : seg.offset + seg.rows] = np.arange(seg.offset, seg.offset + seg.rows)
            copies.append((seg.folder / "meta.sqlite", own))
        write_meta(tmp / "meta.sqlite", fresh, stop, copy=copies)
        lengths = np.zeros(n, dtype=np.int32)
        raw = np.concatenate([np.asarray(seg.lexical.lengths, dtype=np.int64) for seg in segs])
        inside = (patch.len_rows >= start) & (patch.len_rows < stop)
        raw[patch.len_rows[inside] - start] += patch.dlen[inside].astype(np.int64)
        lengths[: stop - start] = raw
        lengths[stop - start :] = [max(1, len(a[0])) for a in analysed]
        terms, indptr, rows, tf = merged_postings(
            [(seg.lexical.terms, seg.lexical.indptr, seg.lexical.rows, seg.lexical.tf, seg.offset) for seg in segs],
            patch, new_row, [a[0] or [""] for a in analysed], stop - start)
        wterms, windptr, wrows, wtf = merged_postings(
            [(seg.lexical.words, seg.lexical.w_indptr, seg.lexical.w_rows, seg.lexical.w_tf, seg.offset) for seg in segs],
            None, new_row, [a[1] for a in analysed], stop - start)
        LexicalSegment(terms, indptr, rows, tf, lengths, wterms, windptr, wrows, wtf).save(tmp / "lexical")
        dense = None
        if segs[0].has_dense:
            dense = DenseIndex.load(segs[0].folder / "dense")
            later = [np.asarray(seg.dense_vectors(), dtype=np.float32) for seg in segs[1:]]
            if fresh_vectors is not None and len(fresh):
                later.append(np.asarray(fresh_vectors, dtype=np.float32))
            if later:
                matrix = np.concatenate(later)
                dense = dense.extend(matrix, np.arange(start + segs[0].rows, start + n, dtype=np.int64))
            dense.save(tmp / "dense")
        info = segment_record(tmp, name, start, n, dense)
    return info


def merge_segments(out_dir: Path, gen: Generation, dead: np.ndarray, patch: TermPatch, fresh: Sequence[Chunk],
           analysed: Sequence[tuple[list[str], list[str]]], fresh_vectors: np.ndarray | None, words: WordCounts,
           count: int) -> Path:
    """Compaction without reading the chunks again: the live rows of every segment (in
    chunk-id order) and the new chunks become one segment — chunk records copied in
    SQLite, postings merged with the patch applied, tombstones dropped, vectors taken from
    the segments — so it scores exactly as a full rebuild of the same chunks."""
    alive = np.ones(gen.size, dtype=bool)
    alive[dead] = False
    keep = np.flatnonzero(alive)
    keep = keep[np.argsort(gen.chunk_ids[keep], kind="stable")]
    new_row = np.full(gen.size, -1, dtype=np.int64)
    new_row[keep] = np.arange(len(keep))
    n = len(keep) + len(fresh)
    with building_segment(out_dir) as (name, tmp):
        copies = []
        for seg in gen.segments:  # each segment's own rows only
            own = np.full(gen.size, -1, dtype=np.int64)
            own[seg.offset : seg.offset + seg.rows] = new_row[seg.offset : seg.offset + seg.rows]
            copies.append((seg.folder / "meta.sqlite", own))
        write_meta(tmp / "meta.sqlite", fresh, len(keep), copy=copies)
        lengths = np.zeros(n, dtype=np.int32)
        raw = np.concatenate([np.asarray(seg.lexical.lengths, dtype=np.int64) for seg in gen.segments])
        if len(patch.len_rows):  # the cumulative patch, this update's changes included
            raw[patch.len_rows] += patch.dlen.astype(np.int64)
        lengths[: len(keep)] = raw[keep]
        lengths[len(keep) :] = [max(1, len(a[0])) for a in analysed]
        terms, indptr, rows, tf = merged_postings(
            [(seg.lexical.terms, seg.lexical.indptr, seg.lexical.rows, seg.lexical.tf, seg.offset) for seg in gen.segments],
            patch, new_row, [a[0] or [""] for a in analysed], len(keep))
        wterms, windptr, wrows, wtf = merged_postings(
            [(seg.lexical.words, seg.lexical.w_indptr, seg.lexical.w_rows, seg.lexical.w_tf, seg.offset)
             for seg in gen.segments], None, new_row, [a[1] for a in analysed], len(keep))
        LexicalSegment(terms, indptr, rows, tf, lengths, wterms, windptr, wrows, wtf).save(tmp / "lexical")
        dense = None
        if gen.dense:
            # keep is in chunk-id order, not segment order: gather each row from its segment
            where = np.searchsorted(gen.offsets, keep, side="right") - 1
            matrix = np.zeros((n, gen.dim), dtype=np.float32)
            for i, seg in enumerate(gen.segments):
                sel = np.flatnonzero(where == i)
                matrix[sel] = np.asarray(seg.dense_vectors()[keep[sel] - seg.offset], dtype=np.float32)
            if fresh_vectors is not None:
                matrix[len(keep) :] = np.asarray(fresh_vectors, dtype=np.float32).reshape(len(fresh), -1)
            dense = DenseIndex.build(matrix, np.arange(n, dtype=np.int64))
            dense.save(tmp / "dense")
        info = segment_record(tmp, name, 0, n, dense)
    return write_generation(out_dir, [info], np.zeros(0, dtype=np.int64), words, count)


def merged_postings(
    parts: Sequence[tuple[list[str], np.ndarray, np.ndarray, np.ndarray, int]], patch: TermPatch | None,
    new_row: np.ndarray, fresh: Sequence[Sequence[str]], first_fresh: int,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """One postings list from segments (rows renumbered by ``new_row``, −1 dropped), a
    patch and new texts (rows from ``first_fresh``); keys without a posting left are dropped."""
    vocab: dict[str, int] = {}
    keys: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    tfs: list[np.ndarray] = []
    for terms, indptr, seg_rows, tf, offset in parts:
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in terms), dtype=np.int64, count=len(terms))
        keys.append(np.repeat(ids, np.diff(np.asarray(indptr))))
        rows.append(new_row[np.asarray(seg_rows, dtype=np.int64) + offset])
        tfs.append(np.asarray(tf, dtype=np.float64))
    if patch is not None and len(patch):
        keys.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t in patch.terms), dtype=np.int64, count=len(patch)))
        rows.append(new_row[patch.rows])
        tfs.append(patch.dtf)
    f_terms, f_indptr, f_rows, f_tf = build_postings(fresh)
    ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in f_terms), dtype=np.int64, count=len(f_terms))
    keys.append(np.repeat(ids, np.diff(f_indptr)))
    rows.append(f_rows.astype(np.int64) + first_fresh)
    tfs.append(f_tf.astype(np.float64))
    k, r, tf = np.concatenate(keys), np.concatenate(rows), np.concatenate(tfs)
    ok = r >= 0
    k, r, tf = k[ok], r[ok], tf[ok]
    span = max(int(new_row.max(initial=-1)) + 1, first_fresh + len(fresh)) + 1
    pair, inverse = np.unique(k * span + r, return_inverse=True)
    total = np.bincount(inverse.ravel(), weights=tf)
    pair, total = pair[total > 0], total[total > 0]
    k, r = pair // span, pair % span
    used, k = np.unique(k, return_inverse=True)  # renumber the keys still in use
    names = list(vocab)
    terms = [names[i] for i in used]
    indptr = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(k.ravel(), minlength=len(terms)), out=indptr[1:])
    return terms, indptr, r.astype(np.int32), total.astype(np.float32)


def resplit_patch(gen: Generation, old: Analyzer, new: Analyzer, old_words: WordCounts, words: WordCounts,
                   dead: np.ndarray) -> tuple[TermPatch, int]:
    """The generation's term patch plus the changes for every word that the new vocabulary
    splits differently: in each live row holding it ``m`` times, ``−m`` for the terms it
    loses, ``+m`` for those it gains, and the length by ``m·(gained − lost)``. Returns the
    patch and how many rows it changed now."""
    resplit = resplit_words(old, new, (w for w in old_words.counts if w in words.counts))
    terms: list[str] = []
    rows: list[np.ndarray] = []
    dtf: list[np.ndarray] = []
    len_rows: list[np.ndarray] = []
    dlen: list[np.ndarray] = []
    touched: set[int] = set()
    for word in sorted(resplit):
        r, m = gen.lexical.word_postings(word)
        keep = ~np.isin(r, dead)
        r, m = r[keep], m[keep].astype(np.float64)
        if not len(r):
            continue
        before, after = old.terms_of_word(word), new.terms_of_word(word)
        for term, sign in [(t, -1.0) for t in before if t not in after] + [(t, 1.0) for t in after if t not in before]:
            terms += [term] * len(r)
            rows.append(r)
            dtf.append(sign * m)
        len_rows.append(r)
        dlen.append(m * (len(after) - len(before)))
        touched.update(r.tolist())
    if not len_rows:
        return gen.lexical.patch or TermPatch(), 0
    empty = np.zeros(0)
    patch = (gen.lexical.patch or TermPatch()).plus(
        terms, np.concatenate(rows) if rows else empty, np.concatenate(dtf) if dtf else empty,
        np.concatenate(len_rows), np.concatenate(dlen))
    return patch, len(touched)

