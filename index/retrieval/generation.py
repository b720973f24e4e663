"""Loaded index generations: a :class:`Segment` (one immutable run of rows) and a
:class:`Generation` (segments laid end to end, minus tombstones, with its term patch),
with the filter mask, dense search and chunk lookup a query runs on.

The folders they load are described in :mod:`~saksfinn.index.retrieval.layout`;
writing and publishing them is :mod:`~saksfinn.index.retrieval.publishing`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from saksfinn.index.retrieval.dense import DenseIndex
from saksfinn.index.retrieval.analysis import Analyzer, WordCounts
from saksfinn.index.retrieval.layout import DEAD_FILE, FORMAT, MANIFEST, PATCH_DIR, SEGMENT_INFO, WORDS_FILE
from saksfinn.index.retrieval.layout import lexical_text, write_meta  # noqa: F401  (imported from here by tests, bench)
from saksfinn.index.retrieval.lexical import LegacyLexicalIndex, LexicalIndex
from saksfinn.index.retrieval.postings import LexicalSegment, TermPatch
from saksfinn.models.chunk import Chunk, SearchFilters

FILTER_COLUMNS = ("municipality", "doc_type", "type", "polarity")


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
        for i, name in enumerate(FILTER_COLUMNS):
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
        for name in FILTER_COLUMNS:
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
