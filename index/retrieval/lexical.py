"""BM25 over Norwegian text: lower-casing, Snowball stemming and compound splitting.

Analysis (same for documents and queries):

1. lower-case, split on ``\\w+`` (æ, ø, å kept as they are; nothing else folded);
2. drop Norwegian stop words (bm25s's list) and one-character tokens;
3. every token is indexed as its Snowball ``norwegian`` stem **plus** the stems of
   its compound parts, found by greedy longest-match splitting against the corpus
   vocabulary: parts are at least :data:`MIN_PART` characters and may be joined by a
   linking ``s`` or ``e`` (*heltid·s·kultur*, *barn·e·hage*). So *heltidskultur*
   matches queries for *heltid* and *kultur*, and the query *sykefraværsarbeid*
   matches documents that only say *sykefravær*.

4. (queries only) a word none of whose terms is in the index is tried in the other
   written standard — Nynorsk *fleire heiltidsstillingar* finds Bokmål *flere
   heltidsstillinger* and back — by the counterpart table of
   :mod:`~saksfinn.index.retrieval.written_standards`; the first spelling the index
   knows is used. (Search weights both standards always:
   :mod:`~saksfinn.index.retrieval.expansion`.)

The vocabulary used for splitting is the set of surface words of the indexed corpus
and is saved with the index, so a query is split exactly as documents were.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from functools import lru_cache
from pathlib import Path

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_NORWEGIAN

from saksfinn.index.retrieval.written_standards import counterparts

log = logging.getLogger(__name__)

MIN_PART = 4
LINKING = ("s", "e")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(STOPWORDS_NORWEGIAN)
_VOCAB_FILE = "split_vocabulary.json"
_MAX_PARTS = 4
_POSTINGS_CACHE = 256  # terms whose merged postings a loaded index keeps
_CACHE_LOCK = threading.Lock()


class Analyzer:
    """Turns text into index terms; owns the compound-splitting vocabulary."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self._stemmer = Stemmer.Stemmer("norwegian")
        self._stem = lru_cache(maxsize=500_000)(self._stemmer.stemWord)
        words = frozenset(w for w in vocabulary if len(w) >= MIN_PART)
        self.words_known = words  # what was given; saved with the index
        # stems too, so "kultur" is a part even when the corpus only says "kulturen"
        self.vocabulary = frozenset(words | {s for s in map(self._stem, words) if len(s) >= MIN_PART})
        self._split = lru_cache(maxsize=200_000)(self._split_uncached)
        self._word_terms: dict[str, tuple[str, ...]] = {}  # a document word's terms (fixed for this vocabulary)

    @staticmethod
    def words(text: str) -> list[str]:
        """Lower-cased content words of ``text`` (stop words and 1-char tokens dropped)."""
        return [w for w in _TOKEN.findall(text.lower()) if len(w) > 1 and w not in _STOP]

    def split(self, word: str, *, lenient: bool = False) -> tuple[str, ...]:
        """Compound parts of a lower-case ``word`` (empty when it does not split).

        Every part must be a known word (or stem). With ``lenient`` (query words) the
        last part may be unknown: it cannot match anything, but the known head still
        should (*sykefraværsarbeid* → *sykefravær* even if no text says *arbeid*).
        """
        if len(word) < 2 * MIN_PART or not self.vocabulary:
            return ()
        return self._split(word, lenient) or ()

    def _split_uncached(self, word: str, lenient: bool, depth: int = 0) -> tuple[str, ...] | None:
        # Greedy: longest known prefix first, backtracking to shorter prefixes when the
        # remainder cannot be covered. The whole word itself is not a split.
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head = word[:cut]
            if head not in self.vocabulary:
                continue
            rest = word[cut:]
            for tail in _tails(rest):
                if tail in self.vocabulary:
                    return (head, tail)
                if depth + 2 < _MAX_PARTS and len(tail) >= 2 * MIN_PART:
                    more = self._split_uncached(tail, False, depth + 1)
                    if more:
                        return (head, *more)
        if lenient:
            strict = self._split_uncached(word, False, depth)
            if strict:
                return strict
            for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
                if word[:cut] in self.vocabulary:
                    return (word[:cut], _tails(word[cut:])[-1])
        return None

    def terms_of_word(self, word: str, *, query: bool = False) -> list[str]:
        """Index terms for one lower-case word: its stem, then its parts' stems."""
        stem = self._stem(word)
        terms = [stem]
        for part in self.split(word, lenient=query):
            s = self._stem(part)
            if s not in terms:
                terms.append(s)
        return terms

    def analyze(self, text: str) -> tuple[list[str], list[str]]:
        """A text's index terms and the words in it that could split (so whose terms
        depend on the vocabulary), each as often as it occurs."""
        terms: list[str] = []
        splittable: list[str] = []
        known = self._word_terms
        for word in self.words(text):
            found = known.get(word)
            if found is None:
                found = known[word] = tuple(self.terms_of_word(word))
            terms.extend(found)
            if len(word) >= 2 * MIN_PART:
                splittable.append(word)
        return terms, splittable

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        out: list[str] = []
        for word in self.words(text):
            out.extend(self.terms_of_word(word, query=query))
        return out


