"""The query in the other written standard (index/retrieval/translation.py): which
standard a query is in, the translation used by BM25 and dense search, the cache, and
search that keeps working when Apertium is missing or fails. Fakes stand in for
Apertium except in the tests marked to skip when it is not installed."""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pytest

from saksfinn.extractors.stems import stem
from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.retrieval import translation
from saksfinn.index.retrieval.expansion import merged, query_words, translated_words
from saksfinn.index.retrieval.lexical import LexicalIndex
from saksfinn.index.retrieval.ranking import Ranking
from saksfinn.index.retrieval.search import SearchIndex
from saksfinn.index.retrieval.translation import (
    ApertiumTranslator, OtherStandard, QueryTranslator, choose, clean, safe_text, unknown_words,
)
from saksfinn.models import Chunk

# (query, Apertium nno→nob output, nob→nno output, expected) — real outputs of apertium-nno-nob 1.5.0
CHOICES = [
    # Nynorsk: the Bokmål analyser does not know its words
    ("kven betaler for å flytte straumnettet", "hvem betaler for å flytte strømnettet",
     "*kven betaler for å flytte *straumnettet", OtherStandard("nn", "hvem betaler for å flytte strømnettet")),
    # Bokmål: the Nynorsk analyser does not know its words
    ("høyt og økende sykefravær i kommunen", "*høyt og *økende *sykefravær i kommunen",
     "høgt og aukande sjukefråvær i kommunen", OtherStandard("nb", "høgt og aukande sjukefråvær i kommunen")),
    # both analysers know every word: the translation out of the query's own standard changes more
    ("mellombels anleggsveg over dyrka mark vert permanent", "midlertidig anleggvei over dyrket mark blir permanent",
     "mellombels anleggsveg over dyrka mark vert permanent",
     OtherStandard("nn", "midlertidig anleggvei over dyrket mark blir permanent")),
    ("kartlegge årsaker til frivillig deltid", "kartlegge årsaker til frivillig deltid",
     "kartleggja årsaker til frivillig deltid", OtherStandard("nb", "kartleggja årsaker til frivillig deltid")),
    # a full tie is Bokmål (misread as Nynorsk, "et" would become "spiser")
    ("støtte til et knutepunkt for kreativ teknologi", "støtte til spiser knutepunkt for kreativ teknologi",
     "støtte til eit knutepunkt for kreativ teknologi", OtherStandard("nb", "støtte til eit knutepunkt for kreativ teknologi")),
    # nothing changes either way: no translation
    ("samarbeid om areal og transport i regionen", "samarbeid om areal og transport i regionen",
     "samarbeid om areal og transport i regionen", None),
    ("reguleringsplan Breisås", "reguleringsplan *Breisås", "reguleringsplan *Breisås", None),
    # the marks are removed from the translation used
    ("skjenketider under fotball-VM", "skjenketider under #fotball-vm", "skjenkjetider under fotball-VM",
     OtherStandard("nb", "skjenkjetider under fotball-VM")),
]


@pytest.mark.parametrize(("query", "to_nb", "to_nn", "want"), CHOICES)
def test_the_translation_out_of_the_querys_own_standard_is_chosen(query, to_nb, to_nn, want):
    assert choose(query, to_nb, to_nn) == want


@pytest.mark.parametrize(
    ("raw", "unknown", "cleaned"),
    [("tiltak mot *sykefravær", 1, "tiltak mot sykefravær"), ("*høyt og *økende", 2, "høyt og økende"),
     ("#fotball-vm og @utebod", 0, "fotball-vm og utebod"), ("10-FAKTOR  2027-2028", 0, "10-FAKTOR 2027-2028")],
)
def test_marks(raw, unknown, cleaned):
    assert unknown_words(raw) == unknown and clean(raw) == cleaned


@pytest.mark.parametrize(
    ("text", "safe"),
    [("a [b] ^c$ / @ * # <x> {y} \\ z", "a b c x y z"), ("kl. 23.00, 10-FAKTOR!", "kl. 23.00, 10-FAKTOR!"),
     ("linje\nto\0tre", "linje to tre")],
)
def test_reserved_characters_never_reach_apertium(text, safe):
    assert safe_text(text) == safe


class FakeTranslator:
    """A dictionary of (text, direction) → raw output; anything else comes back unchanged."""

    def __init__(self, table: dict[tuple[str, str], str | None]) -> None:
        self.table, self.calls = table, []

    def translate(self, text: str, direction: str) -> str | None:
        self.calls.append((text, direction))
        return self.table.get((text, direction), text)


def test_each_query_is_translated_once_and_the_cache_is_bounded():
    fake = FakeTranslator({("kven betaler", "nno-nob"): "hvem betaler", ("kven betaler", "nob-nno"): "*kven betaler"})
    qt = QueryTranslator(fake, cache_size=2)
    for _ in range(3):
        assert qt.other_standard("kven betaler") == OtherStandard("nn", "hvem betaler")
    assert len(fake.calls) == 2  # both directions, once
    qt.other_standard("a")
    qt.other_standard("b")  # "kven betaler" is now the least recently used of three: dropped
    qt.other_standard("kven betaler")
    assert len(fake.calls) == 8


