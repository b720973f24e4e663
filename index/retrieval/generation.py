"""Index generations on disk: immutable segments laid end to end, tombstones, term patch.

Layout of an index folder::

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

Every folder is written under ``.building-<name>`` and renamed when complete; then
``CURRENT.tmp`` is written and ``os.replace``-d onto ``CURRENT``. A reader therefore sees
the old or the new generation, never a half-written one, and a run killed at any point
leaves the previous generation current. Generations that are neither current nor the
one before, and older than :data:`PRUNE_GRACE_SECONDS`, are deleted after a build, then
segments no remaining generation names (a reader that already loaded one keeps
working: its data is in memory or held by open file handles).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from saksfinn.index.retrieval.chunking import context_text
from saksfinn.index.retrieval.dense import DenseIndex
from saksfinn.index.retrieval.analysis import Analyzer, WordCounts
from saksfinn.index.retrieval.lexical import LegacyLexicalIndex, LexicalIndex
from saksfinn.index.retrieval.postings import LexicalSegment, TermPatch
from saksfinn.models.chunk import Chunk, SearchFilters

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
PRUNE_GRACE_SECONDS = 60.0
FILTER_COLUMNS = ("municipality", "doc_type", "type", "polarity")
FORMAT = 2  # generations of segments; format 1 (one bm25s index per generation) is rebuilt
SEGMENT_PREFIX = "seg-"
SEGMENT_INFO = "segment.json"
DEAD_FILE = "dead.npy"
WORDS_FILE = "words.json"
PATCH_DIR = "patch"


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



def read_current(out_dir: Path) -> str | None:
    try:
        return (Path(out_dir) / CURRENT).read_text().strip() or None
    except FileNotFoundError:
        return None


def stamp() -> str:
    return f"{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"


@contextmanager
def building_segment(out_dir: Path) -> Iterator[tuple[str, Path]]:
    """A new segment's name and the temporary folder to fill; renamed to the name when the
    block completes, deleted when it fails, so a segment folder is always complete."""
    name = f"{SEGMENT_PREFIX}{stamp()}"
    tmp = out_dir / f".building-{name}"
    tmp.mkdir()
    try:
        yield name, tmp
        os.replace(tmp, out_dir / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def segment_record(tmp: Path, name: str, offset: int, rows: int, dense: DenseIndex | None) -> dict:
    """Write the segment's ``segment.json`` into ``tmp`` and return it."""
    info = {"name": name, "offset": offset, "rows": rows,
            "dim": dense.dim if dense else None, "dense_kind": dense.kind if dense else None}
    (tmp / SEGMENT_INFO).write_text(json.dumps(info))
    return info


def write_segment(
    out_dir: Path, chunks: Sequence[Chunk], analysed: Sequence[tuple[list[str], list[str]]], vectors: np.ndarray | None,
    offset: int,
) -> dict:
    """Write rows ``offset ..`` as a new segment folder (complete before it gets its name)."""
    with building_segment(out_dir) as (name, tmp):
        write_meta(tmp / "meta.sqlite", chunks, offset)
        LexicalSegment.build([a[0] for a in analysed], [a[1] for a in analysed]).save(tmp / "lexical")
        dense = None
        if vectors is not None:
            matrix = np.asarray(vectors, dtype=np.float32)
            matrix = matrix if matrix.ndim == 2 else matrix.reshape(len(chunks), -1)
            dense = DenseIndex.build(matrix, np.arange(offset, offset + len(chunks), dtype=np.int64))
            dense.save(tmp / "dense")
        info = segment_record(tmp, name, offset, len(chunks), dense)
    return info


def write_generation(out_dir: Path, segments: Sequence[dict], dead: np.ndarray, words: WordCounts, count: int,
                      patch: TermPatch | None = None) -> Path:
    """Write a generation naming ``segments`` (in row order), make it current, prune."""
    folder = out_dir / f"gen-{stamp()}"
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
    previous = read_current(out_dir)
    pointer = out_dir / f"{CURRENT}.tmp-{secrets.token_hex(3)}"
    pointer.write_text(folder.name)
    os.replace(pointer, out_dir / CURRENT)
    log.info("index generation %s: %d chunks in %d segment(s), %d tombstones", folder.name, count, len(segments), len(dead))
    prune(out_dir, keep=(folder.name, previous))
    return folder


def segment_info(seg: Segment) -> dict:
    return json.loads((seg.folder / SEGMENT_INFO).read_text())



def prune(out_dir: Path, *, keep: Sequence[str | None] = (), grace_seconds: float = PRUNE_GRACE_SECONDS) -> list[str]:
    """Delete generations other than CURRENT and ``keep`` older than ``grace_seconds``,
    then segments no remaining generation names (as old). Returns the generations removed."""
    out_dir = Path(out_dir)
    keep_names = {k for k in keep if k} | {read_current(out_dir)}
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


def write_meta(path: Path, chunks: Sequence[Chunk], offset: int = 0, *,
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

