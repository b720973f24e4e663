"""BM25 scoring over index segments (bm25s' Lucene variant), for the analysis of
:mod:`~saksfinn.index.retrieval.analysis` and the postings of
:mod:`~saksfinn.index.retrieval.postings`.

(Queries only) a word none of whose terms is in the index is tried in the other written
standard — Nynorsk *fleire heiltidsstillingar* finds Bokmål *flere heltidsstillinger* and
back — by the counterpart table of :mod:`~saksfinn.index.retrieval.written_standards`;
the first spelling the index knows is used (:meth:`LexicalIndex.query_terms`; search
weights both standards always: :mod:`~saksfinn.index.retrieval.expansion`).
:func:`weighted_scores` is the one scoring loop, ``Σ weight · BM25(term)``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from saksfinn.index.retrieval.analysis import Analyzer, corpus_vocabulary, spelling_variants
from saksfinn.index.retrieval.postings import LexicalSegment, TermPatch

log = logging.getLogger(__name__)

_VOCAB_FILE = "split_vocabulary.json"
_POSTINGS_CACHE = 256  # terms whose merged postings a loaded index keeps
_CACHE_LOCK = threading.Lock()

K1 = 1.5  # bm25s' defaults, method "lucene": the scores bm25s gave before segments
B = 0.75


def weighted_scores(lexical: LexicalIndex, weights: Mapping[str, float], *, k1: float = K1, b: float = B) -> np.ndarray:
    """``Σ weight · idf · tf / (tf + k1·(1 − b + b·len/avglen))`` for every row (float32), with
    ``idf = ln(1 + (N − df + 0.5) / (df + 0.5))`` over the live rows."""
    out = np.zeros(lexical.size, dtype=np.float64)
    for term, weight in weights.items():
        rows, tf = lexical.postings(term)
        df = len(rows)
        if not df:
            continue
        idf = np.log(1.0 + (lexical.n_live - df + 0.5) / (df + 0.5))
        tf = tf.astype(np.float64)
        out[rows] += weight * idf * tf / (k1 * ((1.0 - b) + b * lexical.lengths[rows] / lexical.avg_length) + tf)
    return out.astype(np.float32)


class LexicalIndex:
    """BM25 over one or more :class:`LexicalSegment` laid end to end (row = segment
    offset + row in it), rows outside ``live`` (tombstones) neither scored nor counted.

    Scores are bm25s' Lucene variant, ``idf · tf / (tf + k1·(1 − b + b·len/avglen))``
    with ``idf = ln(1 + (N − df + 0.5) / (df + 0.5))``, over the live rows' statistics,
    so an index in segments with tombstones scores every live row exactly as one
    segment built from the live texts alone would (tested)."""

    def __init__(self, segments: Sequence[LexicalSegment], analyzer: Analyzer, live: np.ndarray | None = None,
                 patch: TermPatch | None = None) -> None:
        self.segments = list(segments)
        self.analyzer = analyzer
        self.patch = patch if patch is not None and (len(patch) or len(patch.len_rows)) else None
        self.offsets = np.cumsum([0] + [s.size for s in self.segments])[:-1].astype(np.int64)
        self.size = int(sum(s.size for s in self.segments))
        self.live = None if live is None or live.all() else np.asarray(live, dtype=bool)
        lengths = np.concatenate([np.asarray(s.lengths) for s in self.segments]) if self.segments else np.zeros(0)
        lengths = lengths.astype(np.float64)
        if self.patch is not None:
            lengths[self.patch.len_rows] += self.patch.dlen
        self.lengths = lengths
        self.n_live = int(self.size if self.live is None else self.live.sum())
        total = int(lengths.sum() if self.live is None else lengths[self.live].sum())
        self.avg_length = total / self.n_live if self.n_live else 1.0

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        analyzer = Analyzer(corpus_vocabulary(texts))
        analysed = [analyzer.analyze(t) for t in texts]
        return cls([LexicalSegment.build([a[0] for a in analysed], [a[1] for a in analysed])], analyzer)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Live rows holding ``term`` and its frequency in each (cached: the index is immutable)."""
        cache = self.__dict__.setdefault("_cache", {})
        found = cache.get(term)
        if found is None:
            found = self._postings(term)
            with _CACHE_LOCK:
                if len(cache) >= _POSTINGS_CACHE:
                    cache.pop(next(iter(cache)), None)
                cache[term] = found
        return found

    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        rows: list[np.ndarray] = []
        tfs: list[np.ndarray] = []
        for seg, offset in zip(self.segments, self.offsets):
            found = seg.postings(term)
            if found is not None:
                rows.append(found[0].astype(np.int64) + offset)
                tfs.append(np.asarray(found[1]))
        patched = self.patch.postings(term) if self.patch is not None else None
        if patched is not None:
            rows.append(patched[0])
            tfs.append(patched[1])
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        r, tf = np.concatenate(rows), np.concatenate(tfs)
        if patched is not None:  # add the changes to the rows' frequencies; rows left at 0 no longer hold the term
            r, inverse = np.unique(r, return_inverse=True)
            tf = np.bincount(inverse.ravel(), weights=tf.astype(np.float64))
            r, tf = r[tf > 0], tf[tf > 0]
        if self.live is not None:
            keep = self.live[r]
            r, tf = r[keep], tf[keep]
        return r, tf

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for ``query`` (zeros when no query term is indexed)."""
        return weighted_scores(self, dict.fromkeys(self.query_terms(query), 1.0))

    def query_terms(self, query: str) -> list[str]:
        """Index terms of ``query``. A word none of whose terms is in the index is tried in
        its other written standard (Nynorsk *heiltid* → Bokmål *heltid*, and back), so a
        query in one standard finds documents in the other."""
        terms: list[str] = []
        for word in self.analyzer.words(query):
            word_terms = self.analyzer.terms_of_word(word, query=True)
            if not any(self.knows(t) for t in word_terms):
                word_terms = self._variant_terms(word) or word_terms
            terms.extend(word_terms)
        return list(dict.fromkeys(terms))

    def word_postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Live rows holding the splittable ``word`` and how often."""
        rows: list[np.ndarray] = []
        tfs: list[np.ndarray] = []
        for seg, offset in zip(self.segments, self.offsets):
            found = seg.word_postings(word)
            if found is not None:
                rows.append(found[0].astype(np.int64) + offset)
                tfs.append(np.asarray(found[1]))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        r, tf = np.concatenate(rows), np.concatenate(tfs)
        if self.live is not None:
            keep = self.live[r]
            r, tf = r[keep], tf[keep]
        return r, tf

    def knows(self, term: str) -> bool:
        """Whether a live row holds ``term``."""
        if self.patch is not None:
            return len(self.postings(term)[0]) > 0
        for seg, offset in zip(self.segments, self.offsets):
            found = seg.postings(term)
            if found is not None and (self.live is None or self.live[np.asarray(found[0]) + offset].any()):
                return True
        return False

    def _variant_terms(self, word: str) -> list[str]:
        for variant in spelling_variants(word):
            known = [t for t in self.analyzer.terms_of_word(variant, query=True) if self.knows(t)]
            if known:
                return known
        return []

    def save(self, folder: Path) -> None:
        """One-segment index with its vocabulary (a generation stores these parts itself)."""
        if len(self.segments) != 1 or self.live is not None:
            raise ValueError("only a one-segment index without tombstones is saved as a whole")
        self.segments[0].save(folder)
        (folder / _VOCAB_FILE).write_text(
            json.dumps({"size": self.size, "vocabulary": sorted(self.analyzer.words_known)}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        meta = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        return cls([LexicalSegment.load(folder)], Analyzer(meta["vocabulary"]))


class LegacyLexicalIndex(LexicalIndex):
    """A generation written before segments (one bm25s index), read as it is until the next
    run rebuilds it: ``saksfinn search`` keeps answering after an upgrade."""

    def __init__(self, folder: Path) -> None:
        import bm25s

        meta = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        self._bm25 = bm25s.BM25.load(str(folder), show_progress=False) if meta["size"] else None
        self.segments, self.analyzer, self.live, self.patch = [], Analyzer(meta["vocabulary"]), None, None
        self.size = self.n_live = meta["size"]

    def scores(self, query: str) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        ids = self._bm25.get_tokens_ids(self.query_terms(query))
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32) if ids else np.zeros(self.size, np.float32)

    def knows(self, term: str) -> bool:
        return self._bm25 is not None and term in self._bm25.vocab_dict