def test_a_failed_translation_is_no_translation():
    fake = FakeTranslator({("kven betaler", "nno-nob"): None})
    assert QueryTranslator(fake).other_standard("kven betaler") is None
    assert QueryTranslator(None).other_standard("kven betaler") is None


def test_apertium_missing_is_logged_once_and_never_raised(monkeypatch, caplog):
    monkeypatch.setattr(translation, "pipeline_command", lambda *a, **k: None)
    apertium = ApertiumTranslator()
    qt = QueryTranslator(apertium)
    with caplog.at_level(logging.WARNING, logger=translation.__name__):
        assert qt.other_standard("kven betaler") is None
        assert qt.other_standard("kva kostar det") is None
    assert caplog.text.count("without machine translation") == 1


def test_a_pipeline_that_does_not_answer_times_out_and_is_given_up(monkeypatch):
    monkeypatch.setattr(translation, "pipeline_command", lambda *a, **k: "cat >/dev/null")  # never answers
    apertium = ApertiumTranslator(timeout=0.2)
    try:
        for _ in range(translation.MAX_FAILURES + 1):
            assert apertium.translate("kven betaler", "nno-nob") is None
        assert apertium._failures["nno-nob"] == translation.MAX_FAILURES  # noqa: SLF001
        assert not apertium._pipes  # noqa: SLF001 - the hung pipeline was ended
    finally:
        apertium.close()


# ---- the translation in search ------------------------------------------------------------

TEXTS = [
    "Statsforvalteren bekreftet vedtaket om å flytte strømnettet før utbyggingen.",  # Bokmål only
    "Kven betaler for vegen? Kommunen og fylket deler kostnaden.",
    "Budsjettet for vegane er vedteke.",
]


def test_translated_terms_join_the_query_at_their_weight():
    index = LexicalIndex.build(TEXTS)
    words = query_words(index, "kven betaler stadfesta", 0.5)  # no table turns "stadfesta" into "bekreftet"
    extra = translated_words(index, "hvem betaler bekreftet", words, 0.5)
    weights = merged(words + extra)
    assert weights[stem("bekreftet")] == pytest.approx(0.5)
    assert weights[stem("betaler")] == 1.0  # the query's own word keeps its weight
    assert stem("bekreftet") not in merged(words)
    assert translated_words(index, "hvem betaler bekreftet", words, 0.0) == []


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

WORDS = ["kven", "hvem", "betaler", "stadfesta", "bekreftet", "vegen", "veien", "strømnettet", "straumnettet",
         "budsjettet", "kommunen", "fylket", "kostnaden", "utbyggingen"]
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@hsettings(max_examples=60, deadline=None)
@given(phrases, phrases, st.floats(0.0, 1.0))
def test_a_translation_adds_or_raises_terms_up_to_its_weight_and_lowers_none(query, other, weight):
    index = LexicalIndex.build(TEXTS)
    words = query_words(index, query, 0.5)
    extra = translated_words(index, other, words, weight)
    own, both = merged(words), merged(words + extra)
    assert all(both[t] >= w for t, w in own.items())  # nothing of the query is weighed less
    assert all(w == own.get(t) or w <= weight + 1e-9 for t, w in both.items())  # what it adds or raises: ≤ weight


def chunks() -> list[Chunk]:
    return [Chunk(document_id=f"d{i}", text=t, title=f"Sak {i}", page=1, start=0, end=len(t)) for i, t in enumerate(TEXTS)]


def test_search_finds_the_other_standard_through_the_translation(tmp_path):
    emb = HashEmbedder(64)
    SearchIndex.build(chunks(), emb.encode_passages(TEXTS), tmp_path)
    on = SearchIndex.open(tmp_path, ranking=replace(Ranking(), translation=True, translation_weight=0.5, translation_dense="mean"))
    query, other = "stadfesta", OtherStandard("nn", "bekreftet")
    qvec, ovec = emb.encode_queries([query, other.text])
    assert not on.search(query, None, mode="bm25")  # no text says "stadfesta"
    assert [h.document_id for h in on.search(query, None, mode="bm25", other=other)] == ["d0"]
    assert on.search(query, qvec, other=other, other_vec=ovec)[0].document_id == "d0"
    off = SearchIndex.open(tmp_path, ranking=replace(Ranking(), translation=True, translation_weight=0.5, translation_from=("nb",)))
    assert not off.search(query, None, mode="bm25", other=other)  # Nynorsk queries not translated here
    assert [h.document_id for h in SearchIndex.open(tmp_path).search(query, None, mode="bm25", other=other)] == ["d0"]  # on by default
    switched_off = SearchIndex.open(tmp_path, ranking=replace(Ranking(), translation=False))
    assert not switched_off.search(query, None, mode="bm25", other=other)  # translation off: as before


