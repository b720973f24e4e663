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
   heltidsstillinger* and back — by a short list of regular spelling correspondences
   (:func:`spelling_variants`); the first spelling the index knows is used.

The vocabulary used for splitting is the set of surface words of the indexed corpus
and is saved with the index, so a query is split exactly as documents were.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_NORWEGIAN

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG on import; hand the level back to the application.
logging.getLogger("bm25s").setLevel(logging.NOTSET)

MIN_PART = 4
LINKING = ("s", "e")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(STOPWORDS_NORWEGIAN)
_VOCAB_FILE = "split_vocabulary.json"
_MAX_PARTS = 4


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

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        out: list[str] = []
        for word in self.words(text):
            out.extend(self.terms_of_word(word, query=query))
        return out


# Regular Nynorsk ↔ Bokmål spelling correspondences, applied to a query word the index
# does not know. Whole-word pairs first (the common words that differ most), then
# spellings inside words; each is tried in both directions.
_WORD_PAIRS = (
    ("tilsett", "ansatt"), ("tilsette", "ansatte"), ("verksemd", "virksomhet"), ("heim", "hjem"),
    ("mykje", "mye"), ("noko", "noe"), ("kva", "hva"), ("korleis", "hvordan"), ("kvifor", "hvorfor"),
    ("sjukeheim", "sykehjem"), ("utval", "utvalg"), ("fleire", "flere"), ("meir", "mer"),
)
_SPELLINGS = (("ei", "e"), ("au", "ø"), ("kv", "hv"), ("sjuk", "syk"), ("skul", "skol"), ("heim", "hjem"),
              ("leg", "lig"), ("ing", "ning"))


def spelling_variants(word: str) -> list[str]:
    """Spellings of ``word`` in the other written standard, most likely first (see above)."""
    out: list[str] = []
    for a, b in _WORD_PAIRS:
        if word == a:
            out.append(b)
        elif word == b:
            out.append(a)
    for a, b in _SPELLINGS:
        for old, new in ((a, b), (b, a)) if len(b) > 1 else ((a, b),):  # never "e" → "ei" everywhere
            if old in word:
                out.append(word.replace(old, new))
    return [v for v in dict.fromkeys(out) if v != word]


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


class LexicalIndex:
    """A bm25s index over analysed texts; rows are positions in the list given to ``build``."""

    def __init__(self, bm25: bm25s.BM25 | None, analyzer: Analyzer, size: int) -> None:
        self._bm25 = bm25
        self.analyzer = analyzer
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        analyzer = Analyzer(corpus_vocabulary(texts))
        if not texts:
            return cls(None, analyzer, 0)
        tokens = [analyzer.terms(t) or [""] for t in texts]
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(bm25, analyzer, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for ``query`` (zeros when no query term is indexed)."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        ids = self._bm25.get_tokens_ids(self.query_terms(query))
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

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

    def knows(self, term: str) -> bool:
        return self._bm25 is not None and term in self._bm25.vocab_dict

    def _variant_terms(self, word: str) -> list[str]:
        for variant in spelling_variants(word):
            known = [t for t in self.analyzer.terms_of_word(variant, query=True) if self.knows(t)]
            if known:
                return known
        return []

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(folder), show_progress=False)
        (folder / _VOCAB_FILE).write_text(
            json.dumps({"size": self.size, "vocabulary": sorted(self.analyzer.words_known)}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        meta = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        analyzer = Analyzer(meta["vocabulary"])
        bm25 = bm25s.BM25.load(str(folder), show_progress=False) if meta["size"] else None
        return cls(bm25, analyzer, meta["size"])
