"""The shared Norwegian spaCy pipeline: tokenizer, sentencizer, lookup lemmatizer, stems.

:func:`build_nlp` returns ``spacy.blank("nb")`` with

* tokenizer special cases for common abbreviations (``jf.``, ``bl.a.``, ``f.eks.``,
  ``ca.``, ``nr.``, ``kr.``...), so they neither split nor end sentences;
* a ``sentencizer``;
* ``nb_lookup_lemmatizer``: sets ``token.lemma_`` from a form → lemma table built from
  spacy-lookups-data's ``nb_lemma_exc`` tables (``nb_lemma_lookup`` is nearly empty);
  unknown forms keep their lower-cased text;
* ``token._.stem``: the Snowball Norwegian stem (PyStemmer), which also conflates most
  Nynorsk inflections (``-ane``, ``-ar``, ``-a``) with Bokmål ones.

Build it once (about 0.3 s with a warm cache, ~3 s the first time on a machine) and pass
it into the extractors; extractors never build it themselves.

Lemma data: word forms and lemmas from *Norsk Ordbank* in Norwegian Bokmål 2005,
updated 20180627 (CLARINO NB – Språkbanken, Nasjonalbiblioteket, Norway),
https://www.nb.no/sprakbanken/ — licensed Creative Commons BY 4.0
(https://creativecommons.org/licenses/by/4.0/), as distributed in spacy-lookups-data.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import os
import pickle
import time
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc, Token

from saksfinn.extractors.stems import stem, stem_words

log = logging.getLogger(__name__)

__all__ = ["ABBREVIATIONS", "LookupLemmatizer", "build_nlp", "lemma_table", "stem", "stem_words"]

ABBREVIATIONS: tuple[str, ...] = (
    "jf.", "Jf.", "jfr.", "Jfr.", "bl.a.", "Bl.a.", "f.eks.", "F.eks.", "ca.", "Ca.",
    "nr.", "Nr.", "kr.", "Kr.", "pkt.", "Pkt.", "mht.", "ift.", "evt.", "Evt.", "inkl.",
    "ekskl.", "osv.", "m.m.", "mv.", "m.v.", "o.l.", "dvs.", "Dvs.", "kl.", "Kl.", "gnr.",
    "bnr.", "pr.", "stk.", "mill.", "mrd.", "tlf.", "Tlf.", "adm.", "ass.", "fung.", "Fung.",
    "t.o.m.", "f.o.m.", "iht.", "vedr.", "Vedr.", "ev.", "Ev.", "bl.anna", "m.a.", "t.d.",
)
"""Abbreviations kept as one token (Bokmål and Nynorsk, e.g. ``t.d.``, ``m.a.``)."""

_POS_PRIORITY = ("adv", "adj", "verb", "noun")  # later wins: nouns are what we match most
_CACHE_NAME = "nb_lemma_exc.v2.pickle"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "saksfinn"


def _read_exc_tables() -> dict[str, str]:
    import spacy_lookups_data  # noqa: PLC0415 - only needed on a cold cache

    path = Path(spacy_lookups_data.__file__).parent / "data" / "nb_lemma_exc.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        tables: dict[str, dict[str, list[str]]] = json.load(fh)
    table: dict[str, str] = {}
    for pos in _POS_PRIORITY:
        for form, lemmas in tables.get(pos, {}).items():
            if lemmas and " " not in form and lemmas[0].lower() != form.lower():
                table[form.lower()] = lemmas[0].lower()
    return table


@functools.cache
def lemma_table() -> dict[str, str]:
    """Form → lemma (both lower case) from Norsk Ordbank; cached on disk and in memory."""
    cache = _cache_dir() / _CACHE_NAME
    if cache.is_file():
        try:
            with cache.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError) as exc:
            log.warning("lemma cache %s unreadable (%s); rebuilding", cache, exc)
    table = _read_exc_tables()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(table, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError as exc:
        log.warning("could not write lemma cache %s: %s", cache, exc)
    return table


@Language.factory("nb_lookup_lemmatizer")
def _make_lemmatizer(nlp: Language, name: str) -> "LookupLemmatizer":
    return LookupLemmatizer(lemma_table())


class LookupLemmatizer:
    """Pipeline component: ``token.lemma_`` from a form → lemma table (lower case)."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            low = token.lower_
            token.lemma_ = self.table.get(low, low)
        return doc


def _token_stem(token: Token) -> str:
    return stem(token.text)


def build_nlp() -> Language:
    """Build the shared ``nb`` pipeline (see module docstring). Call once per process."""
    started = time.perf_counter()
    nlp = spacy.blank("nb")
    for abbr in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("nb_lookup_lemmatizer")
    if not Token.has_extension("stem"):
        Token.set_extension("stem", getter=_token_stem)
    log.debug("build_nlp took %.2fs", time.perf_counter() - started)
    return nlp