@pytest.mark.parametrize("how", ["mean", "max"])
def test_dense_with_the_translation_keeps_the_pool_size(tmp_path, how):
    emb = HashEmbedder(64)
    texts = [f"Sak nummer {i} om veg, skule og budsjett {i}" for i in range(40)]
    SearchIndex.build([Chunk(document_id=f"d{i}", text=t, title="S", page=1, start=0, end=len(t))
                       for i, t in enumerate(texts)], emb.encode_passages(texts), tmp_path)
    index = SearchIndex.open(tmp_path, ranking=replace(Ranking(), translation=True, translation_dense=how, max_per_document=30))
    qvec, ovec = emb.encode_queries(["vegen til skulen", "veien til skolen"])
    hits = index.search("vegen til skulen", qvec, top=30, mode="dense", other=OtherStandard("nn", "veien til skolen"),
                        other_vec=ovec)
    assert len(hits) == 30 and len({h.document_id for h in hits}) == 30


class NoSources:
    def document_row(self, document_id: str) -> None:
        return None


def searcher_over(tmp_path, **settings):  # noqa: ANN001, ANN201
    from saksfinn.flows.searching import Searcher
    from saksfinn.settings import Settings

    s = Settings(home=tmp_path, embedder="hash", **settings)
    from saksfinn.flows.indexing import query_embedder_from_settings

    SearchIndex.build(chunks(), query_embedder_from_settings(s).encode_passages(TEXTS), s.index_dir)
    return Searcher(s, store=NoSources())  # type: ignore[arg-type]


def test_search_works_when_apertium_is_absent(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(translation, "pipeline_command", lambda *a, **k: None)
    searcher = searcher_over(tmp_path, search_translation=True)
    with caplog.at_level(logging.WARNING):
        hits = searcher.search("kven betaler for vegen", top=3)
    assert hits and hits[0].document_id == "d1"
    assert "without machine translation" in caplog.text


def test_searcher_uses_the_translation_when_on(tmp_path):
    searcher = searcher_over(tmp_path, search_translation=True, search_translation_weight=0.5)
    fake = FakeTranslator({("stadfesta", "nno-nob"): "bekreftet", ("stadfesta", "nob-nno"): "stadfesta"})
    searcher._translator = QueryTranslator(fake)  # noqa: SLF001 - a fake in place of Apertium
    assert searcher.search("stadfesta", top=3, mode="bm25")[0].document_id == "d0"
    assert searcher.search("stadfesta", top=3)[0].document_id == "d0"  # hybrid: the translation is embedded too
    off = searcher_over(tmp_path / "off", search_translation=False)
    assert off._get_translator() is None  # noqa: SLF001 - switched off: the tables only
    assert not off.search("stadfesta", top=3, mode="bm25")


# ---- real Apertium (skipped where apertium-nno-nob is not installed) ----------------------

needs_apertium = pytest.mark.skipif(not ApertiumTranslator.available(), reason="apertium-nno-nob not installed")


@needs_apertium
@pytest.mark.parametrize(
    ("query", "want"),
    [("tiltak mot sjukefråvær i skulane", OtherStandard("nn", "tiltak mot sykefravær i skolene")),
     ("kven betaler for å flytte straumnettet", OtherStandard("nn", "hvem betaler for å flytte strømnettet")),
     ("tiltak mot sykefravær", OtherStandard("nb", "tiltak mot sjukefråvær"))],
)
def test_real_apertium_translates_queries_both_ways(query, want):
    apertium = ApertiumTranslator()
    try:
        assert QueryTranslator(apertium).other_standard(query) == want
        # reserved characters are dropped, not fed to the stream format (which would desynchronise it)
        assert apertium.translate("a [b] ^c$ / @ * # <x> {y}", "nob-nno") is not None
        assert clean(apertium.translate("kven betaler", "nno-nob") or "") == "hvem betaler"
    finally:
        apertium.close()
    assert not apertium._pipes  # noqa: SLF001 - close ends the pipelines


@needs_apertium
def test_real_apertium_answers_concurrent_queries_in_order():
    import threading

    apertium = ApertiumTranslator()
    queries = ["kven betaler", "korleis går det", "tiltak mot sjukefråvær", "mellombels løyve"] * 5
    got: dict[int, str | None] = {}
    threads = [threading.Thread(target=lambda i=i, q=q: got.__setitem__(i, apertium.translate(q, "nno-nob")))
               for i, q in enumerate(queries)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        alone = {q: apertium.translate(q, "nno-nob") for q in set(queries)}
    finally:
        apertium.close()
    assert all(got[i] == alone[q] for i, q in enumerate(queries))
    assert np.all([g is not None for g in got.values()])
