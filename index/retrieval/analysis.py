"""Text analysis for BM25: lower-casing, Snowball stemming and compound splitting.

Analysis (same for documents and queries):

1. lower-case, split on ``\\w+`` (æ, ø, å kept as they are; nothing else folded);
2. drop Norwegian stop words (bm25s's list) and one-character tokens;
3. every token is indexed as its Snowball ``norwegian`` stem **plus** the stems of
   its compound parts, found by greedy longest-match splitting against the corpus
   vocabulary: parts are at least :data:`MIN_PART` characters and may be joined by a
   linking ``s`` or ``e`` (*heltid·s·kultur*, *barn·e·hage*). So *heltidskultur*
   matches queries for *heltid* and *kultur*, and the query *sykefraværsarbeid*
   matches documents that only say *sykefravær*.

The vocabulary used for splitting is the set of surface words of the indexed corpus
(:class:`WordCounts` follows it as texts come and go) and is saved with the index, so a
query is split exactly as documents were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import Stemmer
from bm25s.stopwords import STOPWORDS_NORWEGIAN

from saksfinn.index.retrieval.written_standards import counterparts

MIN_PART = 4
LINKING = ("s", "e")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(STOPWORDS_NORWEGIAN)
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
