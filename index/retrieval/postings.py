"""BM25 postings: per segment, the rows holding each term and how often (:class:`LexicalSegment`),
and the patch of term frequencies that keeps older segments right when the splitting
vocabulary changes (:class:`TermPatch`). Scoring over them: :mod:`~saksfinn.index.retrieval.lexical`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import numpy as np


def build_postings(lists: Sequence[Sequence[str]], *, empty: str | None = None) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(keys, indptr, rows, counts): for every key, the rows holding it (ascending) and how often."""
    if empty is not None:
        lists = [items or [empty] for items in lists]
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = list(chain.from_iterable(lists))
    vocab = {key: i for i, key in enumerate(dict.fromkeys(flat))}
    ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    docs = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    pairs, counts = np.unique(ids * max(1, len(lists)) + docs, return_counts=True)
    k, rows = np.divmod(pairs, max(1, len(lists)))  # sorted by key, then row
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(k, minlength=len(vocab)), out=indptr[1:])
    return list(vocab), indptr, rows.astype(np.int32), counts.astype(np.float32)


class LexicalSegment:
    """Postings of a run of texts: for every term, the rows (0-based in the segment) that
    hold it and how often, plus each text's length in terms. Statistics that depend on
    the whole corpus (document frequency, average length, number of texts) are taken at
    query time, so segments built at different times score alike. The rows holding each
    splittable word (:meth:`Analyzer.analyze`) are kept too, so when the vocabulary
    changes how a word splits its rows' terms can be patched without reading them."""

    _ARRAYS = ("indptr", "rows", "tf", "lengths", "w_indptr", "w_rows", "w_tf")

    def __init__(self, terms: list[str], indptr: np.ndarray, rows: np.ndarray, tf: np.ndarray, lengths: np.ndarray,
                 words: list[str] | None = None, w_indptr: np.ndarray | None = None, w_rows: np.ndarray | None = None,
                 w_tf: np.ndarray | None = None) -> None:
        self.terms = terms
        self.term_ids = {t: i for i, t in enumerate(terms)}
        self.indptr, self.rows, self.tf, self.lengths = indptr, rows, tf, lengths
        self.words = words or []
        self.word_ids = {w: i for i, w in enumerate(self.words)}
        self.w_indptr = np.zeros(1, dtype=np.int64) if w_indptr is None else w_indptr
        self.w_rows = np.zeros(0, dtype=np.int32) if w_rows is None else w_rows
        self.w_tf = np.zeros(0, dtype=np.float32) if w_tf is None else w_tf

    @property
    def size(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, term_lists: Sequence[Sequence[str]], word_lists: Sequence[Sequence[str]] | None = None) -> LexicalSegment:
        # an empty text is one empty term long, as bm25s had it
        lengths = np.array([max(1, len(t)) for t in term_lists], dtype=np.int32)
        terms, indptr, rows, tf = build_postings(term_lists, empty="")
        words, w_indptr, w_rows, w_tf = build_postings(word_lists or [])
        return cls(terms, indptr, rows, tf, lengths, words, w_indptr, w_rows, w_tf)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        i = self.term_ids.get(term)
        if i is None:
            return None
        a, b = self.indptr[i], self.indptr[i + 1]
        return self.rows[a:b], self.tf[a:b]

    def word_postings(self, word: str) -> tuple[np.ndarray, np.ndarray] | None:
        i = self.word_ids.get(word)
        if i is None:
            return None
        a, b = self.w_indptr[i], self.w_indptr[i + 1]
        return self.w_rows[a:b], self.w_tf[a:b]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in self._ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        (folder / "terms.json").write_text(json.dumps({"terms": self.terms, "words": self.words}, ensure_ascii=False),
                                           encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalSegment:
        arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in cls._ARRAYS}
        keys = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        return cls(keys["terms"], words=keys["words"], **arrays)


class TermPatch:
    """Changes to indexed term frequencies and lengths of existing rows, made when the
    vocabulary changed how some of their words split: ``(term, row, Δtf)`` and
    ``(row, Δlength)``. Kept per generation (cumulative) until the next compaction."""

    def __init__(self, terms: Sequence[str] = (), rows: np.ndarray | None = None, dtf: np.ndarray | None = None,
                 len_rows: np.ndarray | None = None, dlen: np.ndarray | None = None) -> None:
        t = np.asarray(terms, dtype=object)
        r = np.zeros(0, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        d = np.zeros(0, dtype=np.float64) if dtf is None else np.asarray(dtf, dtype=np.float64)
        # one entry per (term, row), zeros dropped
        if len(t):
            keys, code = np.unique(t, return_inverse=True)
            span = int(r.max()) + 1
            pair, inverse = np.unique(code.ravel().astype(np.int64) * span + r, return_inverse=True)
            total = np.bincount(inverse.ravel(), weights=d)
            keep = total != 0
            t, r, d = keys[pair[keep] // span], pair[keep] % span, total[keep]
        self.terms, self.rows, self.dtf = list(t), r, d
        self.by_term: dict[str, tuple[int, int]] = {}
        for i, term in enumerate(self.terms):  # sorted by term, so each term is one run
            start = self.by_term.get(term, (i, i))[0]
            self.by_term[term] = (start, i + 1)
        lr = np.zeros(0, dtype=np.int64) if len_rows is None else np.asarray(len_rows, dtype=np.int64)
        dl = np.zeros(0, dtype=np.float64) if dlen is None else np.asarray(dlen, dtype=np.float64)
        if len(lr):
            lr, inverse = np.unique(lr, return_inverse=True)
            dl = np.bincount(inverse.ravel(), weights=dl)
            lr, dl = lr[dl != 0], dl[dl != 0]
        self.len_rows, self.dlen = lr, dl

    def __len__(self) -> int:
        return len(self.terms)

    def plus(self, terms: Sequence[str], rows: np.ndarray, dtf: np.ndarray, len_rows: np.ndarray,
             dlen: np.ndarray) -> TermPatch:
        return TermPatch([*self.terms, *terms], np.concatenate([self.rows, rows]), np.concatenate([self.dtf, dtf]),
                         np.concatenate([self.len_rows, len_rows]), np.concatenate([self.dlen, dlen]))

    def outside(self, start: int, stop: int) -> TermPatch:
        """This patch less its changes to rows ``start .. stop-1`` (folded into a segment)."""
        keep = (self.rows < start) | (self.rows >= stop)
        keep_len = (self.len_rows < start) | (self.len_rows >= stop)
        return TermPatch(np.asarray(self.terms, dtype=object)[keep], self.rows[keep], self.dtf[keep],
                         self.len_rows[keep_len], self.dlen[keep_len])

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        span = self.by_term.get(term)
        return None if span is None else (self.rows[span[0] : span[1]], self.dtf[span[0] : span[1]])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "terms.json").write_text(json.dumps(self.terms, ensure_ascii=False), encoding="utf-8")
        np.savez(folder / "patch.npz", rows=self.rows, dtf=self.dtf, len_rows=self.len_rows, dlen=self.dlen)

    @classmethod
    def load(cls, folder: Path) -> TermPatch:
        if not (folder / "patch.npz").exists():
            return cls()
        data = np.load(folder / "patch.npz")
        return cls(json.loads((folder / "terms.json").read_text(encoding="utf-8")), data["rows"], data["dtf"],
                   data["len_rows"], data["dlen"])
