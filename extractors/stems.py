"""Snowball Norwegian stems (PyStemmer), without loading spaCy.

The Snowball ``norwegian`` algorithm strips Bokmål endings and most Nynorsk ones
(``kommunane``/``kommunene`` → ``kommun``), so matching on stems covers both written forms.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import Stemmer


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian")


def stem(word: str) -> str:
    """Snowball Norwegian stem of ``word`` (lower-cased)."""
    return _stemmer().stemWord(word.lower())


def stem_words(words: Iterable[str]) -> list[str]:
    """Stems of ``words`` (lower-cased), in order."""
    return _stemmer().stemWords([w.lower() for w in words])