def spelling_variants(word: str) -> list[str]:
    """Spellings of ``word`` in the other written standard, most likely first
    (:func:`~saksfinn.index.retrieval.written_standards.counterparts`: one table for
    this fallback and for the weighted query expansion of search)."""
    return list(counterparts(word))


def _tails(rest: str) -> list[str]:
    tails = [rest] if len(rest) >= MIN_PART else []
    if rest[:1] in LINKING and len(rest) - 1 >= MIN_PART:
        tails.append(rest[1:])
    return tails


def corpus_vocabulary(texts: Iterable[str]) -> set[str]:
    """Surface words (lower case, ≥ MIN_PART chars, alphabetic) of a corpus."""
    vocab: set[str] = set()
    for text in texts:
        vocab.update(w for w in _TOKEN.findall(text.lower()) if len(w) >= MIN_PART and w.isalpha())
    return vocab


def text_words(text: str) -> set[str]:
    """The distinct lower-case words of ``text`` of at least MIN_PART characters: what
    :class:`WordCounts` counts (the splitting vocabulary is the alphabetic ones)."""
    return {w for w in _TOKEN.findall(text.lower()) if len(w) >= MIN_PART}


class WordCounts:
    """How many live texts hold each word (:func:`text_words`): the splitting vocabulary
    can then follow texts that come and go without reading the whole corpus again."""

    def __init__(self, counts: dict[str, int] | None = None) -> None:
        self.counts: dict[str, int] = dict(counts or {})

    @classmethod
    def of(cls, texts: Iterable[str]) -> WordCounts:
        counts = cls()
        counts.add(texts)
        return counts

    def add(self, texts: Iterable[str]) -> None:
        c = self.counts
        for text in texts:
            for w in text_words(text):
                c[w] = c.get(w, 0) + 1

    def remove(self, texts: Iterable[str]) -> None:
        c = self.counts
        for text in texts:
            for w in text_words(text):
                left = c.get(w, 0) - 1
                if left > 0:
                    c[w] = left
                else:
                    c.pop(w, None)

    def vocabulary(self) -> set[str]:
        """Equal to :func:`corpus_vocabulary` of the counted texts."""
        return {w for w in self.counts if w.isalpha()}

    def copy(self) -> WordCounts:
        return WordCounts(self.counts)

    def save(self, path: Path) -> None:
        words = sorted(self.counts)
        path.write_text(json.dumps({"words": words, "counts": [self.counts[w] for w in words]}, ensure_ascii=False),
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> WordCounts:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(zip(data["words"], data["counts"], strict=True)))


def resplit_words(old: Analyzer, new: Analyzer, words: Iterable[str]) -> set[str]:
    """The ``words`` whose index terms differ between the two analysers' vocabularies.

    A split only looks up substrings of the word, so a word none of whose substrings
    changed membership keeps its terms; only the others are split again to compare."""
    changed = old.vocabulary ^ new.vocabulary
    if not changed:
        return set()
    lengths = sorted({len(c) for c in changed})
    out: set[str] = set()
    for w in words:
        n = len(w)
        if n < 2 * MIN_PART or w in _STOP:
            continue
        if not any(w[i : i + ln] in changed for ln in lengths if ln < n for i in range(n - ln + 1)):
            continue
        if old.terms_of_word(w) != new.terms_of_word(w):
            out.add(w)
    return out


K1 = 1.5  # bm25s' defaults, method "lucene": the scores bm25s gave before segments
B = 0.75


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
        out = np.zeros(self.size, dtype=np.float64)
        for term in self.query_terms(query):
            rows, tf = self.postings(term)
            df = len(rows)
            if not df:
                continue
            idf = np.log(1.0 + (self.n_live - df + 0.5) / (df + 0.5))
            tf = tf.astype(np.float64)
            out[rows] += idf * tf / (K1 * ((1.0 - B) + B * self.lengths[rows] / self.avg_length) + tf)
        return out.astype(np.float32)

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
